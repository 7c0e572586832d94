"""A list's live endpoint (`<list>/live`), which a page on screen asks after
an entry about its rows: the rows asked for as they are now, the rows now
above the first one shown that match the list's filters and search, in the
list's order, and the count; bad input is a 400 with a sentence."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cloudfactory.customers.services import customer_change_status
from cloudfactory.web.list_state import LIVE_IDS_DAMAGED
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    StaffFactory,
    TenantUserFactory,
    TicketFactory,
)
from tests.integration.orders.pages import row_ids, shown_count

pytestmark = pytest.mark.django_db

LIVE = "/customers/live"


def first_cursor(html: str) -> str:
    """The cursor of the first row a list page shows (where it looks above)."""
    return re.search(r'id="list-results"[^>]*data-first-cursor="([^"]*)"', html)[1]


def tbody(html: str, marker: str) -> str:
    return re.search(rf"<tbody {marker}[^>]*>(.*?)</tbody>", html, re.S)[1]


def changed(html: str, namespace: str = "customers") -> list[int]:
    return row_ids(tbody(html, "data-live-changed"), namespace)


def added(html: str, namespace: str = "customers") -> list[int]:
    return row_ids(tbody(html, "data-live-added"), namespace)


def row(html: str, pk: int) -> str:
    return re.search(rf'<tr id="customers-row-{pk}".*?</tr>', html, re.S)[0]


def get(client, path: str, params: dict | None = None, **headers):
    response = client.get(path, params or {}, headers=headers)
    return response.status_code, response.content.decode(), response


def test_the_rows_asked_for_come_back_as_they_are_now(admin_client):
    customer = CustomerFactory(name="Status Shown Ltd")
    other = CustomerFactory(name="Left Alone Ltd")
    customer_change_status(
        customer_id=customer.pk, status="suspended", actor=None, reason="Unpaid"
    )
    status, html, response = get(admin_client, LIVE, {"ids": f"{customer.pk}"})
    assert status == 200, html
    assert changed(html) == [customer.pk]
    assert ">Suspended</span>" in row(html, customer.pk)
    assert "Status Shown Ltd" in row(html, customer.pk)
    assert added(html) == []  # without new=1, no rows above are looked for
    assert "Vary" in response and "HX-Request" in response["Vary"]

    status, html, _ = get(admin_client, LIVE, {"ids": f"{customer.pk},{other.pk}"})
    assert sorted(changed(html)) == sorted([customer.pk, other.pk])
    assert ">Active</span>" in row(html, other.pk)
    # A row that no longer exists is left out, not an error.
    status, html, _ = get(admin_client, LIVE, {"ids": "999999999"})
    assert (status, changed(html)) == (200, [])


def test_new_rows_are_those_above_the_first_shown_that_match_the_list(admin_client):
    start = timezone.now() - timedelta(hours=2)

    def customer(minute: int, name: str, status: str = "active"):
        created = start + timedelta(minutes=minute)
        return CustomerFactory(name=name, status=status, created_at=created).pk

    customer(1, "Old Active")
    customer(2, "Old Suspended", "suspended")
    customer(3, "Old Quokka Trading")
    states = [{}, {"status": "suspended"}, {"q": "quokka"}, {"type": "company"}]
    cursors = {}
    for state in states:
        status, html, _ = get(admin_client, "/customers/", state)
        assert status == 200
        cursors[str(state)] = first_cursor(html)

    new_active = customer(10, "New Active")
    new_suspended = customer(11, "New Suspended", "suspended")
    new_quokka = customer(12, "New Quokka Suspended", "suspended")
    newest = customer(13, "Newest Active")
    expected = {
        "{}": [newest, new_quokka, new_suspended, new_active],
        "{'status': 'suspended'}": [new_quokka, new_suspended],
        "{'q': 'quokka'}": [new_quokka],
        "{'type': 'company'}": [newest, new_quokka, new_suspended, new_active],
    }
    for state in states:
        params = {**state, "new": "1", "count": "1", "above": cursors[str(state)]}
        status, html, _ = get(admin_client, LIVE, params)
        assert status == 200, (state, html)
        assert added(html) == expected[str(state)], state
        # The count is the list's own, as its page shows it now.
        _, page, _ = get(admin_client, "/customers/", state)
        assert shown_count(html, "customers") == shown_count(page, "customers")
        # The new first row's cursor: the next update looks above it.
        assert tbody_cursor(html) == first_cursor(page), state
    assert shown_count(html, "customers") == "7"
    counted = {"status": "suspended", "new": "1", "count": "1"}
    _, html, _ = get(admin_client, LIVE, counted)
    assert shown_count(html, "customers") == "3"

    # Without `above`: the list's first page, as the page would show it.
    status, html, _ = get(admin_client, LIVE, {"new": "1", "status": "suspended"})
    _, page, _ = get(admin_client, "/customers/", {"status": "suspended"})
    assert added(html) == row_ids(page, "customers")

    # Nothing new above the newest row; without the filter, the newest active.
    above = {"new": "1", "above": tbody_cursor(html)}
    status, html, _ = get(admin_client, LIVE, {**above, "status": "suspended"})
    assert (status, added(html)) == (200, [])
    status, html, _ = get(admin_client, LIVE, above)
    assert (status, added(html)) == (200, [newest])


def tbody_cursor(html: str) -> str:
    return re.search(r'data-live-added data-first-cursor="([^"]*)"', html)[1]


@pytest.mark.parametrize(
    "params",
    [
        {"ids": "abc"},
        {"ids": "1,2,x"},
        {"ids": ",".join(str(n) for n in range(1, 202))},
        {"ids": str(2**63)},
        {"ids": "0"},
        {"ids": "-5"},
        {"ids": "1e3"},
    ],
    ids=["letters", "one bad", "201 ids", "2**63", "zero", "negative", "float"],
)
def test_bad_ids_are_a_400_with_a_sentence(admin_client, params):
    status, body, response = get(admin_client, LIVE, params)
    assert (status, body) == (400, LIVE_IDS_DAMAGED)
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_200_ids_are_answered(admin_client):
    ids = ",".join(str(n) for n in range(1, 201))
    assert get(admin_client, LIVE, {"ids": ids})[0] == 200


@pytest.mark.parametrize(
    "above",
    ["garbage!", "eyJ0IjoxfQ", "W1tdLCAxXQ", "W3sidCI6ICJ4In0sIDFd", "x" * 600],
    ids=["not base64", "not a pair", "list value", "bad instant", "too long"],
)
def test_a_damaged_above_cursor_is_a_400_with_a_sentence(admin_client, above):
    CustomerFactory()
    status, body, _ = get(admin_client, LIVE, {"new": "1", "above": above})
    assert status == 400, body
    assert body.endswith(".") and "<" not in body and "Traceback" not in body


def test_an_above_cursor_of_another_sort_is_a_400(admin_client):
    CustomerFactory(name="Sorted By Name")
    _, html, _ = get(admin_client, "/customers/", {"sort": "name"})
    status, body, _ = get(admin_client, LIVE, {"new": "1", "above": first_cursor(html)})
    assert (status, body) == (400, "This page link does not fit the sort order.")


def test_bad_list_state_is_a_400_like_the_list(admin_client):
    status, body, _ = get(admin_client, LIVE, {"status": "gone", "new": "1"})
    assert (status, body) == (400, "Status must be All, Active, Suspended or Inactive.")


def test_signed_out_gets_what_the_list_gets(client):
    for path in ("/customers/", LIVE, "/users/live", "/support/live"):
        status, _, response = get(client, path)
        assert status == 302 and response["Location"].startswith("/login?next="), path
        status, body, _ = get(client, path, **{"HX-Request": "true"})
        assert (status, body) == (401, '{"detail": "Sign in first."}'), path


def test_a_member_without_a_role_gets_403_like_the_list(client):
    member = StaffFactory()
    member.groups.clear()
    client.force_login(member)
    assert get(client, "/customers/")[0] == 403
    assert get(client, LIVE, {"ids": "1"})[0] == 403


def test_the_count_is_read_only_when_asked_for(admin_client):
    customer = CustomerFactory()
    status, html, _ = get(admin_client, LIVE, {"ids": str(customer.pk)})
    assert status == 200
    assert 'id="result-count"' not in html
    _, html, _ = get(admin_client, LIVE, {"ids": str(customer.pk), "count": "1"})
    assert shown_count(html, "customers") == "1"


@pytest.mark.parametrize(
    ("path", "namespace", "make"),
    [
        ("/users/live", "users", TenantUserFactory),
        ("/orders/live", "orders", OrderFactory),
        ("/invoices/live", "invoices", InvoiceFactory),
        ("/support/live", "support", TicketFactory),
    ],
    ids=["users", "orders", "invoices", "support"],
)
def test_every_list_has_its_live_endpoint(admin_client, path, namespace, make):
    record = make()
    asked = {"ids": str(record.pk), "new": "1", "count": "1"}
    status, html, _ = get(admin_client, path, asked)
    assert status == 200, html
    assert changed(html, namespace) == [record.pk]
    assert added(html, namespace) == [record.pk]
    noun = namespace if namespace != "support" else "tickets"
    assert shown_count(html, noun) == "1"
    assert get(admin_client, path, {"ids": "abc"})[:2] == (400, LIVE_IDS_DAMAGED)
