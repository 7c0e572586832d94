from cloudfactory.customers import queries
from cloudfactory.customers.export import (
    CUSTOMER_EXPORT_COLUMNS,
    customer_export_queryset,
)
from cloudfactory.customers.forms import CustomerFilterForm
from cloudfactory.customers.panel import panel_context
from cloudfactory.web.listing import Column, ListPage


def _page_context(request, f, form) -> dict:
    """The summary cards and, when a customer is selected, its open panel."""
    context = {"totals": queries.platform_totals()}
    selected = getattr(form, "cleaned_data", {}).get("selected")
    if selected:
        context.update(panel_context(request.user, selected))
    return context


TYPE_NOUNS = {"company": "companies", "individual": "individuals"}


def _empty_title(f) -> str:
    noun = TYPE_NOUNS.get(f.type, "customers")
    title = f"No {noun} match"
    if f.q:
        title += f" “{f.q}”"
    if f.status:
        title += f" with status {f.status}"
    return title


CUSTOMER_LIST_PAGE = ListPage(
    namespace="customers",
    title="Customers",
    noun="customers",
    permission="customers.view_customer",
    filter_form=CustomerFilterForm,
    query=queries.customer_list,
    count=queries.customer_count,
    cursor_of=queries.cursor_of,
    columns=(
        Column("name", "Name", sort="name"),
        Column("type", "Type"),
        Column("status", "Status"),
        Column("users_count", "Users", align="end", sort="users"),
        Column("created_at", "Created", sort="created"),
    ),
    template="customers/list.html",
    row_template="customers/_row.html",
    export_permission="customers.export_customer",
    export_columns=CUSTOMER_EXPORT_COLUMNS,
    export_queryset=customer_export_queryset,
    page_context=_page_context,
    search_placeholder="Search name, email or company",
    toolbar_fields=("type", "status"),
    empty_title=_empty_title,
)
