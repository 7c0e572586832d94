"""Open streams hold neither a database connection nor a place under the
server's concurrency limit: with 50 of them open on a server allowed 10
requests at once and (on PostgreSQL) a pool of 2 connections, every page
answers at once, and every stream still gets each new entry."""

import time

import pytest

from tests.factories import (
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)
from tests.integration.live.helpers import (
    PROMPT,
    a_customer,
    connected,
    module_server,
    new_session,
)

pytestmark = pytest.mark.django_db(transaction=True)

STREAMS = 50
PER_MEMBER = 20  # LIVE_STREAMS_PER_MEMBER's default
CONCURRENCY = 10
ANSWERS_WITHIN = 2.0  # seconds


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    env = {"DATABASE_POOL_SIZE": "2", "SERVE_CONCURRENCY": str(CONCURRENCY)}
    with module_server(django_db_blocker, tmp_path_factory, env) as server:
        yield server


def get(server, path: str, session: str) -> tuple[int, bytes, float]:
    started = time.monotonic()
    http = server.connection(timeout=10)
    try:
        http.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = http.getresponse()
        return response.status, response.read(), time.monotonic() - started
    finally:
        http.close()


def test_fifty_open_streams_leave_every_page_answering(server):
    customer = a_customer(name="Busy Streams Ltd")
    TenantUserFactory(customer_id=customer.pk)
    OrderFactory(customer_id=customer.pk)
    InvoiceFactory(customer_id=customer.pk)
    TicketFactory(customer_id=customer.pk)
    members = [new_session(role) for role in ("admin", "viewer", "support")]
    assert len(members) * PER_MEMBER >= STREAMS
    streams = []
    try:
        for n in range(STREAMS):
            streams.append(connected(server.port, members[n // PER_MEMBER]))
        pages = [
            "/customers/",
            "/users",
            "/orders",
            "/invoices",
            "/support",
            "/",
            f"/customers/{customer.pk}/panel",
            "/customers/export",
            "/customers/cards",
            "/readyz",
        ]
        for _ in range(2):  # more requests than the pool has connections
            for path in pages:
                status, body, took = get(server, path, members[0])
                assert status == 200, (path, body[:300], server.log())
                assert took < ANSWERS_WITHIN, (path, took)
        _, export, _ = get(server, "/customers/export", members[0])
        assert b"Busy Streams Ltd" in export

        # Every stream is still live, and got the exports' entries too.
        changed = a_customer(name="Seen By All Ltd")
        for stream in streams:
            frames = stream.events(4, timeout=PROMPT)
            assert [f.kind for f in frames] == ["customers.exported"] * 3 + [
                "customer.created"
            ]
            assert frames[-1].json["customer"]["id"] == changed.pk
    finally:
        for stream in streams:
            stream.close()
