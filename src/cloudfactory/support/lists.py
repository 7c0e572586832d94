from cloudfactory.customers.filters import customer_chips
from cloudfactory.support import queries
from cloudfactory.support.export import TICKET_EXPORT_COLUMNS, ticket_export_queryset
from cloudfactory.support.forms import TicketFilterForm
from cloudfactory.support.models import Ticket
from cloudfactory.web.keyset import keyset_cursor
from cloudfactory.web.listing import Column, ListPage


def _empty_title(f: queries.TicketFilter) -> str:
    """ "No open urgent tickets for Acme Corp match “refund”"."""
    kinds = [
        Ticket.Status(f.status).label.lower() if f.status else "",
        Ticket.Priority(f.priority).label.lower() if f.priority else "",
    ]
    title = " ".join(["No", *filter(None, kinds), "tickets"])
    if f.customer is not None:
        title += f" for {f.customer.name}"
    if f.q:
        title += f" match “{f.q}”"
    return title


TICKET_LIST_PAGE = ListPage(
    namespace="support",
    title="Support",
    noun="tickets",
    permission="support.view_ticket",
    filter_form=TicketFilterForm,
    query=queries.ticket_list,
    count=queries.ticket_count,
    cursor_of=lambda row, sort: keyset_cursor(row, queries.SORTS[sort]),
    columns=(
        Column("number", "Number"),
        Column("subject", "Subject"),
        Column("customer", "Customer"),
        Column("status", "Status"),
        Column("priority", "Priority"),
        Column("created_at", "Created", sort="created"),
        Column("updated_at", "Last updated", sort="updated"),
    ),
    template="support/list.html",
    row_template="support/_row.html",
    export_permission="support.export_ticket",
    export_columns=TICKET_EXPORT_COLUMNS,
    export_queryset=ticket_export_queryset,
    search_placeholder="Search number or subject",
    toolbar_fields=("status", "priority"),
    chips=customer_chips,
    empty_title=_empty_title,
    get=queries.ticket_get,
    panel_template="support/_panel.html",
    record_name="Ticket",
)
