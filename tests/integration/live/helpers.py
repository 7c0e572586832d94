"""What the live-stream tests share: a server per module on the test
database, signed-in sessions, changes made through the services, and the
log as the database holds it."""

import contextlib
import itertools
import time

import pytest
from django.db import connection
from django.test import Client

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import customer_change_status, customer_register
from cloudfactory.invoices.services import invoice_issue
from cloudfactory.users.services import tenant_user_add
from tests.factories import StaffFactory
from tests.integration.live.sse import EventStream, open_stream
from tests.integration.serving.server import serving

# Seconds: what "promptly" means for an entry to reach an open stream (the
# SQLite reader polls every 0.2 s; a busy two-core machine needs margin).
PROMPT = 3.0

_numbers = itertools.count()


def needs_postgresql(why: str) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(why)


@contextlib.contextmanager
def module_server(django_db_blocker, tmp_path_factory, env: dict[str, str]):
    """One `cloudfactory serve` for a module's tests (the test database
    outlives each transactional test; only its rows are flushed)."""
    with (
        django_db_blocker.unblock(),
        serving(tmp_path_factory.mktemp("live"), env=env) as server,
    ):
        yield server


def new_session(role: str = "admin") -> str:
    """The session key of a new staff member with `role`, signed in."""
    client = Client()
    client.force_login(StaffFactory(role=role))
    return client.cookies["sessionid"].value


def connected(port: int, session: str, **options) -> EventStream:
    """An open stream whose first frame (retry and a comment) has been read:
    from then on every new entry reaches it."""
    stream = open_stream(port, session=session, **options)
    try:
        assert stream.status == 200, (stream.status, stream.read_body())
        first = stream.next_frame()
        assert first.retry is not None, first
        stream.first = first
        return stream
    except BaseException:
        stream.close()
        raise


def log_head() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def log_after(event_id: int) -> list[tuple[str, str]]:
    """(id, kind) of each entry after `event_id`, as the frames carry them."""
    rows = Event.objects.filter(pk__gt=event_id).order_by("pk")
    return [(str(pk), kind) for pk, kind in rows.values_list("pk", "kind")]


def seen(frames) -> list[tuple[str, str]]:
    return [(frame.id, frame.kind) for frame in frames]


def a_customer(**fields):
    n = next(_numbers)
    return customer_register(
        **{
            "name": f"Live Customer {n}",
            "type": "company",
            "email": f"live{n}@example.test",
            **fields,
        }
    )


def changes(count: int, customer=None) -> None:
    """`count` changes through the services, of several kinds, each its own
    transaction; each appends one log entry (the first, without `customer`,
    registers one)."""
    if customer is None:
        customer, count = a_customer(), count - 1
    makers = itertools.cycle(
        [
            lambda: tenant_user_add(
                customer_id=customer.pk,
                name="Live User",
                email=f"user{next(_numbers)}@example.test",
            ),
            lambda: invoice_issue(customer_id=customer.pk, amount_minor=1_000),
            lambda: customer_change_status(
                customer_id=customer.pk,
                status=_other_status(customer.pk),
                actor=None,
                reason="Live test",
            ),
            a_customer,
        ]
    )
    for _ in range(count):
        next(makers)()


def _other_status(customer_id: int) -> str:
    current = Customer.objects.get(pk=customer_id).status
    return "active" if current == "suspended" else "suspended"


def wait_until(check, timeout: float = PROMPT, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {timeout} s for {what}.")
        time.sleep(0.05)
