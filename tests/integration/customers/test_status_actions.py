"""The panel's status actions: danger looks like danger, says what it will do,
and a change done is confirmed."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def panel(client, customer) -> str:
    url = reverse("customers:panel", args=[customer.pk])
    return client.get(url).content.decode()


def test_suspend_and_mark_inactive_are_danger_and_name_the_customer(admin_client):
    acme = CustomerFactory(name="Acme <Corp>")
    html = panel(admin_client, acme)
    assert '<summary class="btn btn-sm btn-danger-outline">Suspend</summary>' in html
    assert (
        '<summary class="btn btn-sm btn-danger-outline">Mark inactive</summary>' in html
    )
    assert re.search(
        r'<button type="submit" class="btn btn-sm btn-danger">'
        r"Suspend Acme &lt;Corp&gt;</button>",
        html,
    )
    assert "Mark Acme &lt;Corp&gt; inactive</button>" in html
    assert (
        "Acme &lt;Corp&gt; will be shown as suspended on every page, with your "
        "reason in its account history. Its users, orders and invoices stay as "
        "they are; Reactivate undoes it."
    ) in html
    assert "<Corp>" not in html


def test_reactivate_is_an_ordinary_action(admin_client):
    acme = CustomerFactory(name="Acme Corp", status="suspended")
    html = panel(admin_client, acme)
    assert '<summary class="btn btn-sm">Reactivate</summary>' in html
    assert (
        '<button type="submit" class="btn btn-sm btn-primary">'
        "Reactivate Acme Corp</button>"
    ) in html


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("suspended", "Müller GmbH suspended"),
        ("inactive", "Müller GmbH marked inactive"),
    ],
)
def test_a_status_change_asks_the_page_for_a_toast(admin_client, status, sentence):
    muller = CustomerFactory(name="Müller GmbH")
    url = reverse("customers:change_status", args=[muller.pk])
    response = admin_client.post(
        url, {"status": status, "reason": "Review"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    header = response["HX-Trigger"]
    assert header.isascii()
    assert json.loads(header) == {"cf:toast": {"message": sentence}}


def test_a_refused_status_change_asks_for_no_toast(admin_client):
    acme = CustomerFactory(name="Acme Corp")
    url = reverse("customers:change_status", args=[acme.pk])
    response = admin_client.post(url, {"status": "suspended", "reason": ""})
    assert response.status_code == 422
    assert "HX-Trigger" not in response
