"""The event log: appended inside each write's transaction, announced after commit."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from cloudfactory.activity import bus
from cloudfactory.activity.models import Event

logger = logging.getLogger(__name__)

NOTIFY_CHANNEL = "cloudfactory_events"


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
    the change it describes does.
    """
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
