from django.db import models
from django.db.models import Q


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FULFILLED = "fulfilled", "Fulfilled"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders"
    )
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING
    )
    total_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    placed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["customer", "placed_at", "id"], name="order_customer"),
            models.Index(fields=["placed_at", "id"], name="order_placed"),
            # The list's filters and sorts (migration 0002); the date rides along
            # so a date range is checked inside the index.
            models.Index(
                fields=["status", "placed_at", "id"], name="order_status_placed"
            ),
            models.Index(fields=["total_minor", "id", "placed_at"], name="order_total"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor__gte=0), name="order_total_not_negative"
            )
        ]
        permissions = [("export_order", "Can export orders")]

    def __str__(self) -> str:
        return self.number
