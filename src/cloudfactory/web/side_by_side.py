"""Independent reads of one request, run side by side on PostgreSQL.

The palette asks each kind of record its own questions (customers, users,
tickets...), one after the other, so a request waits for the sum of their
queries. The server answers several connections at once, so `side_by_side`
runs all but the first in helper threads, each on a connection of its own
from the pool, and the request waits for the slowest. On SQLite, inside a
transaction (a helper's connection would not see its writes) or when every
helper is busy, the calls run in turn in the calling thread: same answers,
one after the other.
"""

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.db import connection, connections

from cloudfactory.web.database import QueryDeadline

T = TypeVar("T")

# Connections a process lends to helpers at most, beyond its requests' own.
HELPERS = 2

_free = threading.BoundedSemaphore(HELPERS)
_helpers = ThreadPoolExecutor(max_workers=HELPERS, thread_name_prefix="side-by-side")


def side_by_side(calls: Sequence[Callable[[], T]]) -> list[T]:
    """What each of `calls` returns, in order. Each must only read."""
    if len(calls) < 2 or not _may_share():
        return [call() for call in calls]
    lent: list[Future | None] = []
    for call in calls[1:]:
        lent.append(_helpers.submit(_helped, call) if _free.acquire(False) else None)
    results = [calls[0]()]
    for call, future in zip(calls[1:], lent, strict=True):
        results.append(call() if future is None else future.result())
    return results


def _may_share() -> bool:
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _helped(call: Callable[[], T]) -> T:
    """`call` in a helper thread, its queries under the pages' deadline; the
    thread's connection goes back to the pool after it."""
    try:
        with connections["default"].execute_wrapper(
            QueryDeadline(settings.DATABASE_QUERY_DEADLINE)
        ):
            return call()
    finally:
        connections.close_all()
        _free.release()
