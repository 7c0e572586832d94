"""The Customers summary cards: the guide's four figures, each with a line of
context that is as exact as the figure, and when they were brought up to date."""

import re

import pytest
from django.urls import reverse

from cloudfactory.customers.live import totals_figures
from cloudfactory.customers.queries import platform_totals
from cloudfactory.customers.services import customer_change_status
from cloudfactory.invoices.services import invoice_pay
from tests.factories import CustomerFactory, InvoiceFactory, TenantUserFactory

pytestmark = pytest.mark.django_db


def notes(html: str) -> list[str]:
    """Each card's subline, tags removed, spaces collapsed."""
    found = re.findall(r'<dd class="stat-note">(.*?)</dd>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", note).split()) for note in found]


@pytest.fixture
def platform(admin_staff):
    acme = CustomerFactory(name="Acme Corp", type="company")
    CustomerFactory(name="Globex", type="company")
    zoe = CustomerFactory(name="Zoë O'Brien", type="individual")
    for _ in range(4):
        TenantUserFactory(customer_id=acme.pk)
    TenantUserFactory(customer_id=zoe.pk)
    invoice_pay(invoice_id=InvoiceFactory(customer_id=acme.pk).pk)
    customer_change_status(
        customer_id=zoe.pk, status="suspended", actor=admin_staff, reason="r"
    )
    return acme


@pytest.mark.parametrize("url", ["/customers/", "/customers/cards"])
def test_each_card_has_an_exact_subline(admin_client, platform, url):
    html = admin_client.get(url).content.decode()
    assert notes(html) == [
        "2 active · 1 suspended",
        "1 individual",
        "avg 1.7 per customer",
        "from paid invoices",
    ]
    # The guide's labels and figures stay as they were.
    for label, figure in [
        ("Total Customers", "3"),
        ("Companies", "2"),
        ("Users", "5"),
    ]:
        assert re.search(
            rf'<dt class="stat-label">{label}</dt>\s*<dd class="stat-figure" '
            rf'data-total="[a-z]+">{figure}</dd>',
            html,
        )


def test_the_sublines_follow_the_platform_totals(admin_client, platform):
    for n in range(12):
        CustomerFactory(type="individual", email=f"i{n}@example.com")
    totals = platform_totals()
    html = admin_client.get("/customers/cards").content.decode()
    assert notes(html)[:3] == [
        f"{totals.active:,} active · {totals.suspended:,} suspended",
        f"{totals.individuals:,} individuals",
        f"avg {totals.users / totals.customers:.1f} per customer",
    ]


def test_live_entries_carry_every_figure_the_sublines_show(platform):
    figures = totals_figures()["totals"]
    html_keys = {"active", "suspended", "individuals", "users_per_customer"}
    assert html_keys <= set(figures)
    assert figures["users_per_customer"] == "1.7"


def test_with_no_customers_the_average_is_zero(admin_client):
    html = admin_client.get("/customers/cards").content.decode()
    assert "avg 0 per customer" in notes(html)


def test_the_cards_say_when_they_were_brought_up_to_date(admin_client):
    html = admin_client.get(reverse("customers:cards")).content.decode()
    assert re.search(
        r'<p class="cards-updated">Updated <time datetime="\d{4}-\d\d-\d\dT[^"]+" '
        r'title="[^"]+" data-updated>just now</time></p>',
        html,
    )


def test_a_status_change_brings_the_cards_with_their_sublines(admin_client, platform):
    url = reverse("customers:change_status", args=[platform.pk])
    html = admin_client.post(
        url, {"status": "inactive", "reason": "Closed"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="customer-cards"' in html
    assert notes(html)[0] == "1 active · 1 suspended"
