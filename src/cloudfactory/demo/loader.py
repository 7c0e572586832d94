"""`demo_load`: realistic demo and benchmark data, the same for the same seed.

Two paths write the same plans (see plan.py):
- through the services, which keeps counters, totals, search text and the
  event log exact by construction: for small loads and any non-empty database;
- in bulk (COPY on PostgreSQL, executemany on SQLite) for large loads into an
  empty database, with counters and platform totals computed while formatting.
  It writes the account-history events only (history.FAST_EVENT_KINDS); see
  docs/decisions.md, "Large demo loads skip the service layer", for why and
  what that costs.
"""

import sys
import time
from dataclasses import dataclass
from enum import StrEnum

from django.db import connection, transaction
from tqdm import tqdm

from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.demo.bulk_rows import Totals
from cloudfactory.demo.chunks import ChunkSource, Job
from cloudfactory.demo.history import customer_history
from cloudfactory.demo.plan import customer_plans
from cloudfactory.demo.pools import build_pools
from cloudfactory.demo.through_services import load_through_services
from cloudfactory.errors import DomainError
from cloudfactory.invoices.models import Invoice
from cloudfactory.money import platform_currency
from cloudfactory.orders.models import Order
from cloudfactory.support.models import Ticket
from cloudfactory.text import counted
from cloudfactory.users.models import TenantUser

DEFAULT_SEED = 1
# Above this many customers an empty database is loaded in bulk.
SERVICES_MAX_CUSTOMERS = 5_000
PROCESSES = 2
BULK_VENDORS = ("postgresql", "sqlite")


class Path(StrEnum):
    AUTO = "auto"
    SERVICES = "services"
    BULK = "bulk"


@dataclass(frozen=True)
class LoadReport:
    path: Path
    vendor: str
    totals: dict[str, int]
    seconds: float

    def summary(self) -> str:
        t = self.totals
        how = "through the services" if self.path == Path.SERVICES else "in bulk"
        return (
            f"Loaded {counted(t['customers'], 'customer')}, "
            f"{counted(t['users'], 'user')}, {counted(t['orders'], 'order')}, "
            f"{counted(t['invoices'], 'invoice')}, {counted(t['tickets'], 'ticket')} "
            f"and {counted(t['events'], 'event')} {how} into {self.vendor} "
            f"in {self.seconds:.1f} s."
        )


def database_is_empty() -> bool:
    return not any(
        model.objects.exists()
        for model in (Customer, TenantUser, Order, Invoice, Ticket)
    )


def choose_path(customers: int, path: Path | str) -> Path:
    path = Path(path)
    empty = database_is_empty()
    if path == Path.BULK:
        if connection.vendor not in BULK_VENDORS:
            raise DomainError(f"The bulk path does not support {connection.vendor}.")
        if not empty:
            raise DomainError(
                "The bulk path loads an empty database only; this one has data. "
                "Leave out --fast to add customers through the services."
            )
        return Path.BULK
    large = customers > SERVICES_MAX_CUSTOMERS
    if path == Path.AUTO and empty and large and connection.vendor in BULK_VENDORS:
        return Path.BULK
    return Path.SERVICES


def demo_load(
    customers: int,
    seed: int = DEFAULT_SEED,
    *,
    path: Path | str = Path.AUTO,
    processes: int = PROCESSES,
    now: int | None = None,
    progress: bool | None = None,
) -> LoadReport:
    """Create `customers` demo customers with their records.

    `now` (epoch seconds) anchors the three years of history; the same seed and
    `now` give the same data. `progress` shows a bar on stderr (default: when
    stderr is a terminal).
    """
    if customers < 1:
        raise DomainError("Give a number of customers of at least 1.")
    started = time.perf_counter()
    now = int(time.time()) if now is None else now
    chosen = choose_path(customers, path)
    pools = build_pools(seed)
    show = sys.stderr.isatty() if progress is None else progress
    if chosen == Path.BULK:
        job = Job(seed, customers, now, platform_currency(), connection.vendor)
        totals = _load_bulk(job, pools, processes, show)
    else:
        with _progress_bar(customers, show) as bar:
            totals = _load_through_services(customers, seed, now, pools, bar)
    return LoadReport(chosen, connection.vendor, totals, time.perf_counter() - started)


def _progress_bar(customers: int, show: bool) -> tqdm:
    return tqdm(
        total=customers,
        unit=" customers",
        desc="customers",
        file=sys.stderr,
        disable=not show,
        dynamic_ncols=True,
        smoothing=0.1,
    )


def _load_through_services(customers, seed, now, pools, bar) -> dict[str, int]:
    totals = Totals()

    def counted():
        for plan in customer_plans(pools, seed, customers, now):
            totals.count(plan, plan.revenue_minor, len(customer_history(plan)))
            yield plan

    load_through_services(counted(), on_customer=lambda: bar.update(1))
    return totals.values


def _load_bulk(job: Job, pools, processes: int, show: bool) -> dict[str, int]:
    if job.vendor == "postgresql":
        from cloudfactory.demo.postgresql import load_postgresql as load
    else:
        from cloudfactory.demo.sqlite import load_sqlite as load
    totals = Totals()

    def on_chunk(chunk):
        totals.add(chunk.totals)
        bar.update(chunk.customers)

    def on_rebuild_start(steps):
        bar.unit = " steps"
        bar.set_description("indexes", refresh=False)
        bar.reset(total=steps)

    # Forked workers must not inherit this process's database connection.
    connection.close()
    with (
        ChunkSource(job, pools, processes) as chunks,
        _progress_bar(job.customers, show) as bar,
    ):
        load(chunks, on_chunk, on_rebuild_start, lambda: bar.update(1))
    _write_platform_totals(totals.values)
    return totals.values


def _write_platform_totals(values: dict[str, int]) -> None:
    """All of it in slot 0 and the other slots zero: the sum is what counts."""
    with transaction.atomic():
        PlatformTotals.objects.all().delete()
        PlatformTotals.objects.bulk_create(
            [
                PlatformTotals(
                    slot=0, **{name: values[name] for name in PlatformTotals.FIELDS}
                )
            ]
            + [PlatformTotals(slot=slot) for slot in range(1, PlatformTotals.SLOTS)]
        )
