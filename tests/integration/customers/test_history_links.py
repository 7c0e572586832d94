"""Account history and the Overview link what they name: an order, invoice or
ticket opens in its list with its panel; a customer opens on Customers."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.activity.queries import event_recent
from cloudfactory.invoices.services import invoice_pay
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


def links(html: str, css_class: str) -> dict[str, str]:
    """Text -> href of every <a class="css_class">."""
    found = re.findall(rf'<a class="{css_class}" href="([^"]*)">([^<]*)</a>', html)
    return {text: href.replace("&amp;", "&") for href, text in found}


@pytest.fixture
def acme():
    return CustomerFactory(name="Acme Corp")


def test_history_references_open_their_record_in_its_list(admin_client, acme):
    order = OrderFactory(customer_id=acme.pk, total_minor=9_000_000)  # notable
    invoice = InvoiceFactory(customer_id=acme.pk, amount_minor=250_000)
    invoice_pay(invoice_id=invoice.pk)
    html = admin_client.get(f"/customers/{acme.pk}/panel").content.decode()
    refs = links(html, "activity-ref")
    assert refs[order.number] == f"/orders?q={order.number}&selected={order.pk}"
    assert refs[invoice.number] == f"/invoices?q={invoice.number}&selected={invoice.pk}"
    # Each link opens a page that shows that record, its panel open.
    for href in refs.values():
        page = admin_client.get(href).content.decode()
        assert 'data-panel data-row-id="' in page


def test_a_ticket_reference_opens_on_the_support_page(admin_client, acme):
    ticket = TicketFactory(customer_id=acme.pk, subject="Cannot export")
    event = Event.objects.get(kind="ticket.opened")
    html = admin_client.get("/").content.decode()
    href = links(html, "activity-ref")[event.payload["number"]]
    assert href == f"/support?q={event.payload['number']}&selected={ticket.pk}"
    page = admin_client.get(href).content.decode()
    assert f'data-panel data-row-id="{ticket.pk}"' in page


def test_entries_without_a_number_link_no_reference(admin_client, acme):
    TenantUserFactory(customer_id=acme.pk)
    html = admin_client.get("/").content.decode()
    assert links(html, "activity-ref") == {}


def test_overview_names_open_the_customer_panel(admin_client, acme):
    OrderFactory(customer_id=acme.pk)
    html = admin_client.get("/").content.decode()
    assert links(html, "activity-customer")["Acme Corp"] == (
        f"/customers/?selected={acme.pk}"
    )


def test_overview_activity_is_newest_first_by_time(admin_client):
    old, new, middle = (CustomerFactory(name=n) for n in ("Old", "New", "Middle"))
    now = timezone.now()
    # Written in id order Old, New, Middle; their times say Old, Middle, New.
    for customer, hours in ((old, 30), (new, 1), (middle, 5)):
        Event.objects.filter(customer=customer).update(
            created_at=now - timedelta(hours=hours)
        )
    assert [e.customer.name for e in event_recent(limit=3)] == [
        "New",
        "Middle",
        "Old",
    ]
    for url in ("/", "/activity"):
        html = admin_client.get(url).content.decode()
        assert list(links(html, "activity-customer")) == ["New", "Middle", "Old"]


def test_history_text_is_escaped(admin_client):
    evil = CustomerFactory(name='<img src=x onerror="x">')
    OrderFactory(customer_id=evil.pk)
    html = admin_client.get("/").content.decode()
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;x&quot;&gt;</a>" in html
