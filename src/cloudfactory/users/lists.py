from cloudfactory.customers.filters import customer_chips
from cloudfactory.users import queries
from cloudfactory.users.forms import TenantUserFilterForm
from cloudfactory.users.models import TenantUser
from cloudfactory.web.export import ExportColumn, datetime_cell, label_cell, text_cell
from cloudfactory.web.list_parts import Column, Export, RecordPanel, link_cell
from cloudfactory.web.listing import ListPage

USER_LIST_PAGE = ListPage(
    namespace="users",
    title="Users",
    noun="users",
    record_name="User",
    permission="users.view_tenantuser",
    query=queries.TENANT_USERS,
    form=TenantUserFilterForm,
    columns=(
        Column("name", "Name", link_cell("name"), sort="name", priority=1),
        Column("email", "Email", "{{ row.email|highlight(q) }}"),
        Column("customer", "Customer", "{{ row.customer.name }}"),
        Column("role", "Role", "{{ row|label('role') }}", priority=3),
        Column(
            "created_at",
            "Created",
            "{{ row.created_at|timestamp }}",
            sort="created",
            priority=3,
        ),
        Column(
            "last_seen_at",
            "Last seen",
            '{% if row.last_seen_at %}{{ row.last_seen_at|timestamp("ago") }}'
            '{% else %}<span class="muted">Never</span>{% endif %}',
            priority=4,
        ),
    ),
    panel=RecordPanel(get=queries.tenant_user_get, template="users/_panel.html"),
    export=Export(
        permission="users.export_tenantuser",
        columns=(
            ExportColumn("Name", text_cell("name"), "name"),
            ExportColumn("Email", text_cell("email"), "email"),
            ExportColumn("Customer", text_cell("customer__name"), "customer"),
            ExportColumn("Role", label_cell("role", TenantUser.Role.choices), "role"),
            ExportColumn("Created", datetime_cell("created_at"), "created_at"),
            ExportColumn("Last seen", datetime_cell("last_seen_at"), "last_seen_at"),
        ),
    ),
    search_placeholder="Search name or email",
    toolbar_fields=("role",),
    chips=customer_chips,
)
