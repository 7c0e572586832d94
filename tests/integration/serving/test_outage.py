"""A database that hangs or stops: pages and /readyz answer 503 within two
seconds, and the server recovers by itself when the database returns.

The server under test reaches PostgreSQL through a proxy the test hangs and
cuts (proxy.py); the shared server itself is never stopped.
"""

import time

import pytest
from django.db import connection
from django.test import Client

from tests.factories import CustomerFactory, StaffFactory
from tests.integration.serving.proxy import Proxy
from tests.integration.serving.server import serving

pytestmark = pytest.mark.django_db(transaction=True)

PROMPT = 2.0  # seconds: what "at once" means to a person waiting on a page
RECOVERY = 30.0  # seconds the server may take to reconnect


@pytest.fixture
def proxy():
    if connection.vendor != "postgresql":
        pytest.skip("An outage of PostgreSQL, with PostgreSQL behind a proxy.")
    db = connection.settings_dict
    proxy = Proxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def session_cookie(transactional_db):
    client = Client()
    client.force_login(StaffFactory(role="admin"))
    return f"sessionid={client.cookies['sessionid'].value}"


def through(proxy: Proxy) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}"


def get(server, path: str, cookie: str, **headers) -> tuple[int, str, float]:
    started = time.monotonic()
    http = server.connection(timeout=10)
    try:
        http.request("GET", path, headers={"Cookie": cookie, **headers})
        response = http.getresponse()
        return response.status, response.read().decode(), time.monotonic() - started
    finally:
        http.close()


def answers_again(server, cookie: str) -> float:
    """Seconds until the Customers page answers 200 again."""
    started = time.monotonic()
    while time.monotonic() - started < RECOVERY:
        if get(server, "/customers/", cookie)[0] == 200:
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"The server did not recover within {RECOVERY:.0f} s.")


def assert_unavailable_at_once(server, cookie: str) -> None:
    status, body, took = get(server, "/customers/", cookie)
    assert (status, took < PROMPT) == (503, True), (status, took)
    assert "The database is unavailable" in body
    # An htmx request gets the same sentence, which the page shows as a toast.
    status, body, took = get(
        server, "/customers/?q=acme", cookie, **{"HX-Request": "true"}
    )
    assert (status, took < PROMPT) == (503, True), (status, took)
    assert "data-error-message>The database is unavailable" in body
    # A load balancer's probe carries no session.
    status, body, took = get(server, "/readyz", "")
    assert (status, took < PROMPT) == (503, True), (status, took)
    assert '"database": "unreachable"' in body


@pytest.mark.parametrize(
    "fail", [Proxy.hang, Proxy.cut], ids=["hung database", "stopped database"]
)
def test_the_database_failing_answers_503_at_once_and_recovers(
    proxy, session_cookie, tmp_path, fail
):
    CustomerFactory(name="Acme Corp")
    with serving(tmp_path, env={"DATABASE_URL": through(proxy)}) as server:
        assert get(server, "/customers/", session_cookie)[0] == 200
        fail(proxy)
        assert_unavailable_at_once(server, session_cookie)
        proxy.restore()
        answers_again(server, session_cookie)
