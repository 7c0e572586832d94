from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.orders.models import Order
from cloudfactory.orders.queries import DEFAULT_SORT, SORTS, OrderFilter
from cloudfactory.web.forms import (
    SELECT,
    ListFilterForm,
    check_date_range,
    date_field,
    day_bounds,
)


class OrderFilterForm(ListFilterForm):
    """The list's URL state: q, customer, status, placed range, sort, cursor,
    selected."""

    model = Order
    sorts = SORTS
    default_sort = DEFAULT_SORT

    customer = CustomerChoiceField()
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Order.Status.choices],
        error_messages={"invalid_choice": "Choose an order status from the list."},
        widget=SELECT,
    )
    placed_from = date_field("Placed from")
    placed_to = date_field("Placed to")

    def clean(self):
        cleaned = super().clean()
        check_date_range(self, "placed_from", "placed_to")
        return cleaned

    def to_filter(self, limit: int = 50) -> OrderFilter:
        data = self.cleaned_data
        since, before = day_bounds(data["placed_from"], data["placed_to"])
        return OrderFilter(
            q=data["q"],
            customer=data["customer"],
            status=data["status"],
            placed_since=since,
            placed_before=before,
            sort=data["sort"],
            after=data["after"],
            limit=limit,
        )
