from django.conf import settings
from django.db import models


class Recent(models.Model):
    """A search a staff member ran from the palette, or a record they opened
    from it: what the empty palette offers them next time."""

    class Kind(models.TextChoices):
        SEARCH = "search", "Search"
        RECORD = "record", "Record"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recents"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The search's text, or the record's URL: one row per member and key.
    key = models.CharField(max_length=300)
    label = models.CharField(max_length=300)
    used_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "key"], name="recent_once_per_member"
            )
        ]
        indexes = [
            models.Index(fields=["member", "kind", "-used_at"], name="recent_newest")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.label}"
