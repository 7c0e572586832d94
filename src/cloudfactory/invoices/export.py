"""The invoices CSV export: every invoice an InvoiceFilter matches, in its sort."""

from django.db.models import QuerySet

from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.queries import SORTS, InvoiceFilter, invoice_filtered
from cloudfactory.search.numbers import number_or_customer_filter_all
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
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


def invoice_export_queryset(f: InvoiceFilter) -> QuerySet[Invoice]:
    """Every invoice matching `f`'s filters and search, in `f.sort` order: the
    list's query over the whole table, no page, no cursor."""
    qs = number_or_customer_filter_all(invoice_filtered(f), f.q)
    return qs.order_by(*SORTS[f.sort])
