from django.db import models


class Ticket(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        CLOSED = "closed", "Closed"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    number = models.CharField(max_length=32, unique=True)
    subject = models.CharField(max_length=300)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    priority = models.CharField(
        max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Folded number and subject.
    search_text = models.TextField(default="", editable=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["customer", "created_at", "id"], name="ticket_customer"
            ),
            # A search walks it without reading the rows (textsearch.indexes).
            models.Index(
                fields=["created_at", "id"],
                include=["search_text"],
                name="ticket_created",
            ),
            # The list's filters and sorts (migration 0003).
            models.Index(fields=["updated_at", "id"], name="ticket_updated"),
            models.Index(
                fields=["status", "created_at", "id"], name="ticket_status_created"
            ),
            models.Index(
                fields=["status", "updated_at", "id"], name="ticket_status_updated"
            ),
            models.Index(
                fields=["priority", "created_at", "id"], name="ticket_priority_created"
            ),
            models.Index(
                fields=["priority", "updated_at", "id"], name="ticket_priority_updated"
            ),
        ]
        permissions = [("export_ticket", "Can export support tickets")]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"
