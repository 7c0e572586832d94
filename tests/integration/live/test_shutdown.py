"""A server told to stop (SIGTERM) tells its open streams to reconnect
elsewhere before it ends them, and stops within its shutdown timeout; a
stream also ends, the same way, after its lifetime."""

import signal
import time

import pytest
from django.test import Client

from tests.factories import StaffFactory
from tests.integration.live.helpers import PROMPT, connected, new_session
from tests.integration.live.sse import open_stream
from tests.integration.serving.server import serving

pytestmark = pytest.mark.django_db(transaction=True)

SHUTDOWN_TIMEOUT = 5  # seconds


def test_sigterm_sends_closing_with_a_retry_before_the_stream_ends(tmp_path):
    sessions = [new_session("admin"), new_session("viewer")]
    with serving(tmp_path, f"--shutdown-timeout={SHUTDOWN_TIMEOUT}") as server:
        streams = [connected(server.port, session) for session in sessions]
        try:
            started = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            for stream in streams:
                frames = [f for f in stream.until_closed(PROMPT) if not f.is_comment]
                assert len(frames) == 1, frames
                closing = frames[0]
                assert closing.event == "closing"
                assert closing.retry is not None and closing.retry > 0
                assert closing.json == {}
                # The response ended properly: its last chunk came.
                assert stream.complete
            assert server.process.wait(SHUTDOWN_TIMEOUT + 5) in (0, -signal.SIGTERM)
            # Well before the shutdown timeout: the streams did not hold it up.
            assert time.monotonic() - started < SHUTDOWN_TIMEOUT
        finally:
            for stream in streams:
                stream.close()
        with pytest.raises(OSError):
            open_stream(server.port, session=sessions[0], timeout=1)


def test_a_stream_ends_after_its_lifetime_and_its_session_is_checked_again(
    tmp_path,
):
    client = Client()
    client.force_login(StaffFactory(role="viewer"))
    session = client.cookies["sessionid"].value
    with serving(tmp_path, env={"LIVE_STREAM_LIFETIME": "1"}) as server:
        with connected(server.port, session) as stream:
            started = time.monotonic()
            assert client.post("/logout").status_code == 302  # meanwhile
            frames = [f for f in stream.until_closed(PROMPT) if not f.is_comment]
            assert [frame.event for frame in frames] == ["closing"]
            assert stream.complete
            assert 0.8 < time.monotonic() - started < 1 + PROMPT
        # The browser reconnects; the session has ended since.
        with open_stream(server.port, session=session) as again:
            assert again.status == 401
