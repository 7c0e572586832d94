from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.utils import timezone


class StaffUserManager(BaseUserManager):
    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A staff member needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class StaffUser(AbstractBaseUser, PermissionsMixin):
    """A platform staff member: signs in with an email; a group gives the role."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    # An IANA name such as "Europe/Paris"; times are shown in it.
    time_zone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = StaffUserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"

    class Meta:
        verbose_name = "staff member"

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def role(self) -> str:
        """The name of the staff member's role group, or "" when it has none."""
        names = [g.name for g in self.groups.all()]
        return names[0] if names else ""
