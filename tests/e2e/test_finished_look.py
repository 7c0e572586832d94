"""Danger actions, toasts and the theme menu, as staff meet them."""

import re

import pytest
from playwright.sync_api import expect

from cloudfactory.customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def acme(staff):
    return CustomerFactory(name="Acme Corp", type="company", email="ops@acme.test")


def open_customers(page):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Customers"
    ).click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()


def open_panel(page, name: str):
    page.get_by_role("link", name=name, exact=True).click()
    panel = page.get_by_role("complementary", name=name)
    expect(panel).to_be_visible()
    return panel


def toasts(page):
    return page.locator("[data-toasts]")


def test_suspending_looks_like_danger_says_what_it_does_and_asks_first(
    signed_in_page, acme
):
    page = signed_in_page
    open_customers(page)
    panel = open_panel(page, "Acme Corp")

    suspend = panel.get_by_text("Suspend", exact=True)
    expect(suspend).to_have_class(re.compile(r"\bbtn-danger-outline\b"))
    expect(panel.get_by_text("Mark inactive", exact=True)).to_have_class(
        re.compile(r"\bbtn-danger-outline\b")
    )
    suspend.click()
    expect(
        panel.get_by_text("Acme Corp will be shown as suspended on every page")
    ).to_be_visible()
    confirm = panel.get_by_role("button", name="Suspend Acme Corp")
    expect(confirm).to_have_class(re.compile(r"\bbtn-danger\b"))
    # Danger: white on the danger red, whatever the theme.
    assert confirm.evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"

    # No reason, no change.
    confirm.click()
    assert Customer.objects.get(pk=acme.pk).status == "active"
    expect(panel.locator(".detail-sub .pill")).to_have_text("Active")

    panel.get_by_role("textbox", name="Reason").fill("Chargeback under review")
    confirm.click()
    expect(panel.locator(".detail-sub .pill")).to_have_text("Suspended")
    status = toasts(page).get_by_role("status")
    expect(status).to_have_text("Acme Corp suspended")
    assert Customer.objects.get(pk=acme.pk).status == "suspended"

    # Dismissible; Reactivate is an ordinary action.
    toasts(page).get_by_role("button", name="Dismiss").click()
    expect(status).to_have_count(0)
    reactivate = panel.get_by_text("Reactivate", exact=True)
    expect(reactivate).not_to_have_class(re.compile(r"\bbtn-danger"))
    reactivate.click()
    panel.get_by_role("textbox", name="Reason").fill("Paid in full")
    panel.get_by_role("button", name="Reactivate Acme Corp").click()
    expect(toasts(page).get_by_role("status")).to_have_text("Acme Corp reactivated")
    # A confirmation hides itself after a few seconds.
    expect(toasts(page).get_by_role("status")).to_have_count(0, timeout=10_000)


def test_clicking_export_says_the_export_started(signed_in_page, acme):
    page = signed_in_page
    open_customers(page)
    with page.expect_download():
        page.get_by_role("link", name="Export").click()
    expect(toasts(page).get_by_role("status")).to_have_text(
        re.compile("^Export started")
    )


def test_the_user_menu_sets_the_theme_without_a_reload(signed_in_page, staff):
    page = signed_in_page
    html = page.locator("html")
    expect(html).to_have_attribute("data-theme", "system")
    page.evaluate("window.notReloaded = true")

    page.locator("summary.menu-button").click()
    themes = page.get_by_role("group", name="Theme")
    expect(themes.get_by_role("button", name="System")).to_have_attribute(
        "aria-pressed", "true"
    )
    themes.get_by_role("button", name="Dark").click()

    expect(html).to_have_attribute("data-theme", "dark")
    expect(toasts(page).get_by_role("status")).to_have_text("Theme set to Dark")
    expect(page.locator("body")).to_have_css("background-color", "rgb(14, 16, 20)")
    assert page.evaluate("window.notReloaded") is True
    staff.refresh_from_db()
    assert staff.theme == "dark"

    # The next page comes dark from the server; the palette shows the same.
    page.reload()
    expect(html).to_have_attribute("data-theme", "dark")
    page.locator("summary.menu-button").click()
    expect(
        page.get_by_role("group", name="Theme").get_by_role("button", name="Dark")
    ).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+k")
    page.get_by_role("combobox").fill("theme light")
    page.get_by_role("option", name=re.compile("Theme: Light")).click()
    expect(html).to_have_attribute("data-theme", "light")
    expect(toasts(page).get_by_role("status")).to_have_text("Theme set to Light")
    page.locator("summary.menu-button").click()
    expect(
        page.get_by_role("group", name="Theme").get_by_role("button", name="Light")
    ).to_have_attribute("aria-pressed", "true")
