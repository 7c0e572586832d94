"""A client that stops reading is dropped without delaying the others: the
hub never waits on a stream, a stream whose queue fills (LIVE_QUEUE_LIMIT)
or whose writes wait LIVE_SEND_DEADLINE seconds ends, and the server closes
its connection once the bytes already sent have drained."""

import contextlib
import socket
import threading
import time

import pytest
from django.db import transaction
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.activity.services import event_announce
from tests.integration.live.helpers import (
    PROMPT,
    connected,
    log_head,
    module_server,
    new_session,
)
from tests.integration.live.sse import open_stream

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE_LIMIT = 20
SEND_DEADLINE = 3  # seconds
READERS = 3
PAYLOAD = 64 * 1024  # bytes an entry carries
BATCH = QUEUE_LIMIT // 2  # entries a transaction appends
# 100 entries, 6.5 MB: far more than the sockets' buffers hold (the kernel
# takes about 3 MB on loopback), and then more than the queue holds.
BATCHES = 10
ESTABLISHED = 1  # Linux's TCP_ESTABLISHED


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    env = {
        "LIVE_QUEUE_LIMIT": str(QUEUE_LIMIT),
        "LIVE_SEND_DEADLINE": str(SEND_DEADLINE),
    }
    with module_server(django_db_blocker, tmp_path_factory, env) as server:
        yield server


def append_entries(count: int, payload: int = PAYLOAD) -> list[int]:
    """`count` entries of `payload` bytes in one transaction, announced after
    it commits."""
    now = timezone.now()
    with transaction.atomic():
        Event.objects.bulk_create(
            Event(
                kind="load.test",
                payload={"n": n, "blob": "x" * payload},
                created_at=now,
            )
            for n in range(count)
        )
    head = log_head()
    event_announce(head)
    return list(range(head - count + 1, head + 1))


class Reader(threading.Thread):
    """Reads a stream as fast as it comes, noting when each entry arrived."""

    def __init__(self, stream, expected: int):
        super().__init__(daemon=True)
        self.stream = stream
        self.expected = expected
        self.arrived: dict[int, float] = {}
        self.error: BaseException | None = None

    def run(self) -> None:
        deadline = time.monotonic() + 30
        try:
            while len(self.arrived) < self.expected:
                frame = self.stream.next_event(deadline - time.monotonic())
                self.arrived[int(frame.id)] = time.monotonic()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def has(self, ids: list[int]) -> bool:
        return all(i in self.arrived for i in ids)


def wait_for(readers: list[Reader], ids: list[int], timeout: float) -> float:
    """Seconds until every reader has every one of `ids`."""
    started = time.monotonic()
    while not all(reader.has(ids) for reader in readers):
        failed = [reader.error for reader in readers if reader.error]
        assert not failed, failed
        assert time.monotonic() - started < timeout, "The readers were held up."
        time.sleep(0.01)
    return time.monotonic() - started


DROPPED = "A live stream"  # what the server logs as it gives up on one


def drops(server) -> int:
    return server.log().count(DROPPED)


def wait_for_drop(server, before: int, timeout: float) -> None:
    """Until the server logs that it gave up on a stream, as it had `before`
    times (not read here: a client that reads again is a reader like any
    other)."""
    deadline = time.monotonic() + timeout
    while drops(server) <= before:
        if time.monotonic() > deadline:
            pytest.fail("The stalled client was never dropped.\n" + server.log())
        time.sleep(0.05)


def tcp_state(sock: socket.socket) -> int:
    """The socket's TCP state (Linux's tcp_info): 1 while established."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


@contextlib.contextmanager
def stalled_beside_readers(server, readers: int):
    """A client that reads its headers, then nothing, beside `readers`
    clients that read all they get; yields them once BATCHES transactions
    have each reached every reader (and the stalled client's buffers have
    long been full), with the ids appended."""
    stalled = open_stream(server.port, session=new_session(), receive_buffer=4096)
    assert stalled.status == 200
    started = [
        Reader(connected(server.port, new_session("viewer")), BATCH * BATCHES)
        for _ in range(readers)
    ]
    try:
        for reader in started:
            reader.start()
        appended = []
        for _ in range(BATCHES):
            ids = append_entries(BATCH)
            appended += ids
            # Each transaction's entries reach every reader promptly, however
            # full the stalled client's buffers are. (Waiting for them also
            # keeps the readers' queues short: see the burst's test below.)
            assert wait_for(started, ids, PROMPT) < PROMPT
        yield stalled, started, appended
    finally:
        stalled.close()
        for reader in started:
            reader.stream.close()


def test_a_client_that_stops_reading_is_dropped_and_delays_no_one(server):
    before = drops(server)
    with stalled_beside_readers(server, READERS) as (stalled, readers, appended):
        for reader in readers:
            reader.join(PROMPT)
            assert reader.error is None, reader.error
            assert sorted(reader.arrived) == appended

        wait_for_drop(server, before, SEND_DEADLINE + PROMPT)
        # Once the bytes already sent are read, its connection ends, short of
        # the entries, and not as a response ends.
        started = time.monotonic()
        got = []
        try:
            for frame in stalled.until_closed(PROMPT):
                if frame.id is not None:  # past the first frame, retry's
                    got.append(int(frame.id))
        except TimeoutError:
            pytest.fail("The dropped client's connection stayed open.")
        assert time.monotonic() - started < PROMPT
        assert got == appended[: len(got)]
        assert len(got) < len(appended)
        assert not stalled.complete


def test_a_burst_longer_than_the_queue_reaches_the_clients_that_keep_reading(
    server,
):
    streams = [connected(server.port, new_session("viewer")) for _ in range(2)]
    try:
        ids = append_entries(3 * QUEUE_LIMIT, payload=16)
        for stream in streams:
            frames = stream.events(len(ids), timeout=PROMPT)
            assert [int(frame.id) for frame in frames] == ids
    finally:
        for stream in streams:
            stream.close()


def test_a_dropped_client_that_never_reads_again_is_disconnected(server):
    before = drops(server)
    with stalled_beside_readers(server, 1) as (stalled, _, _):
        wait_for_drop(server, before, SEND_DEADLINE + PROMPT)
        deadline = time.monotonic() + PROMPT
        while tcp_state(stalled.sock) == ESTABLISHED:
            assert time.monotonic() < deadline, "Still connected, never read again."
            time.sleep(0.05)
