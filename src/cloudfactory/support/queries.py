"""Every read of support tickets: the list (its page, count and export), one
ticket."""

from dataclasses import dataclass

from cloudfactory.customers.queries import customer_counter
from cloudfactory.support.models import Ticket
from cloudfactory.textsearch.queries import TRIGRAM_SEARCH
from cloudfactory.web.query import ListFilter, ListQuery, Sort, Sorts

SEARCH_FIELDS = ("number", "subject")  # folded into search_text by the services


@dataclass(frozen=True)
class TicketFilter(ListFilter):
    customer_id: int | None = None
    status: str = ""
    priority: str = ""


TICKETS = ListQuery(
    model=Ticket,
    filter=TicketFilter,
    lookups={"customer_id": "customer_id", "status": "status", "priority": "priority"},
    sorts=Sorts(
        Sort("created", "created_at"), Sort("updated", "updated_at"), default="-created"
    ),
    search=TRIGRAM_SEARCH,
    counter=customer_counter("tickets"),
    related=("customer",),
)


def ticket_get(pk: int) -> Ticket | None:
    """One ticket with its customer, or None. One query."""
    return Ticket.objects.select_related("customer").filter(pk=pk).first()
