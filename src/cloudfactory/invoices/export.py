"""The columns of the invoices CSV export; its rows: queries.INVOICES."""

from cloudfactory.invoices.models import Invoice
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
