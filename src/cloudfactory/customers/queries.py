"""Every read of customers: the list, its count, one customer, the totals."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection
from django.db.models import QuerySet

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.search.queries import search_count, search_page
from cloudfactory.web.keyset import keyset_cursor
from cloudfactory.web.pages import Page, fetch_page, filter_by

SEARCH_FIELDS = ("name", "email", "company_name")  # folded into search_text

# URL value -> ordering; every ordering ends with id so the keyset is unique.
SORTS: dict[str, tuple[str, str]] = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "users": ("users_count", "id"),
    "-users": ("-users_count", "-id"),
}
DEFAULT_SORT = "-created"
COUNT_CAP = 10_000


@dataclass(frozen=True)
class CustomerFilter:
    q: str = ""
    type: str = ""
    status: str = ""
    sort: str = DEFAULT_SORT
    # Keyset cursor: the sort value and id of the last row shown.
    after: tuple[str | int | datetime, int] | None = None
    limit: int = 50


# Filter attribute -> lookup.
CUSTOMER_LOOKUPS = {"type": "type", "status": "status"}


def _filtered(f: CustomerFilter) -> QuerySet[Customer]:
    return filter_by(Customer.objects.all(), f, CUSTOMER_LOOKUPS)


def customer_list(f: CustomerFilter) -> Page:
    """One page of customers in `f.sort` order: up to f.limit rows after `f.after`.

    One query without search; three at most with it (see search.queries).
    """
    return fetch_page(
        _filtered(f),
        ordering=SORTS[f.sort],
        after=f.after,
        limit=f.limit,
        q=f.q,
        search=search_page,
    )


def cursor_of(customer: Customer, sort: str):
    """The keyset cursor that continues after `customer` in `sort` order."""
    return keyset_cursor(customer, SORTS[sort])


def customer_count(f: CustomerFilter) -> tuple[int, bool]:
    """How many customers match, and whether that is exact.

    Exact from the platform totals when only one of type or status is set; else
    counted up to COUNT_CAP, returned as (COUNT_CAP, False) beyond it.
    """
    if not f.q.strip() and not (f.type and f.status):
        totals = platform_totals()
        if f.type:
            return (
                totals.companies if f.type == "company" else totals.individuals
            ), True
        if f.status:
            return getattr(totals, f.status), True
        return totals.customers, True
    qs = _filtered(f)
    if f.q.strip():
        return search_count(qs, f.q, COUNT_CAP, ordering=SORTS[f.sort])
    counted = qs.order_by().values("id")[: COUNT_CAP + 1].count()
    return min(counted, COUNT_CAP), counted <= COUNT_CAP


def customer_get(pk: int) -> Customer | None:
    """One customer by id, or None. One query."""
    return Customer.objects.filter(pk=pk).first()


def customer_history(customer_id: int, *, before: int | None = None, limit: int = 20):
    """The customer's account history, newest first: notable events with their
    actors, up to `limit` + 1 (the extra one means "more"). One query."""
    qs = Event.objects.filter(customer_id=customer_id, notable=True)
    if before is not None:
        qs = qs.filter(id__lt=before)
    return list(qs.select_related("actor").order_by("-id")[: limit + 1])


@dataclass(frozen=True)
class Totals:
    customers: int = 0
    companies: int = 0
    individuals: int = 0
    active: int = 0
    suspended: int = 0
    inactive: int = 0
    users: int = 0
    orders: int = 0
    invoices: int = 0
    tickets: int = 0
    revenue_minor: int = 0


@cache
def _totals_sql() -> str:
    # Written out: the ORM's aggregate() took 0.6 ms to build what runs in 0.1.
    quote = connection.ops.quote_name
    sums = ", ".join(f"SUM({quote(field)})" for field in PlatformTotals.FIELDS)
    return f"SELECT {sums} FROM {quote(PlatformTotals._meta.db_table)}"


def platform_totals() -> Totals:
    """The platform totals: one query summing the slot rows, never a table scan."""
    with connection.cursor() as cursor:
        cursor.execute(_totals_sql())
        sums = cursor.fetchone()
    return Totals(
        **{
            field: int(value or 0)
            for field, value in zip(PlatformTotals.FIELDS, sums, strict=True)
        }
    )
