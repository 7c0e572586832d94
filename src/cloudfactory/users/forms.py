from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.users.models import TenantUser
from cloudfactory.web.forms import SELECT, ListFilterForm


class TenantUserFilterForm(ListFilterForm):
    """The list's URL state: q, customer, role, sort, cursor, selected."""

    customer = CustomerChoiceField()
    role = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *TenantUser.Role.choices],
        error_messages={"invalid_choice": "Choose a role from the list."},
        widget=SELECT,
    )
