"""Every read of support tickets: the list, its count, one ticket."""

from dataclasses import dataclass

from django.db.models import QuerySet

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import platform_totals
from cloudfactory.search.queries import search_count, search_page
from cloudfactory.support.models import Ticket
from cloudfactory.web.pages import COUNT_CAP, Page, count_capped, fetch_page, filter_by

SEARCH_FIELDS = ("number", "subject")  # folded into search_text by the services
# URL value -> ordering; every ordering ends with id so the keyset is unique.
SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
}
DEFAULT_SORT = "-created"


@dataclass(frozen=True)
class TicketFilter:
    q: str = ""
    customer: Customer | None = None
    status: str = ""
    priority: str = ""
    sort: str = DEFAULT_SORT
    # Keyset cursor: the sort value and id of the last row shown.
    after: tuple | None = None
    limit: int = 50


# Filter attribute -> lookup.
TICKET_LOOKUPS = {"customer": "customer", "status": "status", "priority": "priority"}


def tickets_matching(f: TicketFilter) -> QuerySet[Ticket]:
    """The tickets `f`'s filters select, search aside, unordered. No query yet:
    the list, its count and the export narrow and sort it further."""
    return filter_by(Ticket.objects.all(), f, TICKET_LOOKUPS)


def ticket_list(f: TicketFilter) -> Page:
    """One page of tickets with their customers, in `f.sort` order. One query
    without search; with it, search_page's few and one for the customers."""
    return fetch_page(
        tickets_matching(f).select_related("customer"),
        ordering=SORTS[f.sort],
        after=f.after,
        limit=f.limit,
        q=f.q,
        search=search_page,
    )


def ticket_count(f: TicketFilter) -> tuple[int, bool]:
    """How many tickets match, and whether exact. With no filter but the
    customer, that customer's own counter: the list agrees with the Tickets
    badge it was opened from. One query; a search takes search_count's few."""
    if f.q.strip():
        return search_count(tickets_matching(f), f.q, cap=COUNT_CAP)
    if not (f.status or f.priority):
        if f.customer is not None:
            return _tickets_counter(f.customer), True
        return platform_totals().tickets, True
    return count_capped(tickets_matching(f), cap=COUNT_CAP)


def _tickets_counter(customer: Customer) -> int:
    # Read afresh: the filter's customer was loaded with its name only.
    counters = Customer.objects.filter(pk=customer.pk)
    return counters.values_list("tickets_count", flat=True).first() or 0


def ticket_get(pk: int) -> Ticket | None:
    """One ticket with its customer, or None. One query."""
    return Ticket.objects.select_related("customer").filter(pk=pk).first()
