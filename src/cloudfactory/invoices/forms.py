from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.queries import DEFAULT_SORT, SORTS, InvoiceFilter
from cloudfactory.web.forms import (
    SELECT,
    ListFilterForm,
    check_date_range,
    date_field,
    day_bounds,
)


class InvoiceFilterForm(ListFilterForm):
    """The list's URL state: q, customer, status, issued range, sort, cursor,
    selected."""

    model = Invoice
    sorts = SORTS
    default_sort = DEFAULT_SORT

    customer = CustomerChoiceField()
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Invoice.Status.choices],
        error_messages={"invalid_choice": "Choose an invoice status from the list."},
        widget=SELECT,
    )
    issued_from = date_field("Issued from")
    issued_to = date_field("Issued to")

    def clean(self):
        cleaned = super().clean()
        check_date_range(self, "issued_from", "issued_to")
        return cleaned

    def to_filter(self, limit: int = 50) -> InvoiceFilter:
        data = self.cleaned_data
        since, before = day_bounds(data["issued_from"], data["issued_to"])
        return InvoiceFilter(
            q=data["q"],
            customer=data["customer"],
            status=data["status"],
            issued_since=since,
            issued_before=before,
            sort=data["sort"],
            after=data["after"],
            limit=limit,
        )
