import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from cloudfactory.errors import DomainError
from cloudfactory.staff.models import StaffUser
from cloudfactory.staff.roles import ROLES
from cloudfactory.staff.services import staff_create_or_update


class Command(BaseCommand):
    help = (
        "Create a staff login, or reset the password and role of an existing one. "
        "Non-interactive and safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the staff member's email")
        parser.add_argument(
            "--password",
            help="at least 10 characters; if omitted, a random one is printed",
        )
        parser.add_argument(
            "--if-absent",
            action="store_true",
            help="do nothing when a login with this email exists already",
        )
        parser.add_argument(
            "--role", default="admin", choices=ROLES, help="default: admin"
        )
        parser.add_argument("--name", default="", help="full name shown in the header")

    def handle(self, *args, email, password, role, name, if_absent, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None
        if if_absent and StaffUser.objects.filter(email__iexact=email).exists():
            self.stdout.write(
                f"Login {email} exists already; its password is unchanged."
            )
            return
        generated = password is None
        if generated:
            password = secrets.token_urlsafe(12)
        if len(password) < 10:
            raise CommandError("The password needs at least 10 characters.")
        try:
            user, created = staff_create_or_update(
                email=email, password=password, role=role, full_name=name
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {role} login {user.email}."))
        if generated:
            # Shown once, to the person who ran the command; never logged.
            self.stdout.write(f"  email:    {user.email}\n  password: {password}")
