"""`cloudfactory serve` holds up against clients that hold on: the real server
in its own process, on loopback, against the test database."""

import re
import signal
import socket
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client

from tests.factories import StaffFactory
from tests.integration.serving.server import many_customers, serving

CONCURRENCY = 50
IDLE_SOCKETS = 4 * CONCURRENCY
KEEP_ALIVE = 1
READ_TIMEOUT = 2
SHUTDOWN_TIMEOUT = 2
# Time for a busy two-core machine to act on a timer that has fired.
MARGIN = 3


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        serving(
            tmp_path_factory.mktemp("serve"),
            f"--concurrency={CONCURRENCY}",
            f"--keep-alive={KEEP_ALIVE}",
            f"--read-timeout={READ_TIMEOUT}",
            f"--shutdown-timeout={SHUTDOWN_TIMEOUT}",
        ) as server,
    ):
        yield server


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed `sock` (read to its end), or None."""
    start = time.monotonic()
    sock.settimeout(0.2)
    while time.monotonic() - start < seconds:
        try:
            if sock.recv(65536) == b"":
                return time.monotonic() - start
        except TimeoutError:
            continue
        except ConnectionResetError:
            return time.monotonic() - start
    return None


def _still_open(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) != b""
    except BlockingIOError:
        return True
    except ConnectionResetError:
        return False
    finally:
        sock.setblocking(True)


def _get(server, path: str = "/healthz"):
    connection = server.connection()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_responses_carry_no_server_banner(server):
    status, headers, _ = _get(server)

    assert status == 200
    assert "server" not in {name.lower() for name in headers}


def test_the_server_raises_its_open_file_limit(server):
    limits = Path(f"/proc/{server.process.pid}/limits").read_text()
    soft, hard = re.search(r"Max open files\s+(\d+)\s+(\d+)", limits).groups()

    assert soft == hard


def test_idle_sockets_beyond_the_limit_do_not_stop_a_clients_request(server):
    idle = [server.socket() for _ in range(IDLE_SOCKETS)]
    try:
        status, _, body = _get(server)

        assert status == 200, body
        assert _still_open(idle[-1]) is True  # answered while they wait
        # And they are closed once the read timeout has passed.
        assert _closed_within(idle[0], READ_TIMEOUT + MARGIN) is not None
        assert _closed_within(idle[-1], 1) is not None
    finally:
        for sock in idle:
            sock.close()


def test_a_request_head_sent_too_slowly_is_cut_off(server):
    with server.socket() as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < READ_TIMEOUT + MARGIN:
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if _closed_within(sock, 0.5) is not None:
                closed = True
                break

        assert closed is True
        assert time.monotonic() - started >= READ_TIMEOUT - 0.5


def test_a_request_body_sent_too_slowly_is_cut_off(server):
    with server.socket() as sock:
        sock.sendall(
            b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\nusername="
        )

        waited = _closed_within(sock, READ_TIMEOUT + MARGIN)

    assert waited is not None
    assert waited >= READ_TIMEOUT - 0.5


def test_requests_beyond_the_concurrency_limit_are_answered_503_at_once(server):
    # Each has sent its head and holds back its body: a request being served.
    held = [server.socket() for _ in range(CONCURRENCY)]
    try:
        for sock in held:
            sock.sendall(
                b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Length: 100\r\n\r\n"
            )
        status, _, body = _get(server)

        assert status == 503
        assert body == b"Service Unavailable"
    finally:
        for sock in held:
            sock.close()
    time.sleep(0.5)  # the server notices they are gone
    assert _get(server)[0] == 200


def test_a_kept_alive_idle_connection_is_closed_after_the_keep_alive_timeout(server):
    connection = server.connection()
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Connection") != "close"

        waited = _closed_within(connection.sock, KEEP_ALIVE + MARGIN)
    finally:
        connection.close()

    assert waited is not None
    assert waited >= KEEP_ALIVE - 0.5


@pytest.mark.django_db(transaction=True)
def test_with_no_trusted_proxy_a_forged_forwarded_for_is_not_the_client(server):
    member = StaffFactory()
    connection = server.connection()
    try:
        connection.request("GET", "/login")
        login_page = connection.getresponse()
        page = login_page.read().decode()
        cookie = login_page.getheader("Set-Cookie").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        connection.request(
            "POST",
            "/login",
            body=(
                f"csrfmiddlewaretoken={token}&username={member.email}"
                "&password=not+the+password"
            ),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "X-Forwarded-For": "198.51.100.23",
            },
        )
        assert connection.getresponse().status == 200
    finally:
        connection.close()

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        "127.0.0.1"
    ]


@pytest.mark.django_db(transaction=True)
def test_sigterm_ends_the_server_within_its_timeout_despite_a_stalled_download(
    django_db_blocker, tmp_path
):
    client = Client()
    client.force_login(StaffFactory(role="admin"))
    session = client.cookies["sessionid"].value
    many_customers(25_000)

    with serving(tmp_path, f"--shutdown-timeout={SHUTDOWN_TIMEOUT}") as server:
        download = server.socket(receive_buffer=4096)
        download.sendall(
            b"GET /customers/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Cookie: sessionid=" + session.encode() + b"\r\n\r\n"
        )
        assert download.recv(64).startswith(b"HTTP/1.1 200")
        time.sleep(1)  # the server fills the buffers and waits for the client

        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        server.process.wait(timeout=SHUTDOWN_TIMEOUT + 10)
        took = time.monotonic() - started
        download.close()

    assert took < SHUTDOWN_TIMEOUT + MARGIN, server.log()
    assert "timeout graceful shutdown exceeded" in server.log()
