"""What the event log's order lock costs writers, on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/log_order.py [--seconds 4]

Threads change customers' statuses through `customer_change_status` as fast
as they can, for `--seconds`, with 1, 4 and 8 threads; each step runs twice,
with the lock (the product as it is) and without it (a statement wrapper drops
the `pg_advisory_xact_lock` call), alternating. Each thread changes customers
of its own, so rows never conflict: what differs is the lock alone. Prints
changes a second and the load average.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections  # noqa: E402

from cloudfactory.customers.models import Customer  # noqa: E402
from cloudfactory.customers.services import customer_change_status  # noqa: E402


def without_lock(execute, sql, params, many, context):
    if "pg_advisory_xact_lock" in sql:
        return None
    return execute(sql, params, many, context)


def writer(ids: list[int], until: float, locked: bool, done: list[int]) -> None:
    changes = 0
    try:
        wrapper = None if locked else connection.execute_wrapper(without_lock)
        if wrapper is not None:
            wrapper.__enter__()
        while time.monotonic() < until:
            pk = ids[changes % len(ids)]
            status = Customer.objects.values_list("status", flat=True).get(pk=pk)
            customer_change_status(
                customer_id=pk,
                status="suspended" if status == "active" else "active",
                actor=None,
                reason="bench: log order",
            )
            changes += 1
        if wrapper is not None:
            wrapper.__exit__(None, None, None)
    finally:
        done.append(changes)
        connections.close_all()


def rate(threads: int, seconds: float, locked: bool, ids: list[int]) -> float:
    until = time.monotonic() + seconds
    done: list[int] = []
    workers = [
        threading.Thread(target=writer, args=(ids[n::threads], until, locked, done))
        for n in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("The order lock is PostgreSQL's; set DATABASE_URL to PostgreSQL.")
        return 1
    ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:64])
    print(f"{connection.settings_dict['NAME']}, {os.cpu_count()} cores")
    print("| threads | with the lock /s | without /s | load average |")
    print("| ---: | ---: | ---: | --- |")
    for threads in (1, 4, 8):
        locked = [rate(threads, args.seconds, True, ids)]
        unlocked = [rate(threads, args.seconds, False, ids)]
        locked.append(rate(threads, args.seconds, True, ids))
        unlocked.append(rate(threads, args.seconds, False, ids))
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print(
            f"| {threads} | {' / '.join(f'{x:.0f}' for x in locked)} "
            f"| {' / '.join(f'{x:.0f}' for x in unlocked)} | {load} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
