"""The user guide's "How to View a Customer's Orders" and "How to View a
Customer's Invoices", step by step, and the Orders and Invoices pages they
lead to (tenant-management-user-guide.txt)."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cloudfactory.invoices.services import invoice_mark_overdue, invoice_pay
from cloudfactory.orders.services import order_place
from tests.factories import CustomerFactory, InvoiceFactory, OrderFactory

pytestmark = pytest.mark.e2e

ROWS = "[data-list-table] tbody tr[data-row]"


@pytest.fixture
def tenants(staff):
    acme = CustomerFactory(name="Acme Corp", type="company", email="ops@acme.test")
    muller = CustomerFactory(name="Müller GmbH", type="company")
    for total in (12_500, 99_900, 5_000):
        order = OrderFactory(customer_id=acme.pk, total_minor=total)
        invoice = InvoiceFactory(
            customer_id=acme.pk, order_id=order.pk, amount_minor=total
        )
    invoice_pay(invoice_id=invoice.pk)
    OrderFactory(customer_id=muller.pk, total_minor=250_000, status="cancelled")
    OrderFactory(customer_id=muller.pk, total_minor=7_000, status="fulfilled")
    late = InvoiceFactory(customer_id=muller.pk, amount_minor=250_000)
    invoice_mark_overdue(invoice_id=late.pk)
    return {"acme": acme, "muller": muller}


def open_customer_panel(page, name: str):
    """Step 1: open the customer detail panel by clicking the customer row."""
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Customers"
    ).click()
    # Loaded, its scripts run: a row clicked before htmx reads it opens nothing.
    page.wait_for_url("**/customers/")
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    link = page.get_by_role("link", name=name, exact=True)
    page.locator("tr[data-row]").filter(has=link).click()
    panel = page.get_by_role("complementary", name=name)
    expect(panel).to_be_visible()
    return panel


def click_badge(panel, label: str) -> str:
    """Step 2: click the count badge; returns the figure it showed."""
    badge = panel.get_by_role("navigation", name="Activity counts").get_by_role(
        "link", name=re.compile(label)
    )
    figure = badge.locator(".badge-figure").inner_text()
    badge.click()
    return figure


def load_every_row(page) -> None:
    """Scroll until the list says it has ended: every page loaded."""
    end = page.locator(".end-row")
    for _ in range(50):
        if end.is_visible():
            return
        page.locator(ROWS).last.scroll_into_view_if_needed()
        page.wait_for_timeout(100)
    pytest.fail("The list never said it had ended.")


@pytest.mark.parametrize(
    ("badge", "path", "noun", "rows"),
    [("Orders", "/orders", "orders", 3), ("Invoices", "/invoices", "invoices", 3)],
)
def test_a_badge_leads_to_the_customers_records_and_back(
    signed_in_page, tenants, badge, path, noun, rows
):
    page = signed_in_page
    acme = tenants["acme"]
    panel = open_customer_panel(page, "Acme Corp")
    figure = click_badge(panel, badge)

    # Step 3: the page, pre-filtered to show only that customer's records.
    expect(page).to_have_url(re.compile(rf"{path}\?customer={acme.pk}$"))
    expect(page.get_by_role("heading", name=badge)).to_be_visible()
    expect(page.locator(".chip")).to_contain_text("Customer: Acme Corp")
    expect(page.locator(ROWS)).to_have_count(rows)
    assert figure == str(rows)
    expect(page.locator("#result-count")).to_have_text(f"{figure} {noun}")
    for cell in page.locator(f"{ROWS} td:nth-child(2)").all_inner_texts():
        assert cell == "Acme Corp"
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=badge)).to_have_attribute(
        "aria-current", "page"
    )

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/customers/\?&?selected={acme.pk}$"))
    expect(page.get_by_role("complementary", name="Acme Corp")).to_be_visible()


def test_removing_the_chip_shows_every_order(signed_in_page, tenants):
    page = signed_in_page
    click_badge(open_customer_panel(page, "Acme Corp"), "Orders")
    expect(page.locator(ROWS)).to_have_count(3)
    page.get_by_role("link", name="Remove filter Customer: Acme Corp").click()
    expect(page.locator(".chip")).to_have_count(0)
    expect(page.locator(ROWS)).to_have_count(5)
    expect(page.locator("#result-count")).to_have_text("5 orders")
    expect(page).to_have_url(re.compile(r"/orders\?$|/orders$"))


def test_the_list_matches_a_long_badge_after_a_new_order(signed_in_page, tenants):
    page = signed_in_page
    busy = CustomerFactory(name="Busy Bees")
    for n in range(54):
        OrderFactory(customer_id=busy.pk, total_minor=100 + n)
    order_place(customer_id=busy.pk, total_minor=1)  # placed just now
    figure = click_badge(open_customer_panel(page, "Busy Bees"), "Orders")
    assert figure == "55"
    expect(page.locator("#result-count")).to_have_text("55 orders")
    load_every_row(page)
    expect(page.locator(ROWS)).to_have_count(55)


def test_search_and_filters_narrow_the_customers_orders(signed_in_page, tenants):
    page = signed_in_page
    muller = tenants["muller"]
    click_badge(open_customer_panel(page, "Müller GmbH"), "Orders")
    expect(page.locator(ROWS)).to_have_count(2)

    page.get_by_label("Status").select_option(label="Cancelled")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(".chip")).to_contain_text("Customer: Müller GmbH")
    expect(page).to_have_url(re.compile(rf"customer={muller.pk}"))
    page.get_by_label("Status").select_option(label="All")
    expect(page.locator(ROWS)).to_have_count(2)

    search = page.get_by_placeholder("Search order number or customer")
    search.fill(f"ORD-{muller.pk}-0002")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(ROWS)).to_contain_text("Fulfilled")
    search.fill("acme")  # another customer's name: nothing of Müller's matches
    expect(page.get_by_text("No orders of Müller GmbH match “acme”")).to_be_visible()

    search.fill("")
    page.get_by_role("link", name="Remove filter Customer: Müller GmbH").click()
    search.fill("muller")
    expect(page.locator(ROWS)).to_have_count(2)
    expect(page.locator(f"{ROWS} mark").first).to_have_text("Müller")


def test_a_placed_range_in_the_url_filters_orders(signed_in_page, tenants):
    page = signed_in_page
    page.goto("/orders?placed_from=2001-01-01&placed_to=2001-12-31")
    expect(page.get_by_text("No orders")).to_be_visible()
    # Days show as the app writes them everywhere.
    expect(page.get_by_label("Placed from")).to_have_value("1 Jan 2001")
    expect(page.get_by_label("Placed to")).to_have_value("31 Dec 2001")
    page.get_by_label("Status").select_option(label="Cancelled")
    expect(page).to_have_url(re.compile(r"status=cancelled"))
    expect(page).to_have_url(re.compile(r"placed_from=1(\+|%20)Jan(\+|%20)2001"))
    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator(ROWS)).to_have_count(5)


def test_choosing_placed_dates_filters_orders(signed_in_page, tenants):
    page = signed_in_page
    page.goto("/orders")
    expect(page.locator(ROWS)).to_have_count(5)
    page.get_by_label("Placed from").fill("1 Jan 2001")
    page.get_by_label("Placed to").fill("31 Dec 2001")
    page.get_by_label("Placed to").press("Enter")
    expect(page.get_by_text("No orders")).to_be_visible(timeout=2_000)
    expect(page).to_have_url(re.compile(r"placed_to=31(\+|%20)Dec(\+|%20)2001"))


def test_a_day_that_is_not_one_says_how_to_write_it(signed_in_page, tenants):
    page = signed_in_page
    page.goto("/orders")
    page.get_by_label("Placed from").fill("someday")
    page.get_by_label("Placed from").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        "Placed from must be a day like 12 Mar 2025 or 2025-03-12."
    )


def test_an_order_panel_leads_to_its_customer_and_invoices(signed_in_page, tenants):
    page = signed_in_page
    acme = tenants["acme"]
    click_badge(open_customer_panel(page, "Acme Corp"), "Orders")
    number = f"ORD-{acme.pk}-0002"
    page.get_by_role("link", name=number, exact=True).click()
    panel = page.get_by_role("complementary", name=number)
    expect(panel).to_contain_text("$999.00")
    invoice = f"INV-{acme.pk}-0002"
    panel.get_by_role("link", name=invoice).click()
    invoice_panel = page.get_by_role("complementary", name=invoice)
    expect(invoice_panel).to_contain_text("Open")
    expect(invoice_panel.get_by_role("link", name=number)).to_be_visible()

    invoice_panel.get_by_role("link", name="Acme Corp").first.click()
    expect(page.get_by_role("complementary", name="Acme Corp")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/customers/\?&?selected={acme.pk}$"))


def test_keyboard_opens_and_closes_an_invoice(signed_in_page, tenants):
    page = signed_in_page
    page.goto("/invoices")
    expect(page.locator(ROWS)).to_have_count(4)
    page.keyboard.press("/")
    search = page.get_by_placeholder("Search invoice number or customer")
    expect(search).to_be_focused()
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    first = page.locator(f"{ROWS} .row-link").first.inner_text()
    expect(page.get_by_role("complementary", name=first)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("complementary", name=first)).to_be_hidden()


def test_exporting_a_customers_invoices(signed_in_page, tenants):
    page = signed_in_page
    click_badge(open_customer_panel(page, "Müller GmbH"), "Invoices")
    expect(page.locator(ROWS)).to_have_count(1)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export").click()
    download = download_info.value
    assert re.fullmatch(r"invoices-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["Number", "Customer", "Status", "Amount", "Currency"]
    assert [row[1:4] for row in rows[1:]] == [["Müller GmbH", "Overdue", "2500.00"]]
