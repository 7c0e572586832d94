"""Every read of invoices: the list, its count, one invoice."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from cloudfactory.customers.models import Customer
from cloudfactory.invoices.models import Invoice
from cloudfactory.search.numbers import (
    number_or_customer_count,
    number_or_customer_search,
)
from cloudfactory.web.pages import Page, fetch_page, filter_by

# URL value -> ordering; every ordering ends with id so the keyset is unique.
SORTS = {
    "-issued": ("-issued_at", "-id"),
    "issued": ("issued_at", "id"),
    "-due": ("-due_at", "-id"),
    "due": ("due_at", "id"),
}
DEFAULT_SORT = "-issued"


@dataclass(frozen=True)
class InvoiceFilter:
    q: str = ""
    customer: Customer | None = None
    status: str = ""
    # Issued at or after `issued_since` and before `issued_before` (instants).
    issued_since: datetime | None = None
    issued_before: datetime | None = None
    sort: str = DEFAULT_SORT
    # Keyset cursor: the sort value and id of the last row shown.
    after: tuple | None = None
    limit: int = 50


# Filter attribute -> lookup.
INVOICE_LOOKUPS = {
    "customer": "customer",
    "status": "status",
    "issued_since": "issued_at__gte",
    "issued_before": "issued_at__lt",
}


def invoice_filtered(f: InvoiceFilter) -> QuerySet[Invoice]:
    """The invoices `f` selects, search aside; no ordering, no preloads."""
    return filter_by(Invoice.objects.all(), f, INVOICE_LOOKUPS)


def invoice_list(f: InvoiceFilter) -> Page:
    """One page of invoices with their customers, in `f.sort` order. One query;
    two with a search by customer name (the matching customers first)."""
    return fetch_page(
        invoice_filtered(f).select_related("customer"),
        ordering=SORTS[f.sort],
        after=f.after,
        limit=f.limit,
        q=f.q,
        search=number_or_customer_search,
    )


def invoice_count(f: InvoiceFilter) -> tuple[int, bool]:
    """How many invoices match, and whether exact. With only the customer
    filtered, the customer's own counter, so the list agrees with its badge
    (see search.numbers.number_or_customer_count). One or two queries."""
    return number_or_customer_count(
        invoice_filtered(f),
        q=f.q,
        customer=f.customer,
        narrowed=bool(f.status or f.issued_since or f.issued_before),
        counter="invoices",
    )


def invoice_get(pk: int) -> Invoice | None:
    """One invoice with its customer and its order, or None. One query."""
    return Invoice.objects.select_related("customer", "order").filter(pk=pk).first()
