from django.conf import settings
from django.db import models
from django.db.models import Q


class Event(models.Model):
    """The append-only log of every change and every accountable staff action.

    Live updates, the account history timeline and the audit trail all read it.
    """

    kind = models.CharField(max_length=40)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    payload = models.JSONField(default=dict, blank=True)
    # Shown in the customer's account history (creation, status, notable orders...).
    notable = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["customer", "-id"],
                name="event_history",
                condition=Q(notable=True),
            ),
            models.Index(fields=["kind", "-id"], name="event_kind"),
            # The Overview's recent activity: by time, as entries written with
            # an earlier time (demo data, imports) do not come last by id.
            models.Index(fields=["-created_at", "-id"], name="event_time"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"

    LABELS = {
        "customer.created": "Customer created",
        "customer.status_changed": "Status changed",
        "customers.exported": "Customers exported",
        "user.added": "User added",
        "user.removed": "User removed",
        "order.placed": "Order placed",
        "invoice.issued": "Invoice issued",
        "invoice.paid": "Invoice paid",
        "invoice.overdue": "Invoice overdue",
        "invoice.voided": "Invoice voided",
        "ticket.opened": "Ticket opened",
        "ticket.closed": "Ticket closed",
    }

    @property
    def label(self) -> str:
        """Words for the kind: "invoice.paid" -> "Invoice paid"."""
        return self.LABELS.get(self.kind, self.kind.replace(".", " ").replace("_", " "))
