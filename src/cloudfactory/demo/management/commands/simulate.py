import math
import time
from collections import Counter
from random import Random

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.demo.simulate import (
    KINDS,
    MAX_RATE,
    SKIPPED,
    Change,
    Simulator,
    run,
    summary,
)

DEFAULT_RATE = 2.0


class Command(BaseCommand):
    help = (
        "Make realistic changes through the services at a steady rate: customers "
        "register, users join and leave, orders are placed, invoices issued, paid, "
        "voided or marked overdue, tickets opened and closed, and now and then a "
        "customer is suspended or reactivated. Each change commits on its own. "
        "Runs until Ctrl-C unless --duration or --changes says otherwise, then "
        "prints how many changes of each kind it made."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rate",
            type=float,
            default=DEFAULT_RATE,
            metavar="R",
            help=f"changes a second, up to {MAX_RATE} (default {DEFAULT_RATE:g})",
        )
        parser.add_argument(
            "--duration",
            type=float,
            metavar="D",
            help="stop after this many seconds (default: run until Ctrl-C)",
        )
        parser.add_argument(
            "--changes",
            type=int,
            metavar="N",
            help="stop after this many changes",
        )
        parser.add_argument(
            "--seed",
            type=int,
            metavar="S",
            help=(
                "the same seed on the same data makes the same changes "
                "(default: from the clock, printed at the start)"
            ),
        )
        parser.add_argument(
            "--only",
            metavar="KIND[,KIND]",
            default="",
            help=(
                "make only these kinds of change, e.g. customer.created or "
                f"order.placed,invoice.paid (kinds: {', '.join(KINDS)})"
            ),
        )
        parser.add_argument(
            "--quiet", action="store_true", help="no line per change, only the summary"
        )

    def handle(self, *args, rate, duration, changes, seed, only, quiet, **options):
        _check(rate, duration, changes)
        kinds = _kinds(only)
        seed = int(time.time()) if seed is None else seed
        self.stdout.write(
            f"Simulating {rate:g} changes a second with --seed {seed}"
            + ("." if duration or changes else " until Ctrl-C.")
        )
        counts = Counter()

        def on_change(change: Change) -> None:
            counts[change.kind] += 1
            if not quiet:
                self.stdout.write(_line(change))
                self.stdout.flush()

        started = time.monotonic()
        try:
            simulator = Simulator(Random(seed), only=kinds)
            started = time.monotonic()
            run(
                simulator.step,
                rate=rate,
                duration=duration,
                limit=changes,
                on_change=on_change,
            )
        except KeyboardInterrupt:
            self.stdout.write("")  # past the ^C the terminal echoed
        self.stdout.write(summary(counts, time.monotonic() - started))


def _check(rate: float, duration: float | None, changes: int | None) -> None:
    if not (math.isfinite(rate) and 0 < rate <= MAX_RATE):
        raise CommandError(
            f"--rate must be more than 0 and at most {MAX_RATE} changes a second."
        )
    if duration is not None and not (math.isfinite(duration) and duration > 0):
        raise CommandError("--duration must be a number of seconds more than 0.")
    if changes is not None and changes < 1:
        raise CommandError("--changes must be at least 1.")


def _kinds(only: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in only.split(",") if kind.strip())
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise CommandError(
            f"--only: {', '.join(unknown)} is not a kind of change; "
            f"the kinds are {', '.join(KINDS)}."
        )
    return kinds


def _line(change: Change) -> str:
    """12:03:04 order placed ORD-4211-0007 for Acme, $412.00"""
    clock = timezone.localtime().strftime("%H:%M:%S")
    what = "skipped" if change.kind == SKIPPED else Event.LABELS[change.kind].lower()
    return f"{clock} {what} {change.text}"
