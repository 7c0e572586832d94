from django.db import models
from django.db.models import Q


class Customer(models.Model):
    """A customer tenant: a company or an individual, with its own users and billing."""

    class Type(models.TextChoices):
        COMPANY = "company", "Company"
        INDIVIDUAL = "individual", "Individual"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        INACTIVE = "inactive", "Inactive"

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=12, choices=Type.choices)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    # Legal name for a company; employer (or empty) for an individual.
    company_name = models.CharField(max_length=200, blank=True)
    # Payment method on file: never more than brand, last four digits and expiry.
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    billing_address = models.TextField(blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    # Counters kept exact by the services (F() updates) and `recount`.
    users_count = models.IntegerField(default=0)
    orders_count = models.IntegerField(default=0)
    invoices_count = models.IntegerField(default=0)
    tickets_count = models.IntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)

    # Folded name, email and company name; trigram-indexed per database.
    search_text = models.TextField(default="", editable=False)

    class Meta:
        indexes = [
            # A search walks it without reading the rows (textsearch.indexes).
            models.Index(
                fields=["created_at", "id"],
                include=["search_text"],
                name="customer_created",
            ),
            models.Index(
                fields=["type", "created_at", "id"], name="customer_type_created"
            ),
            models.Index(
                fields=["status", "created_at", "id"], name="customer_status_created"
            ),
            models.Index(fields=["name", "id"], name="customer_name"),
            models.Index(fields=["users_count", "id"], name="customer_users"),
            # Filter + sort pairs (migration 0003, measured in docs/benchmarks.md):
            # users and type are correlated, so "individuals by most users" would
            # otherwise walk past the companies first.
            models.Index(
                fields=["type", "users_count", "id"], name="customer_type_users"
            ),
            models.Index(fields=["type", "name", "id"], name="customer_type_name"),
            models.Index(
                fields=["status", "users_count", "id"], name="customer_status_users"
            ),
            models.Index(fields=["status", "name", "id"], name="customer_status_name"),
            models.Index(
                fields=["type", "status", "created_at", "id"],
                name="customer_type_status_created",
            ),
            models.Index(
                fields=["type", "status", "users_count", "id"],
                name="customer_type_status_users",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(users_count__gte=0)
                & Q(orders_count__gte=0)
                & Q(invoices_count__gte=0)
                & Q(tickets_count__gte=0)
                & Q(revenue_minor__gte=0),
                name="customer_counters_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(card_exp_month__isnull=True)
                | Q(card_exp_month__gte=1, card_exp_month__lte=12),
                name="customer_card_exp_month_valid",
            ),
        ]
        permissions = [
            ("change_status", "Can suspend, reactivate or deactivate a customer"),
            ("export_customer", "Can export customers"),
            ("view_billing", "Can see card details and billing addresses"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/customers/{self.pk}"

    @property
    def is_company(self) -> bool:
        return self.type == self.Type.COMPANY


class PlatformTotals(models.Model):
    """One of a few slot rows; the platform totals are the sum over all slots.

    A write adds its deltas to one slot picked at random, so concurrent writers
    seldom wait on the same row, and reading the totals never scans a big table.
    """

    SLOTS = 16

    FIELDS = (
        "customers",
        "companies",
        "individuals",
        "active",
        "suspended",
        "inactive",
        "users",
        "orders",
        "invoices",
        "tickets",
        "revenue_minor",
    )

    slot = models.PositiveSmallIntegerField(primary_key=True)
    customers = models.BigIntegerField(default=0)
    companies = models.BigIntegerField(default=0)
    individuals = models.BigIntegerField(default=0)
    active = models.BigIntegerField(default=0)
    suspended = models.BigIntegerField(default=0)
    inactive = models.BigIntegerField(default=0)
    users = models.BigIntegerField(default=0)
    orders = models.BigIntegerField(default=0)
    invoices = models.BigIntegerField(default=0)
    tickets = models.BigIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "platform totals"

    def __str__(self) -> str:
        return f"totals slot {self.slot}"
