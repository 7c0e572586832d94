"""The one reader of new log entries in each server process.

On PostgreSQL it holds one LISTEN connection (not one per client) and wakes
when a NOTIFY carries a new id; on SQLite it tails the log by id every
LIVE_POLL_INTERVAL seconds, and at once when this process appends. Either
way it reads each new entry once, in id order, and hands the batch on.

Entries are read in id order and never skipped: event_append makes ids
commit in the order they were given (activity/services.py), so once an id
is seen, no smaller one can still appear.
"""

import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.db import connection
from django.db.models import Max

from cloudfactory.activity import bus
from cloudfactory.activity.messages import Message, batch_messages
from cloudfactory.activity.models import Event
from cloudfactory.activity.services import NOTIFY_CHANNEL

logger = logging.getLogger(__name__)

BATCH = 500
# On PostgreSQL the log is also read this often without a NOTIFY, so an entry
# announced while the listener was reconnecting is not left waiting.
SAFETY_READ = 5.0
RETRY_AFTER = (0.2, 0.5, 1, 2, 5)  # seconds, after a database error


def events_after(last_id: int, *, up_to: int | None = None, limit: int = BATCH):
    """Up to `limit` entries after `last_id` (and up to `up_to`), in id order."""
    entries = Event.objects.filter(pk__gt=last_id)
    if up_to is not None:
        entries = entries.filter(pk__lte=up_to)
    return list(entries.select_related("actor").order_by("pk")[:limit])


def log_head() -> int:
    return Event.objects.aggregate(head=Max("pk"))["head"] or 0


class LogReader(threading.Thread):
    """Reads new entries and calls `deliver(messages)` with each batch."""

    def __init__(self, deliver: Callable[[list[Message]], None]):
        super().__init__(name="event-log-reader", daemon=True)
        self.deliver = deliver
        self.last_id = 0
        # Resolves to the log's head once the reader has read it.
        self.ready: concurrent.futures.Future[int] = concurrent.futures.Future()
        self.wake = threading.Event()

    def run(self) -> None:
        failures = 0
        while True:
            try:
                if not self.ready.done():
                    self.last_id = log_head()
                    self.ready.set_result(self.last_id)
                if connection.vendor == "postgresql":
                    self._listen()
                else:
                    self._poll()
            except Exception:
                delay = RETRY_AFTER[min(failures, len(RETRY_AFTER) - 1)]
                failures += 1
                logger.warning(
                    "Reading the event log failed; trying again in %s s",
                    delay,
                    exc_info=True,
                )
                self._forget_connection()
                time.sleep(delay)
            else:
                failures = 0

    def read_new(self) -> None:
        """Hand on every entry after the last one read, in batches."""
        try:
            while True:
                entries = events_after(self.last_id)
                if not entries:
                    return
                self.last_id = entries[-1].pk
                self.deliver(batch_messages(entries))
                if len(entries) < BATCH:
                    return
        finally:
            if connection.vendor == "postgresql":
                # Back to the pool between reads: pages need it more.
                connection.close()

    def _poll(self) -> None:
        unsubscribe = bus.subscribe(lambda _id: self.wake.set())
        try:
            while True:
                self.read_new()
                self.wake.wait(settings.LIVE_POLL_INTERVAL)
                self.wake.clear()
        finally:
            unsubscribe()

    def _listen(self) -> None:
        with psycopg.connect(**_listen_params(), autocommit=True) as listener:
            listener.execute(f"LISTEN {NOTIFY_CHANNEL}")
            # Whatever was announced while no one listened.
            self.read_new()
            while True:
                woken = False
                for _ in listener.notifies(timeout=SAFETY_READ, stop_after=1):
                    woken = True
                if woken:
                    # The NOTIFYs that came meanwhile are read by this one read.
                    for _ in listener.notifies(timeout=0.001):
                        pass
                self.read_new()

    @staticmethod
    def _forget_connection() -> None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close
            logger.debug("Closing a broken connection failed", exc_info=True)


def _listen_params() -> dict:
    """The default database's connection settings, for a plain connection of
    the listener's own (not one of the pages' pool)."""
    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(django_only, None)
    params["application_name"] = "cloudfactory-live"
    return params
