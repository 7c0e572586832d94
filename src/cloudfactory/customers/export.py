"""The customers CSV export: every customer a CustomerFilter matches, in its sort.

The user guide's columns and order; each export is recorded in the event log
once its stream ends (DESIGN.md rule 7).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from cloudfactory.activity.models import Event
from cloudfactory.activity.services import event_append
from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import SORTS, CustomerFilter, _filtered
from cloudfactory.search.queries import MIN_INDEXED, _matches_sql
from cloudfactory.text import fold
from cloudfactory.web.export import (
    CsvStreamingResponse,
    ExportColumn,
    csv_filename,
    csv_stream,
    datetime_cell,
    label_cell,
    number_cell,
    text_cell,
)

CUSTOMER_EXPORT_COLUMNS = (
    ExportColumn("Name", text_cell("name")),
    ExportColumn("Type", label_cell("type", Customer.Type.choices)),
    ExportColumn("Status", label_cell("status", Customer.Status.choices)),
    ExportColumn("Email", text_cell("email")),
    ExportColumn("User count", number_cell("users_count")),
    ExportColumn("Order count", number_cell("orders_count")),
    ExportColumn("Invoice count", number_cell("invoices_count")),
    ExportColumn("Creation date", datetime_cell("created_at")),
)
EXPORTED = "customers.exported"


def customer_export_queryset(f: CustomerFilter) -> QuerySet[Customer]:
    """Every customer matching `f`'s type, status and search, in `f.sort` order.

    The list's filter and search, over the whole table: no page limit, no
    cursor, and short pieces are not held to the list's bounded window.
    """
    qs = _filtered(f)
    piece = fold(f.q)
    if len(piece) >= MIN_INDEXED:
        sql, params = _matches_sql(Customer, piece)
        qs = qs.filter(id__in=RawSQL(sql, params))  # noqa: S611 - parameters bound
    elif piece:
        # No trigram to look up: a scan, which the whole export is anyway.
        qs = qs.filter(search_text__contains=piece)
    return qs.order_by(*SORTS[f.sort])


def customer_export_filters(f: CustomerFilter) -> dict:
    return {"q": f.q, "type": f.type, "status": f.status, "sort": f.sort}


@transaction.atomic
def customer_export_record(
    *, actor, f: CustomerFilter, rows: int, complete: bool
) -> Event:
    """Log one export: who, with which filters, how many rows, whether it ended."""
    return event_append(
        kind=EXPORTED,
        actor=actor,
        payload={
            "filters": customer_export_filters(f),
            "rows": rows,
            "complete": complete,
        },
    )


def customer_export_response(f: CustomerFilter, *, actor) -> CsvStreamingResponse:
    """The download of `customer_export_queryset(f)`: no query until it is read,
    then one, and one write to log it when the stream ends."""

    def record(rows: int, complete: bool) -> None:
        customer_export_record(actor=actor, f=f, rows=rows, complete=complete)

    chunks = csv_stream(
        customer_export_queryset(f), CUSTOMER_EXPORT_COLUMNS, on_finish=record
    )
    return CsvStreamingResponse(chunks, filename=csv_filename("customers"))
