"""The support tickets CSV export: every ticket a TicketFilter matches."""

from django.db.models import QuerySet

from cloudfactory.search.filters import search_filter
from cloudfactory.support.models import Ticket
from cloudfactory.support.queries import SORTS, TicketFilter, tickets_matching
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    text_cell,
)

TICKET_EXPORT_COLUMNS = (
    ExportColumn("Number", text_cell("number")),
    ExportColumn("Subject", text_cell("subject")),
    ExportColumn("Customer", text_cell("customer__name")),
    ExportColumn("Status", label_cell("status", Ticket.Status.choices)),
    ExportColumn("Priority", label_cell("priority", Ticket.Priority.choices)),
    ExportColumn("Created", datetime_cell("created_at")),
    ExportColumn("Last updated", datetime_cell("updated_at")),
)


def ticket_export_queryset(f: TicketFilter) -> QuerySet[Ticket]:
    """The list's rows in the list's order, all of them: no page, no window."""
    return search_filter(tickets_matching(f), f.q).order_by(*SORTS[f.sort])
