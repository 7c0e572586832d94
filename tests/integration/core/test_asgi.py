import asyncio
import threading
import time

import pytest
from asgiref.sync import AsyncToSync, SyncToAsync
from asgiref.testing import ApplicationCommunicator
from django.core.signals import request_finished, request_started

from cloudfactory.web.asgi import RequestThreadHandler


def http_scope(path: str) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def get(app, path: str) -> tuple[int, bytes]:
    communicator = ApplicationCommunicator(app, http_scope(path))
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(5)
    body = await communicator.receive_output(5)
    await communicator.wait(5)
    return start["status"], body["body"]


@pytest.fixture
def request_threads():
    threads = []

    def record(**kwargs):
        threads.append(threading.current_thread())

    request_started.connect(record, weak=False)
    yield threads
    request_started.disconnect(record)


def test_requests_run_off_the_event_loop_on_a_thread_kept_for_the_next(
    request_threads,
):
    app = RequestThreadHandler()

    async def two_requests():
        return [await get(app, "/healthz"), await get(app, "/healthz")]

    assert asyncio.run(two_requests()) == [(200, b'{"status": "ok"}')] * 2
    first, second = request_threads
    assert first is second
    assert first is not threading.main_thread()
    assert len(app._idle) == 1


def test_concurrent_requests_each_get_a_thread(request_threads):
    app = RequestThreadHandler()

    async def together():
        return await asyncio.gather(*(get(app, "/healthz") for _ in range(3)))

    assert [status for status, _ in asyncio.run(together())] == [200] * 3
    assert len(set(request_threads)) == 3
    assert len(app._idle) == 3


def test_a_bursts_threads_beyond_the_idle_pool_end(request_threads, monkeypatch):
    monkeypatch.setattr("cloudfactory.web.asgi.IDLE_THREADS", 2)
    app = RequestThreadHandler()

    async def together():
        return await asyncio.gather(*(get(app, "/healthz") for _ in range(4)))

    assert [status for status, _ in asyncio.run(together())] == [200] * 4
    assert len(set(request_threads)) == 4
    assert len(app._idle) == 2
    threads = set(request_threads)
    deadline = time.monotonic() + 5
    while sum(t.is_alive() for t in threads) > 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sum(thread.is_alive() for thread in threads) == 2


def test_only_http_is_served():
    app = RequestThreadHandler()
    with pytest.raises(ValueError, match="Only HTTP"):
        asyncio.run(app({"type": "lifespan"}, None, None))


def test_a_request_never_goes_back_to_the_event_loop_before_its_response(
    monkeypatch,
):
    app = RequestThreadHandler()
    returns_to_the_loop = []
    original = AsyncToSync.__call__

    def counted(self, *args, **kwargs):
        returns_to_the_loop.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AsyncToSync, "__call__", counted)

    assert asyncio.run(get(app, "/healthz")) == (200, b'{"status": "ok"}')
    assert returns_to_the_loop == []


def test_a_request_visits_its_thread_once(monkeypatch):
    app = RequestThreadHandler()
    visits = []
    original = SyncToAsync.__call__

    def counted(self, *args, **kwargs):
        visits.append(self.func)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)

    assert asyncio.run(get(app, "/healthz")) == (200, b'{"status": "ok"}')
    assert len(visits) == 1


def test_a_request_ends_on_its_thread_before_its_response_is_sent(
    request_threads,
):
    app = RequestThreadHandler()
    ended = []

    def record(**kwargs):
        ended.append(threading.current_thread())

    request_finished.connect(record, weak=False)
    try:

        async def request_and_whether_ended_first():
            communicator = ApplicationCommunicator(app, http_scope("/healthz"))
            await communicator.send_input({"type": "http.request", "body": b""})
            await communicator.receive_output(5)
            ended_first = list(ended)
            await communicator.receive_output(5)
            await communicator.wait(5)
            return ended_first

        ended_first = asyncio.run(request_and_whether_ended_first())
    finally:
        request_finished.disconnect(record)
    assert ended_first == request_threads
    assert ended == request_threads
