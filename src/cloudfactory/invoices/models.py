from django.db import models
from django.db.models import Q


class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        VOID = "void", "Void"
        OVERDUE = "overdue", "Overdue"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="invoices"
    )
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    issued_at = models.DateTimeField()
    due_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["customer", "issued_at", "id"], name="invoice_customer"
            ),
            models.Index(fields=["issued_at", "id"], name="invoice_issued"),
            models.Index(fields=["status", "due_at"], name="invoice_status_due"),
            # The list's filters and sorts (migration 0003).
            models.Index(
                fields=["status", "issued_at", "id"], name="invoice_status_issued"
            ),
            models.Index(fields=["due_at", "id", "issued_at"], name="invoice_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_minor__gte=0), name="invoice_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status="paid", paid_at__isnull=False) | ~Q(status="paid"),
                name="invoice_paid_has_paid_at",
            ),
        ]
        permissions = [("export_invoice", "Can export invoices")]

    def __str__(self) -> str:
        return self.number
