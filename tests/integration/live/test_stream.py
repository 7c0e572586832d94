"""`/events` on a real server: what a client that reconnects is replayed,
who may open a stream, what each role sees of an entry, and the frames that
keep a quiet stream alive.

One server for the module (LIVE_REPLAY_LIMIT=5, a heartbeat a second), and
one of its own for the test of a reader behind the log; the changes are made
through the services in the test's process, against the same database, and
reach the server through its log reader.
"""

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.activity.services import event_announce
from cloudfactory.web.security import LAST_SEEN
from tests.factories import StaffFactory
from tests.integration.live.helpers import (
    PROMPT,
    a_customer,
    changes,
    connected,
    log_after,
    log_head,
    module_server,
    new_session,
    seen,
)
from tests.integration.live.sse import open_stream
from tests.integration.serving.server import serving

pytestmark = pytest.mark.django_db(transaction=True)

REPLAY_LIMIT = 5
HEARTBEAT = 1  # second


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    env = {"LIVE_REPLAY_LIMIT": str(REPLAY_LIMIT), "LIVE_HEARTBEAT": str(HEARTBEAT)}
    with module_server(django_db_blocker, tmp_path_factory, env) as server:
        yield server


@pytest.fixture
def session(transactional_db):
    return new_session("admin")


@pytest.fixture
def watcher(server, session):
    """A stream open throughout: once it has an entry, so has the server's
    hub, and a client that connects then is replayed up to it."""
    with connected(server.port, session) as stream:
        yield stream


def read_and_leave(server, session, watcher, count: int) -> int:
    """A client reads `count` new entries, then goes; the id it saw last."""
    start = log_head()
    with connected(server.port, session) as stream:
        changes(count)
        frames = stream.events(count, timeout=PROMPT)
    assert seen(frames) == log_after(start)
    watcher.events(count, timeout=PROMPT)
    return int(frames[-1].id)


def missed_while_away(watcher, count: int) -> list[tuple[str, str]]:
    before = log_head()
    changes(count)
    # The server has them too before the client comes back.
    watcher.events(count, timeout=PROMPT)
    missed = log_after(before)
    assert len(missed) == count
    return missed


def assert_replayed_then_live(stream, missed) -> None:
    replayed = stream.events(len(missed), timeout=PROMPT)
    assert seen(replayed) == missed
    assert all(frame.json["id"] == int(frame.id) for frame in replayed)
    changes(1)
    live = stream.next_event(timeout=PROMPT)
    assert seen([live]) == log_after(int(missed[-1][0]))
    # Nothing twice, nothing more.
    assert stream.quiet_for(0.3) == []


def test_a_client_back_with_last_event_id_gets_exactly_what_it_missed_then_live(
    server, session, watcher
):
    last_seen = read_and_leave(server, session, watcher, 2)
    missed = missed_while_away(watcher, 4)
    with connected(server.port, session, last_event_id=last_seen) as stream:
        assert_replayed_then_live(stream, missed)


def test_since_replays_the_same_when_there_is_no_last_event_id(
    server, session, watcher
):
    last_seen = read_and_leave(server, session, watcher, 1)
    missed = missed_while_away(watcher, 3)
    with connected(server.port, session, since=last_seen) as stream:
        assert_replayed_then_live(stream, missed)
    # The header wins over the page's `since`: since=0 would be past the
    # replay window, and get a reload.
    with connected(server.port, session, last_event_id=last_seen, since=0) as stream:
        replayed = stream.events(len(missed) + 1, timeout=PROMPT)
        assert seen(replayed) == log_after(last_seen)


def test_a_client_further_back_than_the_replay_window_is_told_to_reload(
    server, session, watcher
):
    last_seen = read_and_leave(server, session, watcher, 1)
    missed_while_away(watcher, REPLAY_LIMIT + 2)
    head = log_head()
    for where in ({"last_event_id": last_seen}, {"since": last_seen}):
        with connected(server.port, session, **where) as stream:
            reload = stream.next_event(timeout=PROMPT)
            assert (reload.event, reload.id, reload.json) == ("reload", str(head), {})
            # Nothing of the window it missed, then the live entries.
            changes(1)
            live = stream.next_event(timeout=PROMPT)
            assert seen([live]) == log_after(head)
            head = int(live.id)
            watcher.events(1, timeout=PROMPT)


def test_entries_older_than_the_replay_hours_or_ids_from_another_log_reload(
    server, session, watcher
):
    customer = a_customer()
    watcher.events(1, timeout=PROMPT)
    last_seen = log_head()
    old = Event.objects.create(
        kind="customer.status_changed",
        customer=customer,
        payload={},
        created_at=timezone.now() - timedelta(hours=25),
    )
    event_announce(old.pk)
    watcher.events(1, timeout=PROMPT)
    head = log_head()
    with connected(server.port, session, last_event_id=last_seen) as stream:
        reload = stream.next_event(timeout=PROMPT)
        assert (reload.event, reload.id) == ("reload", str(head))
    # A client from another log (a restored database) is ahead of this one.
    with connected(server.port, session, last_event_id=head + 1_000) as stream:
        reload = stream.next_event(timeout=PROMPT)
        assert (reload.event, reload.id) == ("reload", str(head))


def test_a_page_newer_than_the_servers_reader_is_not_told_to_reload(session, tmp_path):
    # The reader is behind the log: SQLite's poll is far off, and PostgreSQL
    # hears of nothing (as while its listener reconnects); then a page reads
    # the log's head and opens its stream.
    customer = a_customer()
    with (
        serving(tmp_path, env={"LIVE_POLL_INTERVAL": "30"}) as lagging,
        connected(lagging.port, session),  # the reader starts, at the head
    ):
        for _ in range(3):
            entry = Event.objects.create(
                kind="customer.status_changed",
                customer=customer,
                payload={},
                created_at=timezone.now(),
            )
            with connected(lagging.port, session, since=entry.pk) as stream:
                assert stream.quiet_for(0.3) == []


def test_a_client_up_to_date_gets_nothing_replayed(server, session, watcher):
    changes(2)
    watcher.events(2, timeout=PROMPT)
    with connected(server.port, session, last_event_id=log_head()) as stream:
        assert stream.quiet_for(0.5) == []


def test_the_first_frame_sets_the_retry_and_a_quiet_stream_gets_heartbeats(
    server, session
):
    with connected(server.port, session) as stream:
        assert stream.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert stream.headers["cache-control"] == "no-store"
        assert stream.headers["x-accel-buffering"] == "no"
        assert stream.headers["transfer-encoding"] == "chunked"
        assert stream.first.retry == 2000  # LIVE_RETRY_MS
        assert stream.first.is_comment is False
        for _ in range(2):
            started = time.monotonic()
            frame = stream.next_frame(timeout=2 * HEARTBEAT + 1)
            assert frame.is_comment, frame
            assert frame.comments == ["heartbeat"]
            assert time.monotonic() - started < 2 * HEARTBEAT + 0.5


# -- who may open a stream -----------------------------------------------


def assert_refused(stream, status: int, sentence: str) -> None:
    with stream:
        body = stream.read_body()
        assert stream.status == status, body
        assert stream.headers["content-type"] == "application/json"
        assert json.loads(body) == {"detail": sentence}


def test_a_stream_without_a_live_session_gets_401(server, transactional_db):
    port = server.port
    assert_refused(open_stream(port), 401, "Sign in first.")
    assert_refused(
        open_stream(port, session="not-a-session-key"), 401, "Sign in first."
    )
    assert_refused(
        open_stream(port, headers={"Cookie": 'sessionid="unterminated; =; other'}),
        401,
        "Sign in first.",
    )

    signed_out = Client()
    signed_out.force_login(StaffFactory(role="admin"))
    key = signed_out.cookies["sessionid"].value
    with connected(port, key):
        pass  # a live session opens one
    assert signed_out.post("/logout").status_code == 302
    assert_refused(open_stream(port, session=key), 401, "Sign in first.")

    idle = Client()
    idle.force_login(StaffFactory(role="viewer"))
    assert idle.get("/customers/").status_code == 200
    stored = idle.session
    stored[LAST_SEEN] -= 3600
    stored.save()
    key = idle.cookies["sessionid"].value
    assert_refused(open_stream(port, session=key), 401, "Sign in first.")

    inactive = StaffFactory(role="admin")
    client = Client()
    client.force_login(inactive)
    inactive.is_active = False
    inactive.save()
    key = client.cookies["sessionid"].value
    assert_refused(open_stream(port, session=key), 401, "Sign in first.")


def test_a_member_whose_role_does_not_show_customers_gets_403(server):
    member = StaffFactory(role="viewer")
    member.groups.clear()
    client = Client()
    client.force_login(member)
    key = client.cookies["sessionid"].value
    assert_refused(
        open_stream(server.port, session=key),
        403,
        "Your role does not show live activity.",
    )


def test_only_get_is_answered(server, session):
    for method in ("POST", "PUT", "DELETE"):
        assert_refused(
            open_stream(server.port, session=session, method=method),
            405,
            "Only GET is answered here.",
        )
    assert_refused(
        open_stream(server.port, method="POST"), 405, "Only GET is answered here."
    )


# -- what each role sees ---------------------------------------------------

CARD = {
    "card_brand": "Visa",
    "card_last4": "4242",
    "card_exp_month": 7,
    "card_exp_year": 2031,
    "billing_address": "Billing Lane 7, Quokkaville",
}


def test_a_viewers_stream_carries_no_billing_field(server, transactional_db):
    sessions = {
        role: new_session(role) for role in ("admin", "billing", "viewer", "support")
    }
    streams = {role: connected(server.port, key) for role, key in sessions.items()}
    try:
        customer = a_customer(name="Card Holder Ltd", **CARD)
        frames = {
            role: stream.next_event(timeout=PROMPT) for role, stream in streams.items()
        }
    finally:
        for stream in streams.values():
            stream.close()
    for role, frame in frames.items():
        assert frame.kind == "customer.created", role
        snapshot = frame.json["customer"]
        assert (snapshot["id"], snapshot["name"]) == (customer.pk, "Card Holder Ltd")
        if role in ("admin", "billing"):
            for name, value in CARD.items():
                assert snapshot[name] == value, (role, name)
        else:
            raw = frame.raw.decode()
            for name in CARD:
                assert name not in raw, (role, name)
            for value in ("Visa", '"4242"', "Quokkaville"):
                assert value not in raw, (role, value)
