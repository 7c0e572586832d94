"""The invoices CSV export: every invoice an InvoiceFilter matches, in its sort."""

from django.db.models import QuerySet

from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.queries import SORTS, InvoiceFilter, invoice_filtered
from cloudfactory.search.numbers import number_or_customer_filter_all
from cloudfactory.web.export import (
    CsvStreamingResponse,
    ExportColumn,
    datetime_cell,
    export_response,
    label_cell,
    money_cell,
    text_cell,
)

INVOICE_EXPORT_COLUMNS = (
    ExportColumn("Number", text_cell("number")),
    ExportColumn("Customer", text_cell("customer__name")),
    ExportColumn("Status", label_cell("status", Invoice.Status.choices)),
    ExportColumn("Amount", money_cell("amount_minor")),
    ExportColumn("Currency", text_cell("currency")),
    ExportColumn("Issued", datetime_cell("issued_at")),
    ExportColumn("Due", datetime_cell("due_at")),
    ExportColumn("Paid", datetime_cell("paid_at")),
    ExportColumn("Order", text_cell("order__number")),
)
EXPORTED = "invoices.exported"


def invoice_export_queryset(f: InvoiceFilter) -> QuerySet[Invoice]:
    """Every invoice matching `f`'s filters and search, in `f.sort` order: the
    list's query over the whole table, no page, no cursor."""
    qs = number_or_customer_filter_all(invoice_filtered(f), f.q)
    return qs.order_by(*SORTS[f.sort])


def invoice_export_filters(f: InvoiceFilter) -> dict:
    """`f` as the export's audit entry records it."""
    return {
        "q": f.q,
        "customer": f.customer.pk if f.customer else None,
        "status": f.status,
        "issued_since": f.issued_since.isoformat() if f.issued_since else None,
        "issued_before": f.issued_before.isoformat() if f.issued_before else None,
        "sort": f.sort,
    }


def invoice_export_response(f: InvoiceFilter, *, actor) -> CsvStreamingResponse:
    """The download of `invoice_export_queryset(f)`, logged as EXPORTED with
    `actor`, the filters and the row count when its stream ends."""
    return export_response(
        invoice_export_queryset(f),
        INVOICE_EXPORT_COLUMNS,
        stem="invoices",
        kind=EXPORTED,
        actor=actor,
        filters=invoice_export_filters(f),
    )
