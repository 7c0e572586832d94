"""The Columns menu in a browser at 1280x800: hiding a column takes it off the
list and out of the export; moving one reorders both; a reload keeps them."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, TenantUserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def customers(staff):
    acme = CustomerFactory(name="Acme Corp", type="company", email="ops@acme.test")
    for n in range(2):
        TenantUserFactory(customer_id=acme.pk, email=f"u{n}@acme.test")
    CustomerFactory(name="Zoë O'Brien", type="individual", email="zoe@obrien.ie")


def open_customers(page):
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Customers"
    ).click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()


def expect_headers(page, names: list[str]) -> None:
    """The table's header reads `names`, in order (a sort arrow aside)."""
    expect(page.locator("[data-list-table] thead th")).to_have_text(
        [re.compile(rf"^\s*{re.escape(name)}[\s↑↓]*$") for name in names]
    )


def settled(page) -> None:
    """The menu's last change has been swapped in and settled, as a person sees
    before pressing the next key."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )


def export(page) -> list[list[str]]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_hiding_a_column_removes_it_from_the_list_and_the_export(
    signed_in_page, customers
):
    page = signed_in_page
    open_customers(page)
    expect_headers(page, ["Name", "Type", "Status", "Users", "Created"])

    page.get_by_text("Columns", exact=True).click()
    menu = page.get_by_role("group", name="Show and order columns")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("checkbox", name="Name")).to_be_disabled()
    menu.get_by_role("checkbox", name="Users").uncheck()

    expect_headers(page, ["Name", "Type", "Status", "Created"])
    acme = page.locator("tr[data-row]").filter(has_text="Acme Corp")
    expect(acme.locator("td")).to_have_count(4)
    expect(menu.get_by_role("checkbox", name="Users")).not_to_be_checked()
    # Columns are the member's, not the list's state: the address stays.
    expect(page).to_have_url(re.compile(r"/customers/$"))

    rows = export(page)
    assert "User count" not in rows[0]
    assert rows[0] == ["Name", "Type", "Status", "Creation date"]
    assert sorted(row[0] for row in rows[1:]) == ["Acme Corp", "Zoë O'Brien"]


def test_moving_and_adding_columns_follow_through_a_reload(signed_in_page, customers):
    page = signed_in_page
    open_customers(page)
    page.get_by_text("Columns", exact=True).click()
    menu = page.get_by_role("group", name="Show and order columns")

    menu.get_by_role("button", name="Move Created up").click()
    expect_headers(page, ["Name", "Type", "Status", "Created", "Users"])
    settled(page)

    # From the keyboard: the moved column's button keeps the focus.
    move_type = menu.get_by_role("button", name="Move Type down")
    move_type.focus()
    page.keyboard.press("Enter")
    expect_headers(page, ["Name", "Status", "Type", "Created", "Users"])
    expect(menu.get_by_role("button", name="Move Type down")).to_be_focused()

    menu.get_by_role("checkbox", name="Email").check()
    expect_headers(page, ["Name", "Status", "Type", "Created", "Users", "Email"])
    acme = page.locator("tr[data-row]").filter(has_text="Acme Corp")
    expect(acme.locator("td").last).to_have_text("ops@acme.test")

    page.reload()
    expect_headers(page, ["Name", "Status", "Type", "Created", "Users", "Email"])
    rows = export(page)
    assert rows[0] == [
        "Name",
        "Status",
        "Type",
        "Creation date",
        "User count",
        "Email",
    ]

    page.get_by_text("Columns", exact=True).click()
    menu.get_by_role("button", name="Reset to default").click()
    expect_headers(page, ["Name", "Type", "Status", "Users", "Created"])
    assert export(page)[0][-1] == "Creation date"
    assert len(export(page)[0]) == 8
