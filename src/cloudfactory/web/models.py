from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class SavedView(models.Model):
    """A named state of one list (its search, filters, sort and columns),
    kept for its owner and, when shared, for a role or for all staff."""

    class Sharing(models.TextChoices):
        PERSONAL = "personal", "Only me"
        ROLE = "role", "Role"
        EVERYONE = "everyone", "All staff"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    # The list's URL namespace: "customers", "orders", ...
    list_name = models.CharField(max_length=40)
    name = models.CharField(max_length=60)
    # The list's query string without cursor, selection or view.
    state = models.TextField(blank=True)
    # Column names in order; empty shows the member's own or the default.
    columns = models.JSONField(default=list, blank=True)
    sharing = models.CharField(
        max_length=8, choices=Sharing.choices, default=Sharing.PERSONAL
    )
    # The staff role a view shared with a role is shown to; empty otherwise.
    role = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "owner", "list_name", Lower("name"), name="saved_view_name_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(sharing="role") & ~models.Q(role="")
                    | ~models.Q(sharing="role") & models.Q(role="")
                ),
                name="saved_view_role_with_role_sharing",
            ),
        ]
        indexes = [
            models.Index(fields=["list_name", "sharing"], name="saved_view_shared"),
        ]

    def __str__(self) -> str:
        return self.name


class ColumnChoice(models.Model):
    """The columns one staff member shows on one list, in their order."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The list's URL namespace: "customers", "orders", ...
    list_name = models.CharField(max_length=40)
    # Column names in order, e.g. ["name", "status", "email"].
    columns = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "list_name"], name="column_choice_one_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.list_name}: {', '.join(self.columns)}"
