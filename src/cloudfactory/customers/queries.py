"""Every read of customers: the list, its count, one customer, the totals."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet, Sum

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.search.queries import search_count, search_page

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


@dataclass(frozen=True)
class CustomerPage:
    rows: list[Customer]
    has_more: bool
    exhaustive: bool = True


def _filtered(f: CustomerFilter) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    if f.type:
        qs = qs.filter(type=f.type)
    if f.status:
        qs = qs.filter(status=f.status)
    return qs


def _after(qs: QuerySet, ordering: tuple[str, str], after) -> QuerySet:
    """Rows after the cursor in `ordering`: a seek, never an OFFSET."""
    value, pk = after
    field = ordering[0].lstrip("-")
    op = "lt" if ordering[0].startswith("-") else "gt"
    return qs.filter(
        Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": pk})
    )


def customer_list(f: CustomerFilter) -> CustomerPage:
    """One page of customers in `f.sort` order: up to f.limit rows after `f.after`.

    One query without search; two at most with it (see search.queries).
    """
    ordering = SORTS[f.sort]
    qs = _filtered(f)
    if f.after is not None:
        qs = _after(qs, ordering, f.after)
    if f.q.strip():
        found = search_page(qs, f.q, ordering, f.limit + 1)
        rows, exhaustive = found.rows, found.exhaustive
    else:
        rows, exhaustive = list(qs.order_by(*ordering)[: f.limit + 1]), True
    return CustomerPage(
        rows[: f.limit], has_more=len(rows) > f.limit, exhaustive=exhaustive
    )


def cursor_of(customer: Customer, sort: str):
    """The keyset cursor that continues after `customer` in `sort` order."""
    field = SORTS[sort][0].lstrip("-")
    return getattr(customer, field), customer.pk


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


def platform_totals() -> Totals:
    """The platform totals: one query summing the slot rows, never a table scan."""
    sums = PlatformTotals.objects.aggregate(
        **{f: Sum(f) for f in PlatformTotals.FIELDS}
    )
    return Totals(**{field: value or 0 for field, value in sums.items()})
