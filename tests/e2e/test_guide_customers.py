"""The Customers page, walked through the user guide's own steps
(tenant-management-user-guide.txt), one test per section."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cloudfactory.customers.services import customer_change_status
from cloudfactory.invoices.services import invoice_pay
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.e2e

SEARCH = "Search name, email or company"


@pytest.fixture
def tenants(staff):
    acme = CustomerFactory(
        name="Acme Corp",
        type="company",
        email="ops@acme.test",
        company_name="Acme Corporation Ltd",
        phone="+44 20 7946 0000",
        address="1 Main Street\nLondon",
        card_brand="Visa",
        card_last4="4242",
        card_exp_month=8,
        card_exp_year=2027,
        billing_address="PO Box 1\nLondon",
    )
    muller = CustomerFactory(
        name="Müller GmbH",
        type="company",
        email="info@mueller.de",
        company_name="Müller GmbH",
    )
    zoe = CustomerFactory(
        name="Zoë O'Brien",
        type="individual",
        email="zoe@obrien.ie",
        company_name="Acme Corp",
    )
    for n in range(3):
        TenantUserFactory(customer_id=acme.pk, email=f"u{n}@acme.test")
    OrderFactory(customer_id=acme.pk, total_minor=250_000)
    invoice = InvoiceFactory(customer_id=acme.pk, amount_minor=250_000)
    invoice_pay(invoice_id=invoice.pk)
    TicketFactory(customer_id=acme.pk, subject="Cannot export")
    customer_change_status(
        customer_id=muller.pk, status="suspended", actor=staff, reason="Card declined"
    )
    return {"acme": acme, "muller": muller, "zoe": zoe}


def open_customers(page):
    # The new page, not the one before it: from the Customers page itself its
    # heading and "Live" are there before the new page is, and a key typed
    # then is lost with it.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Customers"
        ).click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    # The page's scripts have run (and its live updates are on): keys work.
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()


def row(page, name: str):
    """The row whose name link reads exactly `name`."""
    link = page.get_by_role("link", name=name, exact=True)
    return page.locator("tr[data-row]").filter(has=link)


def table_names(page) -> list[str]:
    return page.locator(
        "[data-list-table] tbody tr[data-row] .row-link"
    ).all_inner_texts()


def test_accessing_the_customers_page(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(page.locator("[data-list-table] tbody tr[data-row]")).to_have_count(3)
    expect(page.get_by_text("3 customers")).to_be_visible()


def test_summary_statistics_show_and_follow_changes(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    cards = page.get_by_role("region", name="Summary")
    expected = {
        "Total Customers": "3",
        "Companies": "2",
        "Users": "3",
        "Revenue": "$2.5K",
    }
    for label, figure in expected.items():
        card = cards.locator(".stat").filter(has_text=label)
        expect(card.locator(".stat-figure")).to_have_text(figure)
    revenue = cards.locator(".stat").filter(has_text="Revenue").locator(".stat-figure")
    expect(revenue).to_have_attribute("title", "$2,500.00")

    CustomerFactory(name="Newcomer Ltd", type="company")
    total = (
        cards.locator(".stat")
        .filter(has_text="Total Customers")
        .locator(".stat-figure")
    )
    expect(total).to_have_text("4", timeout=15_000)


def test_the_customer_list_columns(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    headers = page.locator("[data-list-table] thead th").all_inner_texts()
    assert [h.strip(" ↑↓") for h in headers] == [
        "Name",
        "Type",
        "Status",
        "Users",
        "Created",
    ]
    acme_row = row(page, "Acme Corp")
    expect(acme_row).to_contain_text("Company")
    expect(acme_row).to_contain_text("Active")
    expect(acme_row.locator("td").nth(3)).to_have_text("3")
    muller_row = row(page, "Müller GmbH")
    expect(muller_row.locator(".pill")).to_have_text("Suspended")


def test_searching_customers(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    page.get_by_placeholder(SEARCH).click()
    page.get_by_placeholder(SEARCH).press_sequentially("muller", delay=40)
    expect(page.locator("tr[data-row]")).to_have_count(1)
    expect(page.locator("tr[data-row] .row-link mark")).to_have_text("Müller")
    expect(page).to_have_url(re.compile(r"q=muller"))

    page.get_by_placeholder(SEARCH).fill("zoe@obrien")
    expect(page.locator("tr[data-row]")).to_have_count(1)
    expect(page.locator("tr[data-row]")).to_contain_text("Zoë O'Brien")

    page.get_by_placeholder(SEARCH).fill("acme corp")  # a name and a company name
    expect(page.locator("tr[data-row]")).to_have_count(2)

    page.get_by_placeholder(SEARCH).fill("no such tenant")
    expect(page.get_by_text("No customers match “no such tenant”")).to_be_visible()
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("tr[data-row]")).to_have_count(3)


def test_filtering_by_type(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    type_filter = page.get_by_label("Type")
    type_filter.select_option(label="Companies")
    expect(page.locator("tr[data-row]")).to_have_count(2)
    assert sorted(table_names(page)) == ["Acme Corp", "Müller GmbH"]
    type_filter.select_option(label="Individuals")
    expect(page.locator("tr[data-row]")).to_have_count(1)
    assert table_names(page) == ["Zoë O'Brien"]
    type_filter.select_option(label="All")
    expect(page.locator("tr[data-row]")).to_have_count(3)

    page.go_back()
    expect(page.locator("tr[data-row]")).to_have_count(1)
    expect(page.get_by_label("Type")).to_have_value("individual")


def test_combining_search_and_type(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    page.get_by_placeholder(SEARCH).fill("acme")
    expect(page.locator("tr[data-row]")).to_have_count(2)
    page.get_by_label("Type").select_option(label="Individuals")
    expect(page.locator("tr[data-row]")).to_have_count(1)
    assert table_names(page) == ["Zoë O'Brien"]
    page.reload()
    expect(page.locator("tr[data-row]")).to_have_count(1)
    expect(page.get_by_placeholder(SEARCH)).to_have_value("acme")


def test_the_detail_panel(signed_in_page, tenants, server_url):
    page = signed_in_page
    open_customers(page)
    row(page, "Acme Corp").click()
    panel = page.get_by_role("complementary", name="Acme Corp")
    expect(panel).to_be_visible()
    expect(page).to_have_url(re.compile(rf"selected={tenants['acme'].pk}"))

    # Overview
    expect(panel.get_by_role("heading", name="Acme Corp")).to_be_visible()
    expect(panel).to_contain_text("Company")
    expect(panel).to_contain_text("Active")
    expect(panel).to_contain_text("ops@acme.test")
    # Activity counts: each badge a link to the pre-filtered resource page
    badges = panel.get_by_role("navigation", name="Activity counts")
    acme_id = tenants["acme"].pk
    for label, count, path in (
        ("Users", "3", "/users"),
        ("Orders", "1", "/orders"),
        ("Invoices", "1", "/invoices"),
        ("Tickets", "1", "/support"),
    ):
        badge = badges.get_by_role("link", name=re.compile(label))
        expect(badge).to_contain_text(count)
        expect(badge).to_have_attribute("href", f"{path}?customer={acme_id}")
    # Tenant details
    expect(panel).to_contain_text("+44 20 7946 0000")
    expect(panel).to_contain_text("1 Main Street")
    expect(panel).to_contain_text("Visa •••• 4242 · exp 08/27")
    expect(panel).to_contain_text("PO Box 1")
    history = panel.get_by_role("region", name="Account history")
    expect(history).to_contain_text("Invoice paid")
    expect(history).to_contain_text("Customer created")

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page).not_to_have_url(re.compile("selected="))


def test_keyboard_moves_and_opens(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    page.keyboard.press("/")
    expect(page.get_by_placeholder(SEARCH)).to_be_focused()
    page.get_by_placeholder(SEARCH).press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    second = table_names(page)[1]
    expect(page.get_by_role("complementary", name=second)).to_be_visible()


def test_an_admin_suspends_a_customer_with_a_reason(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    row(page, "Zoë O'Brien").click()
    panel = page.get_by_role("complementary", name="Zoë O'Brien")
    panel.get_by_text("Suspend", exact=True).click()
    panel.get_by_role("textbox", name="Reason").fill("Fraud review")
    panel.get_by_role("button", name="Suspend Zoë O'Brien").click()
    expect(panel.locator(".detail-sub .pill")).to_have_text("Suspended")
    expect(panel.get_by_role("region", name="Account history")).to_contain_text(
        "Fraud review"
    )
    zoe_row = row(page, "Zoë O'Brien")
    expect(zoe_row.locator(".pill")).to_have_text("Suspended")


def test_exporting_customer_data(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    page.get_by_label("Type").select_option(label="Companies")
    expect(page.locator("tr[data-row]")).to_have_count(2)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export").click()
    download = download_info.value
    assert re.fullmatch(
        r"customers-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Name",
        "Type",
        "Status",
        "Email",
        "User count",
        "Order count",
        "Invoice count",
        "Creation date",
    ]
    assert sorted(r[0] for r in rows[1:]) == ["Acme Corp", "Müller GmbH"]
    acme = next(r for r in rows[1:] if r[0] == "Acme Corp")
    assert acme[1:7] == ["Company", "Active", "ops@acme.test", "3", "1", "1"]


def test_question_mark_shows_the_shortcuts(signed_in_page, tenants):
    page = signed_in_page
    open_customers(page)
    page.keyboard.press("?")
    help_dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(help_dialog).to_be_visible()
    expect(help_dialog).to_contain_text("Open the selected row")
    page.keyboard.press("Escape")
    expect(help_dialog).to_be_hidden()
