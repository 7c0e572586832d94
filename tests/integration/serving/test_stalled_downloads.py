"""Downloads whose clients stop reading: they never take the connections the
pages need, the next one past the cap is refused with a sentence, and a
client that reads nothing for SEND_DEADLINE seconds is dropped, giving its
place back."""

import time

import pytest
from django.test import Client

from cloudfactory.activity.models import Event
from tests.factories import StaffFactory
from tests.integration.serving.server import many_customers as load_many_customers
from tests.integration.serving.server import serving

pytestmark = pytest.mark.django_db(transaction=True)

SEND_DEADLINE = 2  # seconds


@pytest.fixture
def many_customers(transactional_db):
    """An export far larger than the sockets' buffers: its server must wait."""
    load_many_customers(25_000)


def session_of_a_new_admin() -> str:
    client = Client()
    client.force_login(StaffFactory(role="admin"))
    return client.cookies["sessionid"].value


def stalled_download(server, session: str):
    """A download whose client reads its status line, then nothing more."""
    sock = server.socket(receive_buffer=4096)
    sock.sendall(
        b"GET /customers/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Cookie: sessionid=" + session.encode() + b"\r\n\r\n"
    )
    return sock, sock.recv(64)


def get(server, path: str, session: str) -> tuple[int, str]:
    http = server.connection(timeout=10)
    try:
        http.request("GET", path, headers={"Cookie": f"sessionid={session}"})
        response = http.getresponse()
        return response.status, response.read().decode()
    finally:
        http.close()


def test_stalled_downloads_leave_the_pages_their_connections(many_customers, tmp_path):
    sessions = [session_of_a_new_admin() for _ in range(3)]
    env = {
        "DATABASE_POOL_SIZE": "2",
        "EXPORTS_PER_PROCESS": "2",
        "EXPORTS_PER_MEMBER": "1",
        "SEND_DEADLINE": "60",
    }
    with serving(tmp_path, env=env) as server:
        stalled = [stalled_download(server, session) for session in sessions[:2]]
        assert all(first.startswith(b"HTTP/1.1 200") for _, first in stalled)
        time.sleep(1)  # both fill their buffers and wait on their clients
        status, body = get(server, "/customers/export", sessions[2])
        assert status == 429, body + server.log()
        assert "2 downloads are running on this server" in body
        status, _ = get(server, "/customers/export", sessions[0])
        assert status == 429  # one at a time for this member
        for path in ("/customers/", "/users", "/customers/cards", "/readyz"):
            assert get(server, path, sessions[2])[0] == 200, path
        for sock, _ in stalled:
            sock.close()


def test_a_client_that_stops_reading_is_dropped_and_gives_its_place_back(
    many_customers, tmp_path
):
    session = session_of_a_new_admin()
    env = {"EXPORTS_PER_MEMBER": "1", "SEND_DEADLINE": str(SEND_DEADLINE)}
    with serving(tmp_path, env=env) as server:
        sock, first = stalled_download(server, session)
        assert first.startswith(b"HTTP/1.1 200")
        assert get(server, "/customers/export", session)[0] == 429
        deadline = time.monotonic() + SEND_DEADLINE + 10
        while time.monotonic() < deadline:
            if get(server, "/customers/export?q=zzzz", session)[0] == 200:
                break
            time.sleep(0.5)
        else:
            pytest.fail("The stalled download kept its place:\n" + server.log())
        sock.close()
    assert "read nothing for 2 s; dropping it" in server.log()
    logged = Event.objects.filter(kind="customers.exported").order_by("id")
    assert logged.first().payload["complete"] is False
