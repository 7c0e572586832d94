import getpass
import os
import secrets
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from cloudfactory.errors import DomainError
from cloudfactory.staff.models import StaffUser, staff_email
from cloudfactory.staff.roles import ROLES
from cloudfactory.staff.services import staff_create_or_update
from cloudfactory.text import UnfitText, fit_text

# Where the password may come from instead of the command line, which other
# users of the machine can read while the command runs (ps, /proc).
ENVIRONMENT_VARIABLE = "CLOUDFACTORY_ADMIN_PASSWORD"
NAME_MAX_LENGTH = StaffUser._meta.get_field("full_name").max_length


class Command(BaseCommand):
    help = (
        "Create a staff login, or reset the password and role of an existing one. "
        "The password comes from --password-stdin or --password, else from "
        f"{ENVIRONMENT_VARIABLE}, else a random one is generated and printed; it "
        "must pass the password validators. Non-interactive and safe to repeat."
    )
    # Tests hand the command their own standard input, as Django's do.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True, help="the staff member's email")
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--password",
            help=(
                "the password; visible to other users of this machine while the "
                f"command runs: prefer --password-stdin or {ENVIRONMENT_VARIABLE}"
            ),
        )
        source.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from the first line of standard input",
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

    def handle(
        self, *args, email, password, password_stdin, role, name, if_absent, **options
    ):
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid email address.") from None
        try:
            name = fit_text(name, what="The name", max_length=NAME_MAX_LENGTH)
        except UnfitText as unfit:
            raise CommandError(str(unfit)) from None
        if if_absent and StaffUser.objects.filter(email=staff_email(email)).exists():
            self.stdout.write(
                f"Login {email} exists already; its password is unchanged."
            )
            return
        if password_stdin:
            password = _first_line(options.get("stdin", sys.stdin))
        elif password is None:
            password = os.environ.get(ENVIRONMENT_VARIABLE) or None
        generated = password is None
        if generated:
            password = secrets.token_urlsafe(12)
        try:
            validate_password(
                password, StaffUser(email=staff_email(email), full_name=name)
            )
        except ValidationError as refused:
            sentences = " ".join(refused.messages)
            raise CommandError(f"The password was refused: {sentences}") from None
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


def _first_line(stream) -> str:
    """The password on standard input: its first line, without the line end;
    asked for without echo when standard input is a terminal."""
    if stream.isatty():
        password = getpass.getpass("Password: ")
    else:
        password = stream.readline().rstrip("\r\n")
    if not password:
        raise CommandError("No password on standard input: give it on one line.")
    return password
