"""When the database hangs or goes away: pages answer 503 within 2 seconds.

A stopped PostgreSQL refuses connections at once, and the pool gives up
waiting for one after 1.5 s (settings). A hung one (a frozen server, a
network that drops packets) would leave a query waiting forever, since the
kernel still acknowledges what is sent: `QueryDeadlineMiddleware` gives each
query of a page `DATABASE_QUERY_DEADLINE` seconds, then cancels it, and if
even the cancel goes unanswered, shuts the connection's socket so the query
fails and the connection is dropped from the pool. `server_error` turns those
failures into the 503 page.
"""

import heapq
import itertools
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

# How long a cancel request may take before the socket is shut instead.
CANCEL_WAIT = 0.3

UNAVAILABLE = (
    "The database is unavailable. Your change, if any, was not saved; "
    "try again in a moment."
)
TOO_SLOW = "The database took too long to answer. Try again in a moment."


class Watchdog:
    """One thread per process that calls `on_late()` for each watched call
    still running at its deadline."""

    def __init__(self):
        self._deadlines: list[tuple[float, int]] = []
        self._late: dict[int, Callable[[], None]] = {}
        self._ids = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, seconds: float, on_late: Callable[[], None]) -> int:
        with self._wake:
            key = next(self._ids)
            self._late[key] = on_late
            heapq.heappush(self._deadlines, (time.monotonic() + seconds, key))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="query-watchdog", daemon=True
                )
                self._thread.start()
            elif self._deadlines[0][1] == key:
                self._wake.notify()
        return key

    def done(self, key: int) -> None:
        with self._wake:
            self._late.pop(key, None)

    def running(self, key: int) -> bool:
        with self._wake:
            return key in self._late

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._deadlines and self._deadlines[0][1] not in self._late:
                    heapq.heappop(self._deadlines)
                if not self._deadlines:
                    self._wake.wait()
                    continue
                deadline, key = self._deadlines[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._deadlines)
                on_late = self._late.get(key)
            if on_late is not None:
                try:
                    on_late()
                except Exception:
                    logger.exception("Could not give up a late database query")


WATCHDOG = Watchdog()


class QueryDeadline:
    """An execute wrapper: each query gets `seconds`, then is given up."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def __call__(self, execute, sql, params, many, context):
        wrapper = context["connection"]
        key = WATCHDOG.watch(self.seconds, lambda: _give_up(wrapper, key))
        try:
            return execute(sql, params, many, context)
        finally:
            WATCHDOG.done(key)


def _give_up(wrapper, key: int) -> None:
    """Cancel the query on the server; if the server does not take the
    cancel, shut the socket, which fails the query in its own thread."""
    raw = wrapper.connection
    if raw is None:
        return
    logger.warning(
        "A database query took over %.1f s; cancelling it",
        settings.DATABASE_QUERY_DEADLINE,
    )
    try:
        raw.cancel_safe(timeout=CANCEL_WAIT)
    except Exception:
        logger.warning("The database did not take the cancel", exc_info=True)
    time.sleep(0.05)
    if WATCHDOG.running(key):
        logger.warning("Shutting a database connection that does not answer")
        try:
            with socket.socket(fileno=os.dup(raw.pgconn.socket)) as sock:
                sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            logger.warning("Could not shut the database socket", exc_info=True)


class QueryDeadlineMiddleware:
    """Gives every query a page runs on PostgreSQL `DATABASE_QUERY_DEADLINE`
    seconds. Downloads stream after the view returns, on their own
    connection, and are bounded by their own statement timeout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        connection = connections["default"]
        if connection.vendor != "postgresql":
            return self.get_response(request)
        with connection.execute_wrapper(
            QueryDeadline(settings.DATABASE_QUERY_DEADLINE)
        ):
            return self.get_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, or the 503 page when the database is what failed. Renders
    without the request's context: nothing here may need the database."""
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseError) and _unavailable(error):
        sentence = TOO_SLOW if _cancelled(error) else UNAVAILABLE
        page = loader.get_template("503.html").render({"message": sentence})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def _unavailable(error: DatabaseError) -> bool:
    # OperationalError: refused, reset, timed out, cancelled; InterfaceError: a
    # connection already closed. Others (a constraint, bad SQL) are bugs: 500.
    return isinstance(error, OperationalError | InterfaceError)


def _cancelled(error: DatabaseError) -> bool:
    cause = error.__cause__
    return type(cause).__name__ == "QueryCanceled"
