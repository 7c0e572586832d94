from django.db import models


class TenantUser(models.Model):
    """A person inside a customer tenant (not a platform staff member)."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        MEMBER = "member", "Member"
        BILLING = "billing", "Billing"
        READ_ONLY = "read_only", "Read only"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="users"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Folded name and email.
    search_text = models.TextField(default="", editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["customer", "created_at", "id"], name="tenantuser_customer"
            ),
            # A search walks it without reading the rows (textsearch.indexes).
            models.Index(
                fields=["created_at", "id"],
                include=["search_text"],
                name="tenantuser_created",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "email"], name="tenantuser_email_unique_in_tenant"
            )
        ]
        permissions = [("export_tenantuser", "Can export tenant users")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
