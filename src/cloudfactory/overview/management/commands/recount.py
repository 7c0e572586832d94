from django.core.management.base import BaseCommand, CommandError

from cloudfactory.overview import recount
from cloudfactory.text import counted

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Count every customer's users, orders, invoices, tickets and revenue and the "
        "platform totals from the tables, and repair any counter that drifted. "
        "With --check, only report, and exit 1 on any drift."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="report drift without repairing it"
        )

    def handle(self, *args, check: bool, **options):
        drifts = recount.customer_drift()
        for drift in drifts[:SHOWN]:
            changes = ", ".join(
                f"{name} {drift.stored[name]} -> {drift.actual[name]}"
                for name in drift.fields
            )
            self.stdout.write(f"customer #{drift.customer_id}: {changes}")
        if len(drifts) > SHOWN:
            more = counted(len(drifts) - SHOWN, "more customer", "more customers")
            self.stdout.write(f"... and {more}")
        if check:
            totals = recount.totals_drift()
        else:
            recount.customer_counters_repair(drifts)
            totals = recount.totals_repair()
        for name, (stored, actual) in totals.items():
            self.stdout.write(f"platform total {name}: {stored} -> {actual}")

        if not drifts and not totals:
            self.stdout.write(
                self.style.SUCCESS("All counters and platform totals are exact.")
            )
        elif check:
            raise CommandError(
                f"Drift found: {counted(len(drifts), 'customer')}, "
                f"{counted(len(totals), 'platform total')}. "
                "Run `cloudfactory recount` to repair."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Repaired {counted(len(drifts), 'customer')} and "
                    f"{counted(len(totals), 'platform total')}."
                )
            )
