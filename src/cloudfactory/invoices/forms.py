from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.invoices.models import Invoice
from cloudfactory.web.forms import SELECT, ListFilterForm, date_field


class InvoiceFilterForm(ListFilterForm):
    """The list's URL state: q, customer, status, issued range, sort, cursor,
    selected."""

    date_ranges = ("issued",)

    customer = CustomerChoiceField()
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Invoice.Status.choices],
        error_messages={"invalid_choice": "Choose an invoice status from the list."},
        widget=SELECT,
    )
    issued_from = date_field("Issued from")
    issued_to = date_field("Issued to")
