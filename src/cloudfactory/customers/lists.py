from collections.abc import Mapping

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cloudfactory.customers import queries
from cloudfactory.customers.filters import isolated
from cloudfactory.customers.forms import CustomerFilterForm
from cloudfactory.customers.models import Customer
from cloudfactory.customers.panel import CustomerPanel
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    number_cell,
    text_cell,
)
from cloudfactory.web.list_parts import Column, Export, link_cell, pill_cell
from cloudfactory.web.listing import ListPage

TYPE_NOUNS = {"company": "companies", "individual": "individuals"}

# The name, and beneath it the company (when it differs) or the email.
NAME_CELL = link_cell("name") + (
    '<span class="cell-sub">'
    "{% if row.company_name and row.company_name != row.name %}"
    "{{ row.company_name|highlight(q) }}{% else %}{{ row.email|highlight(q) }}"
    "{% endif %}</span>"
)


def _page_context(request: HttpRequest) -> dict:
    """The summary cards above the list."""
    return {"totals": queries.platform_totals()}


def _empty_title(f: queries.CustomerFilter, cleaned: Mapping) -> SafeString:
    title = format_html("No {} match", TYPE_NOUNS.get(f.type, "customers"))
    if f.q:
        title = format_html("{} “{}”", title, isolated(f.q))
    if f.status:
        title = format_html("{} with status {}", title, f.status)
    return title


CUSTOMER_LIST_PAGE = ListPage(
    namespace="customers",
    title="Customers",
    noun="customers",
    record_name="Customer",
    permission="customers.view_customer",
    query=queries.CUSTOMERS,
    form=CustomerFilterForm,
    # All eight can be shown; the user guide's five are, to begin with.
    columns=(
        Column("name", "Name", NAME_CELL, sort="name", priority=1),
        Column("type", "Type", "{{ row|label('type') }}", priority=3),
        Column("status", "Status", pill_cell("status"), priority=1),
        Column(
            "email", "Email", "{{ row.email|highlight(q) }}", shown=False, priority=4
        ),
        Column(
            "users_count",
            "Users",
            "{{ row.users_count|number }}",
            align="end",
            sort="users",
        ),
        Column(
            "orders_count",
            "Orders",
            "{{ row.orders_count|number }}",
            align="end",
            shown=False,
            priority=3,
        ),
        Column(
            "invoices_count",
            "Invoices",
            "{{ row.invoices_count|number }}",
            align="end",
            shown=False,
            priority=3,
        ),
        Column(
            "created_at", "Created", "{{ row.created_at|timestamp }}", sort="created"
        ),
    ),
    panel=CustomerPanel(),
    # The user guide's columns, in its order.
    export=Export(
        permission="customers.export_customer",
        columns=(
            ExportColumn("Name", text_cell("name"), "name"),
            ExportColumn("Type", label_cell("type", Customer.Type.choices), "type"),
            ExportColumn(
                "Status", label_cell("status", Customer.Status.choices), "status"
            ),
            ExportColumn("Email", text_cell("email"), "email"),
            ExportColumn("User count", number_cell("users_count"), "users_count"),
            ExportColumn("Order count", number_cell("orders_count"), "orders_count"),
            ExportColumn(
                "Invoice count", number_cell("invoices_count"), "invoices_count"
            ),
            ExportColumn("Creation date", datetime_cell("created_at"), "created_at"),
        ),
    ),
    template="customers/list.html",
    search_placeholder="Search name, email or company",
    toolbar_fields=("type", "status"),
    empty_title=_empty_title,
    page_context=_page_context,
)
