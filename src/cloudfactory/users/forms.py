from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.users.models import TenantUser
from cloudfactory.users.queries import DEFAULT_SORT, SORTS, TenantUserFilter
from cloudfactory.web.forms import SELECT, ListFilterForm


class TenantUserFilterForm(ListFilterForm):
    model = TenantUser
    sorts = SORTS
    default_sort = DEFAULT_SORT
    filter_class = TenantUserFilter

    customer = CustomerChoiceField()
    role = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *TenantUser.Role.choices],
        error_messages={"invalid_choice": "Choose a role from the list."},
        widget=SELECT,
    )
