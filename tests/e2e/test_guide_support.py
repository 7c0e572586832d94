"""The Support page, reached the way the user guide says
(tenant-management-user-guide.txt, "How to View a Customer's Support Tickets"):
open the customer's detail panel, click its Tickets badge."""

import re

import pytest
from playwright.sync_api import expect

from cloudfactory.support.services import ticket_close
from tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.e2e

ACME_TICKETS = 53  # more than one page of 50: the count must hold past it


@pytest.fixture
def tenants(staff):
    acme = CustomerFactory(name="Acme Corp", type="company")
    muller = CustomerFactory(name="Müller GmbH", type="company")
    for n in range(ACME_TICKETS):
        TicketFactory(customer_id=acme.pk, subject=f"Acme question {n:02d}")
    ticket_close(
        ticket_id=TicketFactory(customer_id=muller.pk, subject="Résumé plan").pk
    )
    TicketFactory(customer_id=muller.pk, subject="Backups usage is high")
    return {"acme": acme, "muller": muller}


def ticket_rows(page):
    return page.locator("[data-list-table] tbody tr[data-row]")


def show_every_row(page) -> None:
    """Scroll until the list says it has ended, as a reader would."""
    end = page.get_by_text("End of list")
    for _ in range(20):
        if end.is_visible():
            return
        page.locator("#list-results tbody tr").last.scroll_into_view_if_needed()
        page.wait_for_timeout(100)
    expect(end).to_be_visible()


def open_customer_panel(page, name: str):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Customers"
    ).click()
    # Loaded, its scripts run: a row clicked before htmx reads it opens nothing.
    page.wait_for_url("**/customers/")
    link = page.get_by_role("link", name=name, exact=True)
    page.locator("tr[data-row]").filter(has=link).click()
    panel = page.get_by_role("complementary", name=name)
    expect(panel).to_be_visible()
    return panel


def test_viewing_a_customers_support_tickets(signed_in_page, tenants, server_url):
    page = signed_in_page
    acme = tenants["acme"]

    # 1. Open the customer detail panel by clicking the customer row.
    panel = open_customer_panel(page, "Acme Corp")
    badge = panel.get_by_role("navigation", name="Activity counts").get_by_role(
        "link", name=re.compile("Tickets")
    )
    figure = badge.locator(".badge-figure").inner_text()
    assert figure == str(ACME_TICKETS)

    # 2. Click the Tickets count badge.
    badge.click()

    # 3. The Support page, pre-filtered for that customer.
    expect(page).to_have_url(f"{server_url}/support?customer={acme.pk}")
    expect(page.get_by_role("heading", name="Support")).to_be_visible()
    chip = page.locator(".chip")
    expect(chip).to_have_text(re.compile(r"Customer: Acme Corp\s*×"))
    expect(page.locator("#result-count")).to_have_text(f"{figure} tickets")
    show_every_row(page)
    expect(ticket_rows(page)).to_have_count(int(figure))
    expect(ticket_rows(page).filter(has_text="Müller GmbH")).to_have_count(0)

    # Removing the chip shows every ticket.
    page.get_by_role("link", name="Remove filter Customer: Acme Corp").click()
    expect(page).to_have_url(re.compile(r"/support\??$"))
    expect(chip).to_have_count(0)
    expect(page.locator("#result-count")).to_have_text(f"{ACME_TICKETS + 2} tickets")
    expect(ticket_rows(page).filter(has_text="Müller GmbH")).to_have_count(2)

    # Back: the pre-filtered list, then the customers list with its panel open.
    page.go_back()
    expect(page).to_have_url(f"{server_url}/support?customer={acme.pk}")
    expect(chip).to_have_text(re.compile("Customer: Acme Corp"))
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/customers/\?&?selected={acme.pk}$"))
    expect(page.get_by_role("complementary", name="Acme Corp")).to_be_visible()


def test_a_ticket_opens_its_panel_with_a_link_to_its_customer(
    signed_in_page, tenants, server_url
):
    page = signed_in_page
    muller = tenants["muller"]
    page.goto(f"/support?customer={muller.pk}")
    expect(ticket_rows(page)).to_have_count(2)
    expect(ticket_rows(page).first.locator(".pill").first).to_have_text("Open")

    ticket_rows(page).filter(has_text="Résumé plan").click()
    panel = page.get_by_role("complementary", name="Résumé plan")
    expect(panel).to_be_visible()
    expect(panel.locator(".pill").first).to_have_text("Closed")
    expect(page).to_have_url(re.compile(rf"customer={muller.pk}&selected=\d+"))

    page.reload()  # the URL alone reopens the same screen
    expect(page.get_by_role("complementary", name="Résumé plan")).to_be_visible()

    page.get_by_role("complementary", name="Résumé plan").get_by_role(
        "link", name="Müller GmbH"
    ).click()
    expect(page).to_have_url(f"{server_url}/customers/?selected={muller.pk}")
    expect(page.get_by_role("complementary", name="Müller GmbH")).to_be_visible()


def test_searching_and_filtering_tickets(signed_in_page, tenants):
    page = signed_in_page
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Support"
    ).click()
    search = page.get_by_placeholder("Search number or subject")
    search.press_sequentially("resume", delay=40)
    expect(ticket_rows(page)).to_have_count(1)
    expect(ticket_rows(page).locator("mark")).to_have_text("Résumé")
    search.fill("")
    page.get_by_label("Status").select_option(label="Closed")
    expect(ticket_rows(page)).to_have_count(1)
    expect(page).to_have_url(re.compile("status=closed"))
