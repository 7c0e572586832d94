"""Two server processes on one PostgreSQL database: a change made through a
page on one reaches the streams open on the other (each process's reader
LISTENs; the writer's transaction NOTIFYs on commit)."""

import re
from urllib.parse import urlencode

import pytest

from cloudfactory.customers.models import Customer
from tests.integration.live.helpers import (
    PROMPT,
    a_customer,
    connected,
    needs_postgresql,
    new_session,
)
from tests.integration.serving.server import serving

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_HEADER = re.compile(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')


@pytest.fixture
def servers(transactional_db, tmp_path):
    needs_postgresql("Servers in two processes share PostgreSQL, not a SQLite file.")
    with serving(tmp_path) as first, serving(tmp_path) as second:
        yield first, second


class Page:
    """A signed-in browser on one server: its cookies and the CSRF token
    the pages give htmx (base.html's hx-headers)."""

    def __init__(self, server, session: str):
        self.server = server
        self.cookies = {"sessionid": session}
        status, headers, body = self.request("GET", "/customers/")
        assert status == 200, body
        for name, value in headers:
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookies["csrftoken"] = value.split(";")[0].split("=", 1)[1]
        self.token = CSRF_HEADER.search(body).group(1)

    def request(self, method: str, path: str, body: str = "", **headers):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        http = self.server.connection(timeout=10)
        try:
            http.request(method, path, body=body, headers={"Cookie": cookie, **headers})
            response = http.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            http.close()

    def change_status(self, customer_id: int, status: str, reason: str) -> None:
        """What the panel's status form sends."""
        origin = f"http://127.0.0.1:{self.server.port}"
        answer, _, body = self.request(
            "POST",
            f"/customers/{customer_id}/status",
            urlencode({"status": status, "reason": reason}),
            **{
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.token,
                "HX-Request": "true",
                "HX-Current-URL": f"{origin}/customers/?selected={customer_id}",
                "Origin": origin,
            },
        )
        assert answer == 200, body


def test_a_change_on_one_server_reaches_the_streams_on_the_other(servers):
    session = new_session("admin")
    customer = a_customer(name="Two Servers Ltd")
    pages = [Page(server, session) for server in servers]
    # The token is checked: without it, the form is refused and nothing changes.
    refused, _, _ = pages[0].request(
        "POST",
        f"/customers/{customer.pk}/status",
        urlencode({"status": "suspended", "reason": "No token"}),
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert refused == 403
    for acting, watching, status in ((0, 1, "suspended"), (1, 0, "active")):
        with (
            connected(servers[watching].port, session) as elsewhere,
            connected(servers[acting].port, new_session("viewer")) as here,
        ):
            pages[acting].change_status(customer.pk, status, f"Via server {acting}")
            for stream in (elsewhere, here):
                frame = stream.next_event(timeout=PROMPT)
                assert frame.kind == "customer.status_changed"
                body = frame.json
                assert body["customer"]["id"] == customer.pk
                assert body["customer"]["status"] == status
                assert body["payload"]["reason"] == f"Via server {acting}"
                assert body["actor"] is not None
        assert Customer.objects.get(pk=customer.pk).status == status
