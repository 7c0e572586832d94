from cloudfactory.customers.filters import customer_chips, customer_records_empty_title
from cloudfactory.invoices import queries
from cloudfactory.invoices.export import INVOICE_EXPORT_COLUMNS
from cloudfactory.invoices.forms import InvoiceFilterForm
from cloudfactory.invoices.models import Invoice
from cloudfactory.search.numbers import PARTIAL_NOTE
from cloudfactory.web.keyset import keyset_cursor
from cloudfactory.web.listing import Column, ListPage

INVOICE_LIST_PAGE = ListPage(
    namespace="invoices",
    title="Invoices",
    noun="invoices",
    permission="invoices.view_invoice",
    filter_form=InvoiceFilterForm,
    query=queries.INVOICES.list,
    count=queries.INVOICES.count,
    cursor_of=lambda row, sort: keyset_cursor(row, queries.SORTS[sort]),
    columns=(
        Column("number", "Number"),
        Column("customer", "Customer"),
        Column("status", "Status"),
        Column("amount_minor", "Amount", align="end"),
        Column("issued_at", "Issued", sort="issued"),
        Column("due_at", "Due", sort="due"),
        Column("paid_at", "Paid"),
    ),
    template="invoices/list.html",
    row_template="invoices/_row.html",
    default_sort=queries.DEFAULT_SORT,
    export_permission="invoices.export_invoice",
    export_columns=INVOICE_EXPORT_COLUMNS,
    export_queryset=queries.INVOICES.export_queryset,
    search_placeholder="Search invoice number or customer",
    toolbar_fields=("status", "issued_from", "issued_to"),
    chips=customer_chips,
    empty_title=customer_records_empty_title("invoices", dict(Invoice.Status.choices)),
    get=queries.invoice_get,
    panel_template="invoices/_panel.html",
    record_name="Invoice",
    partial_note=PARTIAL_NOTE,
)
