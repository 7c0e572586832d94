"""Every read of orders: the list, its count, one order."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from cloudfactory.customers.models import Customer
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order
from cloudfactory.search.numbers import (
    number_or_customer_count,
    number_or_customer_search,
)
from cloudfactory.web.pages import Page, fetch_page, filter_by

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


# Filter attribute -> lookup.
ORDER_LOOKUPS = {
    "customer": "customer",
    "status": "status",
    "placed_since": "placed_at__gte",
    "placed_before": "placed_at__lt",
}


def order_filtered(f: OrderFilter) -> QuerySet[Order]:
    """The orders `f` selects, search aside; no ordering, no preloads."""
    return filter_by(Order.objects.all(), f, ORDER_LOOKUPS)


def order_list(f: OrderFilter) -> Page:
    """One page of orders with their customers, in `f.sort` order. One query;
    two with a search by customer name (the matching customers first)."""
    return fetch_page(
        order_filtered(f).select_related("customer"),
        ordering=SORTS[f.sort],
        after=f.after,
        limit=f.limit,
        q=f.q,
        search=number_or_customer_search,
    )


def order_count(f: OrderFilter) -> tuple[int, bool]:
    """How many orders match, and whether exact. With only the customer
    filtered, the customer's own counter, so the list agrees with its badge
    (see search.numbers.number_or_customer_count). One or two queries."""
    return number_or_customer_count(
        order_filtered(f),
        q=f.q,
        customer=f.customer,
        narrowed=bool(f.status or f.placed_since or f.placed_before),
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
