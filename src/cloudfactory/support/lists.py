from collections.abc import Mapping

from django.utils.html import format_html
from django.utils.safestring import SafeString

from cloudfactory.customers.filters import customer_chips, isolated
from cloudfactory.support import queries
from cloudfactory.support.forms import TicketFilterForm
from cloudfactory.support.models import Ticket
from cloudfactory.web.export import ExportColumn, datetime_cell, label_cell, text_cell
from cloudfactory.web.list_parts import (
    Column,
    Export,
    RecordPanel,
    link_cell,
    pill_cell,
)
from cloudfactory.web.listing import ListPage


def _empty_title(f: queries.TicketFilter, cleaned: Mapping) -> SafeString:
    """ "No open urgent tickets for Acme Corp match “refund”"."""
    kinds = [
        Ticket.Status(f.status).label.lower() if f.status else "",
        Ticket.Priority(f.priority).label.lower() if f.priority else "",
    ]
    title = format_html("{}", " ".join(["No", *filter(None, kinds), "tickets"]))
    if cleaned.get("customer") is not None:
        title = format_html("{} for {}", title, isolated(cleaned["customer"].name))
    if f.q:
        title = format_html("{} match “{}”", title, isolated(f.q))
    return title


TICKET_LIST_PAGE = ListPage(
    namespace="support",
    title="Support",
    noun="tickets",
    record_name="Ticket",
    permission="support.view_ticket",
    query=queries.TICKETS,
    form=TicketFilterForm,
    columns=(
        Column("number", "Number", link_cell("number"), priority=1),
        Column("subject", "Subject", "{{ row.subject|highlight(q) }}"),
        Column("customer", "Customer", "{{ row.customer.name }}", priority=3),
        Column("status", "Status", pill_cell("status"), priority=1),
        Column("priority", "Priority", pill_cell("priority")),
        Column(
            "created_at",
            "Created",
            "{{ row.created_at|timestamp }}",
            sort="created",
            priority=4,
        ),
        Column(
            "updated_at",
            "Last updated",
            '{{ row.updated_at|timestamp("ago") }}',
            sort="updated",
            priority=3,
        ),
    ),
    panel=RecordPanel(get=queries.ticket_get, template="support/_panel.html"),
    export=Export(
        permission="support.export_ticket",
        columns=(
            ExportColumn("Number", text_cell("number"), "number"),
            ExportColumn("Subject", text_cell("subject"), "subject"),
            ExportColumn("Customer", text_cell("customer__name"), "customer"),
            ExportColumn(
                "Status", label_cell("status", Ticket.Status.choices), "status"
            ),
            ExportColumn(
                "Priority",
                label_cell("priority", Ticket.Priority.choices),
                "priority",
            ),
            ExportColumn("Created", datetime_cell("created_at"), "created_at"),
            ExportColumn("Last updated", datetime_cell("updated_at"), "updated_at"),
        ),
    ),
    search_placeholder="Search number or subject",
    toolbar_fields=("status", "priority"),
    chips=customer_chips,
    empty_title=_empty_title,
)
