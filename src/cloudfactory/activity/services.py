"""The event log: appended inside each write's transaction, announced after commit."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from cloudfactory.activity import bus
from cloudfactory.activity.models import Event

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "cloudfactory_events"
# Held from an entry's insert to its transaction's end (PostgreSQL), so ids
# commit in the order they are given and a reader that has seen id N will
# never later find a smaller one. SQLite writers hold the database's own
# write lock from their first write ("transaction_mode": "IMMEDIATE").
LOG_ORDER_LOCK = 0x0C10_0D_E7


def event_append(
    *,
    kind: str,
    customer=None,
    actor=None,
    payload: dict | None = None,
    notable: bool = False,
) -> Event:
    """Append one entry to the log and announce it once the transaction commits.

    Must run inside the caller's transaction, so the entry exists exactly when
    the change it describes does, and as its last write: from here to the
    commit, the other writers of the log wait (LOG_ORDER_LOCK).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_ORDER_LOCK])
        event = Event.objects.create(
            kind=kind,
            customer=customer,
            actor=actor if actor is not None and actor.is_authenticated else None,
            payload=payload or {},
            notable=notable,
            created_at=timezone.now(),
        )
        transaction.on_commit(lambda: event_announce(event.pk))
    return event


def event_announce(event_id: int) -> None:
    """Tell listeners a new event exists: NOTIFY on PostgreSQL, this process's bus."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Only the id travels; listeners read the row from the log.
            cursor.execute("SELECT pg_notify(%s, %s)", [NOTIFY_CHANNEL, str(event_id)])
    bus.publish(event_id)
