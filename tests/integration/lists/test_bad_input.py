"""Input that used to reach a 500 answers 400 or 404 with a sentence, on both
databases: digits that are not ASCII, days at the ends of the calendar,
crafted cursors and ids beyond a 64-bit column."""

import base64
import json

import pytest

from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = (2**63, 2**64, 2**70)
DAMAGED = "This page link is damaged; start again from the top."
LISTS = ("/customers/", "/users", "/orders", "/invoices", "/support")


def cursor(value, pk) -> str:
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def customer():
    customer = CustomerFactory(name="Acme Corp")
    OrderFactory(customer_id=customer.pk)
    return customer


@pytest.mark.parametrize("before", ["²", "١٢x", "-1", "0", "", str(2**63)])
def test_a_damaged_history_link_is_a_400_with_a_sentence(
    admin_client, customer, before
):
    response = admin_client.get(f"/customers/{customer.pk}/history?before={before}")
    assert response.status_code == 400
    assert text_of(response) == "This history link is damaged; reopen the customer."


@pytest.mark.parametrize("huge", BEYOND_64_BITS)
@pytest.mark.parametrize(
    "path",
    [
        "/customers/{}/history?before=5",
        "/customers/{}",
        "/customers/{}/panel",
        "/users/{}/panel",
        "/orders/{}/panel",
        "/invoices/{}/panel",
        "/support/{}/panel",
    ],
)
def test_an_id_beyond_any_row_is_a_404(admin_client, path, huge):
    response = admin_client.get(path.format(huge))
    assert response.status_code == 404
    assert "There is nothing at this address." in text_of(response)


def test_a_status_change_for_an_id_beyond_any_row_is_a_404(admin_client):
    response = admin_client.post(
        f"/customers/{2**64}/status", {"status": "suspended", "reason": "Unpaid"}
    )
    assert response.status_code == 404


def test_customer_zero_does_not_exist(admin_client):
    panel = admin_client.get("/customers/0/panel")
    assert panel.status_code == 404
    assert "Customer #0 does not exist." in text_of(panel)
    assert admin_client.get("/customers/0").status_code == 404


@pytest.mark.parametrize(
    ("path", "params", "sentence"),
    [
        ("/orders", {"placed_to": "9999-12-31"}, "Placed to must be a day from"),
        ("/orders", {"placed_from": "0001-01-01"}, "Placed from must be a day from"),
        ("/orders/export", {"placed_to": "9999-12-31"}, "Placed to must be a day"),
        ("/invoices", {"issued_to": "9999-12-31"}, "Issued to must be a day from"),
        ("/invoices/export", {"issued_from": "0001-01-01"}, "Issued from must be"),
    ],
)
def test_a_day_at_the_end_of_the_calendar_is_a_400_with_a_sentence(
    admin_client, customer, path, params, sentence
):
    response = admin_client.get(path, params)
    assert response.status_code == 400
    assert sentence in text_of(response)
    assert "1900-01-01 to 2999-12-31." in text_of(response)


def test_the_last_accepted_day_lists_the_rows_up_to_it(admin_client, customer):
    response = admin_client.get("/orders", {"placed_to": "2999-12-31"})
    assert response.status_code == 200
    assert "ORD-" in text_of(response)


@pytest.mark.parametrize(
    ("sort", "token"),
    [
        # Instants that leave the years 1 to 9999 once in UTC.
        ("-created", cursor({"t": "0001-01-01T00:00:00+14:00"}, 1)),
        ("-created", cursor({"t": "9999-12-31T23:59:59-14:00"}, 1)),
        # An instant without its offset is not one of ours.
        ("-created", cursor({"t": "2025-01-01T00:00:00"}, 1)),
        # Text no database can hold.
        ("name", cursor("Acme\x00", 1)),
        ("name", cursor("\ud800", 1)),
        # Numbers beyond a 64-bit column.
        ("users", cursor(2**63, 1)),
        ("users", cursor(-(2**63) - 1, 1)),
        ("-created", cursor({"t": "2025-01-01T00:00:00+00:00"}, 2**64)),
        # Not a cursor at all.
        ("-created", "%%%"),
        ("-created", base64.urlsafe_b64encode(b"\xff\xfe").decode()),
        ("-created", cursor([1], 1)),
    ],
)
def test_a_crafted_cursor_is_a_400_with_a_sentence(admin_client, customer, sort, token):
    for path in ("/customers/", "/customers/export"):
        response = admin_client.get(path, {"sort": sort, "cursor": token})
        assert response.status_code == 400
        assert DAMAGED in text_of(response)


@pytest.mark.parametrize("path", LISTS)
def test_a_selected_row_beyond_any_id_is_a_400(admin_client, path):
    response = admin_client.get(path, {"selected": 2**63})
    assert response.status_code == 400
    assert "The selected row must be a number." in text_of(response)
