"""The users CSV export: every tenant user a TenantUserFilter matches."""

from django.db.models import QuerySet

from cloudfactory.search.filters import search_filter
from cloudfactory.users.models import TenantUser
from cloudfactory.users.queries import SORTS, TenantUserFilter
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    text_cell,
)

USER_EXPORT_COLUMNS = (
    ExportColumn("Name", text_cell("name")),
    ExportColumn("Email", text_cell("email")),
    ExportColumn("Customer", text_cell("customer__name")),
    ExportColumn("Role", label_cell("role", TenantUser.Role.choices)),
    ExportColumn("Created", datetime_cell("created_at")),
    ExportColumn("Last seen", datetime_cell("last_seen_at")),
)


def tenant_user_export_queryset(f: TenantUserFilter) -> QuerySet[TenantUser]:
    qs = TenantUser.objects.all()
    if f.customer is not None:
        qs = qs.filter(customer=f.customer)
    if f.role:
        qs = qs.filter(role=f.role)
    return search_filter(qs, f.q).order_by(*SORTS[f.sort])
