"""The four staff roles, declared as data and kept in step with the database."""

from django.contrib.auth.models import Group, Permission

VIEW_ALL = (
    "customers.view_customer",
    "users.view_tenantuser",
    "orders.view_order",
    "invoices.view_invoice",
    "support.view_ticket",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "admin": (
        *VIEW_ALL,
        "customers.view_billing",
        "customers.change_status",
        "customers.export_customer",
        "users.export_tenantuser",
        "orders.export_order",
        "invoices.export_invoice",
        "support.export_ticket",
    ),
    "support": (
        *VIEW_ALL,
        "customers.export_customer",
        "users.export_tenantuser",
        "support.export_ticket",
    ),
    "billing": (
        *VIEW_ALL,
        "customers.view_billing",
        "customers.export_customer",
        "orders.export_order",
        "invoices.export_invoice",
    ),
    "viewer": VIEW_ALL,
}
ROLES = tuple(ROLE_PERMISSIONS)


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def roles_sync() -> None:
    """Create the role groups and give each exactly its declared permissions."""
    for role, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([_permission(name) for name in dotted_names])


def roles_sync_after_migrate(**kwargs) -> None:
    roles_sync()
