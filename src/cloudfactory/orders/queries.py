"""Every read of orders: the list, its count and export (ORDERS), one order."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from cloudfactory.customers.models import Customer
from cloudfactory.customers.records import CustomerRecords
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order

# URL value -> ordering; every ordering ends with id so the keyset is unique.
SORTS = {
    "-placed": ("-placed_at", "-id"),
    "placed": ("placed_at", "id"),
    "-total": ("-total_minor", "-id"),
    "total": ("total_minor", "id"),
}
DEFAULT_SORT = "-placed"


@dataclass(frozen=True)
class OrderFilter:
    q: str = ""
    customer: Customer | None = None
    status: str = ""
    # Placed at or after `placed_since` and before `placed_before` (instants).
    placed_since: datetime | None = None
    placed_before: datetime | None = None
    sort: str = DEFAULT_SORT
    # Keyset cursor: the sort value and id of the last row shown.
    after: tuple | None = None
    limit: int = 50


ORDERS = CustomerRecords(
    model=Order,
    dated="placed",
    sorts=SORTS,
    counter="orders",
)


def order_get(pk: int) -> Order | None:
    """One order with its customer, and its invoices newest first, or None.
    Two queries."""
    invoices = Prefetch("invoices", Invoice.objects.order_by("-issued_at", "-id"))
    return (
        Order.objects.select_related("customer")
        .prefetch_related(invoices)
        .filter(pk=pk)
        .first()
    )
