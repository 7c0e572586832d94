from django.contrib import admin

from cloudfactory.customers.models import Customer


class StaffAdminSite(admin.AdminSite):
    """Stock, but for the product's staff model, which has no is_staff: a
    member who may view customers may use it."""

    def has_permission(self, request) -> bool:
        return request.user.is_active and request.user.has_perm(
            "customers.view_customer"
        )


site = StaffAdminSite(name="stock_admin")


@admin.register(Customer, site=site)
class CustomerAdmin(admin.ModelAdmin):
    """What a Django project would write for this page: the guide's columns,
    search on name, email and company, filters on type and status, newest
    first, 50 a page."""

    list_display = (
        "name",
        "email",
        "company_name",
        "type",
        "status",
        "users_count",
        "created_at",
    )
    search_fields = ("name", "email", "company_name")
    list_filter = ("type", "status")
    ordering = ("-created_at", "-id")
    list_per_page = 50
