from cloudfactory.customers.filters import customer_chips, customer_records_empty_title
from cloudfactory.invoices import queries
from cloudfactory.invoices.forms import InvoiceFilterForm
from cloudfactory.invoices.models import Invoice
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    money_cell,
    text_cell,
)
from cloudfactory.web.list_parts import (
    Column,
    Export,
    RecordPanel,
    link_cell,
    pill_cell,
)
from cloudfactory.web.listing import ListPage

INVOICE_LIST_PAGE = ListPage(
    namespace="invoices",
    title="Invoices",
    noun="invoices",
    record_name="Invoice",
    permission="invoices.view_invoice",
    query=queries.INVOICES,
    form=InvoiceFilterForm,
    columns=(
        Column("number", "Number", link_cell("number"), priority=1),
        Column("customer", "Customer", "{{ row.customer.name|highlight(q) }}"),
        Column("status", "Status", pill_cell("status"), priority=1),
        Column(
            "amount_minor",
            "Amount",
            "{{ row.amount_minor|money_exact(row.currency) }}",
            align="end",
        ),
        Column(
            "issued_at",
            "Issued",
            "{{ row.issued_at|timestamp }}",
            sort="issued",
            priority=3,
        ),
        Column("due_at", "Due", "{{ row.due_at|timestamp }}", sort="due", priority=3),
        Column(
            "paid_at",
            "Paid",
            "{% if row.paid_at %}{{ row.paid_at|timestamp }}"
            '{% else %}<span class="muted">—</span>{% endif %}',
            priority=4,
        ),
    ),
    panel=RecordPanel(get=queries.invoice_get, template="invoices/_panel.html"),
    export=Export(
        permission="invoices.export_invoice",
        columns=(
            ExportColumn("Number", text_cell("number"), "number"),
            ExportColumn("Customer", text_cell("customer__name"), "customer"),
            ExportColumn(
                "Status", label_cell("status", Invoice.Status.choices), "status"
            ),
            ExportColumn("Amount", money_cell("amount_minor"), "amount_minor"),
            ExportColumn("Currency", text_cell("currency"), "amount_minor"),
            ExportColumn("Issued", datetime_cell("issued_at"), "issued_at"),
            ExportColumn("Due", datetime_cell("due_at"), "due_at"),
            ExportColumn("Paid", datetime_cell("paid_at"), "paid_at"),
            # Follows the invoice's number: the order it was raised for.
            ExportColumn("Order", text_cell("order__number"), "number"),
        ),
    ),
    search_placeholder="Search invoice number or customer",
    toolbar_fields=("status", "issued_from", "issued_to"),
    chips=customer_chips,
    empty_title=customer_records_empty_title("invoices", dict(Invoice.Status.choices)),
)
