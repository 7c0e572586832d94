"""Log entries become visible in id order (PostgreSQL): a writer that took
an id waits, from its insert to its commit, for the one before it, so a
reader that has seen id N never finds a smaller id later and skips it."""

import threading
import time

import pytest
from django.db import connection, transaction

from cloudfactory.activity.models import Event
from cloudfactory.activity.services import event_append
from tests.integration.live.helpers import (
    a_customer,
    log_after,
    log_head,
    needs_postgresql,
)

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.6  # seconds the first writer keeps its transaction open


def waiting_advisory_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        )
        return cursor.fetchone()[0]


def test_a_later_entry_waits_for_the_earlier_one_to_commit(transactional_db):
    needs_postgresql("SQLite has one writer at a time; ids commit in order there.")
    before = log_head()
    appended = threading.Event()
    calling = threading.Event()
    times: dict[str, float] = {}
    ids: dict[str, int] = {}
    seen_meanwhile: list = []
    errors: list[BaseException] = []

    def first_writer():
        try:
            with transaction.atomic():
                customer = a_customer(name="Held Open Ltd")
                ids["first"] = Event.objects.get(customer=customer).pk
                appended.set()
                time.sleep(HOLD)
            times["first committed"] = time.monotonic()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            appended.set()
            connection.close()

    def second_writer():
        try:
            assert appended.wait(5)
            calling.set()
            times["second called"] = time.monotonic()
            ids["second"] = event_append(kind="customers.exported", payload={}).pk
            times["second committed"] = time.monotonic()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            calling.set()
            connection.close()

    def reader():
        """Another connection, while the first holds its transaction open:
        the second is waiting, and neither entry is visible yet."""
        try:
            assert calling.wait(5)
            deadline = time.monotonic() + HOLD
            while not waiting_advisory_locks() and time.monotonic() < deadline:
                time.sleep(0.01)
            seen_meanwhile.append(waiting_advisory_locks())
            seen_meanwhile.append(log_after(before))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=t) for t in (first_writer, second_writer, reader)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    assert ids["second"] > ids["first"]
    # The second committed only after the first: it waited from its call.
    assert times["second committed"] >= times["first committed"]
    assert times["second committed"] - times["second called"] > HOLD / 2
    assert seen_meanwhile == [1, []]
    assert log_after(before) == [
        (str(ids["first"]), "customer.created"),
        (str(ids["second"]), "customers.exported"),
    ]
