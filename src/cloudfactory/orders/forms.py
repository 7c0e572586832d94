from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.orders.models import Order
from cloudfactory.web.forms import SELECT, ListFilterForm, date_field


class OrderFilterForm(ListFilterForm):
    """The list's URL state: q, customer, status, placed range, sort, cursor,
    selected."""

    date_ranges = ("placed",)

    customer = CustomerChoiceField()
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Order.Status.choices],
        error_messages={"invalid_choice": "Choose an order status from the list."},
        widget=SELECT,
    )
    placed_from = date_field("Placed from")
    placed_to = date_field("Placed to")
