from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from cloudfactory.errors import DomainError
from cloudfactory.staff.roles import ROLES
from cloudfactory.staff.services import staff_create_or_update


class Command(BaseCommand):
    help = (
        "Create a staff login, or reset the password and role of an existing one. "
        "Non-interactive and safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the staff member's email")
        parser.add_argument("--password", required=True, help="at least 10 characters")
        parser.add_argument("--role", default="admin", choices=ROLES, help="default: admin")
        parser.add_argument("--name", default="", help="full name shown in the header")

    def handle(self, *args, email: str, password: str, role: str, name: str, **options):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None
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
