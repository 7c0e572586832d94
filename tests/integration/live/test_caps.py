"""The caps on open streams: per staff member and per process, the next one
is refused with a 429 and a sentence, and a stream that ends gives its place
back."""

import json

import pytest

from tests.integration.live.helpers import (
    PROMPT,
    a_customer,
    connected,
    module_server,
    new_session,
    wait_until,
)
from tests.integration.live.sse import open_stream

pytestmark = pytest.mark.django_db(transaction=True)

PER_MEMBER = 2
PER_PROCESS = 4
MEMBER_FULL = (
    f"You have {PER_MEMBER} live pages open already; close one to make this one live."
)
PROCESS_FULL = (
    "This server holds as many live streams as it can; the page will try again shortly."
)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    env = {
        "LIVE_STREAMS_PER_MEMBER": str(PER_MEMBER),
        "LIVE_STREAMS_PER_PROCESS": str(PER_PROCESS),
    }
    with module_server(django_db_blocker, tmp_path_factory, env) as server:
        yield server


def refusal(port: int, session: str) -> tuple[int, dict, str | None]:
    with open_stream(port, session=session) as stream:
        body = stream.read_body()
        detail = json.loads(body)["detail"] if stream.status != 200 else None
        return stream.status, stream.headers, detail


def test_a_members_third_stream_and_the_process_fifth_get_429(server):
    port = server.port
    first, second, third = new_session(), new_session("viewer"), new_session("support")
    streams = [connected(port, first), connected(port, first)]
    try:
        status, headers, detail = refusal(port, first)
        assert (status, detail) == (429, MEMBER_FULL)
        assert headers["retry-after"] == "30"
        # Another member still connects, up to the process's cap.
        streams += [connected(port, second), connected(port, second)]
        status, headers, detail = refusal(port, third)
        assert (status, detail) == (429, PROCESS_FULL)

        # The open ones are all live.
        customer = a_customer()
        for stream in streams:
            assert stream.next_event(timeout=PROMPT).json["customer"]["id"] == (
                customer.pk
            )

        # A stream that ends gives its place back, to anyone.
        streams.pop(0).close()

        def third_connects():
            stream = open_stream(port, session=third)
            if stream.status == 200:
                return stream
            stream.close()
            return None

        streams.append(wait_until(third_connects, what="the place given back"))
        assert refusal(port, first)[0] == 429  # the process is full again
    finally:
        for stream in streams:
            stream.close()
