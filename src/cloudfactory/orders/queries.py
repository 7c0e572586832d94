"""Every read of orders: the list (its page, count and export), one order."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from cloudfactory.customers.records import customer_records
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order
from cloudfactory.web.query import ListFilter, Sort, Sorts


@dataclass(frozen=True)
class OrderFilter(ListFilter):
    customer_id: int | None = None
    status: str = ""
    # Placed at or after `placed_since` and before `placed_before` (instants).
    placed_since: datetime | None = None
    placed_before: datetime | None = None


ORDERS = customer_records(
    model=Order,
    filter=OrderFilter,
    dated="placed",
    sorts=Sorts(
        Sort("placed", "placed_at"), Sort("total", "total_minor"), default="-placed"
    ),
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
