from cloudfactory.customers.filters import customer_chips
from cloudfactory.users import queries
from cloudfactory.users.export import USER_EXPORT_COLUMNS, tenant_user_export_queryset
from cloudfactory.users.forms import TenantUserFilterForm
from cloudfactory.web.keyset import keyset_cursor
from cloudfactory.web.listing import Column, ListPage

USER_LIST_PAGE = ListPage(
    namespace="users",
    title="Users",
    noun="users",
    permission="users.view_tenantuser",
    filter_form=TenantUserFilterForm,
    query=queries.tenant_user_list,
    count=queries.tenant_user_count,
    cursor_of=lambda row, sort: keyset_cursor(row, queries.SORTS[sort]),
    columns=(
        Column("name", "Name", sort="name"),
        Column("email", "Email"),
        Column("customer", "Customer"),
        Column("role", "Role"),
        Column("created_at", "Created", sort="created"),
        Column("last_seen_at", "Last seen"),
    ),
    template="users/list.html",
    row_template="users/_row.html",
    export_permission="users.export_tenantuser",
    export_columns=USER_EXPORT_COLUMNS,
    export_queryset=tenant_user_export_queryset,
    search_placeholder="Search name or email",
    toolbar_fields=("role",),
    chips=customer_chips,
    get=queries.tenant_user_get,
    panel_template="users/_panel.html",
    record_name="User",
)
