"""Saved views in the browser: one staff member saves the Customers list as
they filtered it, shared with all staff; another opens it and sees the same rows."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import VIEWPORT, sign_in
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def customers(staff):
    for name, kind in (
        ("Acme Corp", "company"),
        ("Acme Works", "company"),
        ("Ann Acme", "individual"),
        ("Globex", "company"),
    ):
        CustomerFactory(
            name=name,
            type=kind,
            email=f"team@{name.split()[-1].lower()}{len(name)}.test",
        )


def row_names(page) -> list[str]:
    return page.locator("#list-results tr[data-row] .row-link").all_inner_texts()


def test_a_view_shared_with_all_staff_shows_another_member_the_same_rows(
    signed_in_page, customers, browser, server_url
):
    page = signed_in_page
    page.goto("/customers/")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    page.locator("select[name=type]").select_option(label="Companies")
    page.get_by_role("search").get_by_label("Search").fill("acme")
    expect(page).to_have_url(re.compile(r"type=company.*q=acme|q=acme.*type=company"))
    expect(page.locator("#list-results tr[data-row]")).to_have_count(2)
    shown = sorted(row_names(page))
    assert shown == ["Acme Corp", "Acme Works"]

    page.get_by_role("button", name="Save view").click()
    dialog = page.get_by_role("dialog", name="Save view")
    dialog.get_by_label("Name").fill("Acme companies")
    dialog.get_by_label("All staff").check()
    dialog.get_by_role("button", name="Save view").click()
    saved = page.get_by_role("status").filter(has_text="View “Acme companies” saved")
    expect(saved).to_be_visible()
    expect(dialog).to_be_hidden()
    bar = page.get_by_role("navigation", name="Saved views")
    tab = bar.get_by_role("link", name=re.compile("Acme companies"))
    expect(tab).to_have_attribute("aria-current", "page")
    expect(page).to_have_url(re.compile(r"view=\d+"))

    other = StaffFactory(full_name="Grace Hopper", role="viewer")
    context = browser.new_context(base_url=server_url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    errors = []
    second = context.new_page()
    second.on("pageerror", lambda error: errors.append(str(error)))
    try:
        sign_in(second, other.email)
        second.wait_for_url(f"{server_url}/")
        second.goto("/customers/")
        expect(second.locator("#list-results tr[data-row]")).to_have_count(4)
        bar = second.get_by_role("navigation", name="Saved views")
        expect(
            bar.get_by_role("link", name=re.compile("^All customers"))
        ).to_have_attribute("aria-current", "page")
        tab = bar.get_by_role("link", name=re.compile("Acme companies"))
        expect(tab).to_contain_text("2")
        tab.click()
        expect(second).to_have_url(re.compile(r"view=\d+"))
        tab = second.get_by_role("navigation", name="Saved views").get_by_role(
            "link", name=re.compile("Acme companies")
        )
        expect(tab).to_have_attribute("aria-current", "page")
        expect(second.locator("#list-results tr[data-row]")).to_have_count(2)
        assert sorted(row_names(second)) == shown
        expect(second.locator("select[name=type]")).to_have_value("company")
        # Refining the list keeps the view open, for its owner to update.
        second.get_by_role("search").get_by_placeholder(
            "Search name, email or company"
        ).fill("acme corp")
        expect(second.locator("#list-results tr[data-row]")).to_have_count(1)
        expect(second).to_have_url(
            re.compile(r"q=acme(\+|%20)corp.*columns=.*view=\d+")
        )
        expect(tab).to_have_attribute("aria-current", "page")
    finally:
        context.close()
    assert errors == []
