from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


def staff_email(email: str) -> str:
    """The one spelling of a staff email: `Ada@Example.COM ` is
    `ada@example.com`. Every lookup of a staff member by email goes through it."""
    return email.strip().lower()


class StaffUserManager(BaseUserManager):
    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A staff member needs an email address.")
        user = self.model(email=staff_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email: str):
        """The member signing in as `email`, however it is capitalised."""
        return self.get(email=staff_email(email))


class StaffUser(AbstractBaseUser, PermissionsMixin):
    """A platform staff member: signs in with an email; a group gives the role."""

    class Theme(models.TextChoices):
        """Light or dark pages; "system" follows the device's setting."""

        SYSTEM = "system", "System"
        LIGHT = "light", "Light"
        DARK = "dark", "Dark"

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # An IANA name such as "Europe/Paris"; times are shown in it.
    time_zone = models.CharField(max_length=64, default="UTC")
    theme = models.CharField(max_length=6, choices=Theme.choices, default=Theme.SYSTEM)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = StaffUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        verbose_name = "staff member"
        constraints = [
            # Stored in one spelling, so the unique index also refuses
            # `Ada@example.com` beside `ada@example.com`.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="staff_email_lower_case",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = staff_email(self.email)
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def role(self) -> str:
        """The name of the staff member's role group, or "" when it has none."""
        names = [g.name for g in self.groups.all()]
        return names[0] if names else ""


class SignInThrottle(models.Model):
    """The failed sign-ins of one email, from any address (staff/throttle.py).

    A row exists only while an email has recent failures; one that exists no
    staff member is kept too, so a delay says nothing about which emails do.
    """

    email = models.CharField(max_length=254, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(db_index=True)
    # No try on this email is checked before this time.
    next_try_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.email}: {self.failures} failed sign-ins"
