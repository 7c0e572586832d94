from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.users.models import TenantUser
from cloudfactory.users.queries import DEFAULT_SORT, SORTS, TenantUserFilter
from cloudfactory.web.forms import SELECT, ListFilterForm


class TenantUserFilterForm(ListFilterForm):
    model = TenantUser
    sorts = SORTS
    default_sort = DEFAULT_SORT

    customer = CustomerChoiceField()
    role = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *TenantUser.Role.choices],
        error_messages={"invalid_choice": "Choose a role from the list."},
        widget=SELECT,
    )

    def to_filter(self, limit: int = 50) -> TenantUserFilter:
        data = self.cleaned_data
        return TenantUserFilter(
            q=data["q"],
            customer=data["customer"],
            role=data["role"],
            sort=data["sort"],
            after=data["after"],
            limit=limit,
        )
