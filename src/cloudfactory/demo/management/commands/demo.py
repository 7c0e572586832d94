import argparse

from django.core.management.base import BaseCommand, CommandError

from cloudfactory.customers.models import Customer
from cloudfactory.demo.loader import (
    DEFAULT_SEED,
    PROCESSES,
    SERVICES_MAX_CUSTOMERS,
    Path,
    demo_load,
)
from cloudfactory.errors import DomainError


def _whole_number(text: str) -> int:
    """1000000, 1_000_000 or 1,000,000."""
    try:
        return int(text.replace(",", "_"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


class Command(BaseCommand):
    help = (
        "Load realistic demo data: customers (about 60% companies) with their users, "
        "orders, invoices, tickets and account history over the last three years. "
        "The same seed gives the same data. Up to "
        f"{SERVICES_MAX_CUSTOMERS:,} customers, or into a database that already has "
        "data, every record goes through the service layer; more customers into an "
        "empty database are loaded in bulk (COPY on PostgreSQL), counters included."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--customers",
            type=_whole_number,
            required=True,
            metavar="N",
            help="how many customers to create (at least 1; 1_000_000 is fine)",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=(
                "the same seed gives the same data, dated from today "
                f"(default {DEFAULT_SEED})"
            ),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already has customers (for `make run`)",
        )
        how = parser.add_mutually_exclusive_group()
        how.add_argument(
            "--fast",
            dest="path",
            action="store_const",
            const=Path.BULK,
            help="load in bulk whatever N is (empty database only)",
        )
        how.add_argument(
            "--through-services",
            dest="path",
            action="store_const",
            const=Path.SERVICES,
            help="create every record through the services",
        )
        parser.add_argument(
            "--processes",
            type=int,
            default=PROCESSES,
            help=f"worker processes drawing the bulk data (default {PROCESSES})",
        )
        parser.set_defaults(path=Path.AUTO)

    def handle(self, *args, customers, seed, if_empty, path, processes, **options):
        if customers < 1:
            raise CommandError("--customers must be at least 1.")
        if processes < 1:
            raise CommandError("--processes must be at least 1.")
        if if_empty and (existing := Customer.objects.count()):
            self.stdout.write(
                f"Customers already exist ({existing:,}): no demo data loaded."
            )
            return
        try:
            report = demo_load(customers, seed, path=path, processes=processes)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
