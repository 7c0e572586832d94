"""The list pages as a workspace: the panel beside the list, moving through
rows with the panel following, focus, one scroll area, record pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.e2e

ROWS = "[data-list-table] tbody tr[data-row]"


@pytest.fixture
def customers(staff):
    """60 customers, newest first "Customer 60" ... "Customer 01"; more than a
    window of rows, so the table has to scroll."""
    made = [
        CustomerFactory(name=f"Customer {n:02d}", email=f"c{n:02d}@example.test")
        for n in range(1, 61)
    ]
    made[-2].status = "suspended"
    made[-2].save(update_fields=["status"])
    return made


def open_customers(page):
    page.goto("/customers/")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()


def row(page, name: str):
    link = page.get_by_role("link", name=name, exact=True)
    return page.locator("tr[data-row]").filter(has=link)


def panel(page):
    return page.locator("#panel [data-panel]")


def covered(page, locator) -> bool:
    """Whether anything else is drawn over the middle of `locator`."""
    return locator.evaluate(
        """(el) => {
          const box = el.getBoundingClientRect();
          const x = box.left + box.width / 2, y = box.top + box.height / 2;
          const top = document.elementFromPoint(x, y);
          return !(top && (top === el || el.contains(top)));
        }"""
    )


def test_the_open_panel_sits_beside_the_list_and_covers_nothing(
    signed_in_page, customers
):
    page = signed_in_page
    open_customers(page)
    toolbar_top = page.locator("form.toolbar").bounding_box()["y"]
    table_top = page.locator("[data-list-table]").bounding_box()["y"]

    row(page, "Customer 59").click()
    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_visible()

    status = row(page, "Customer 59").locator("td.col-status")
    expect(status).to_be_visible()
    expect(status).to_have_text("Suspended")
    assert not covered(page, status)
    assert not covered(page, row(page, "Customer 59").locator("td.col-name"))
    list_box = page.locator(".list-main").bounding_box()
    panel_box = page.locator("#panel").bounding_box()
    assert list_box["x"] + list_box["width"] <= panel_box["x"] + 1
    # Nothing jumps: the toolbar and the table stay where they were.
    assert page.locator("form.toolbar").bounding_box()["y"] == toolbar_top
    assert page.locator("[data-list-table]").bounding_box()["y"] == table_top
    # Every control of the toolbar is still on screen, beside the panel.
    export = page.get_by_role("link", name="Export")
    assert not covered(page, export)
    box = export.bounding_box()
    assert box["x"] + box["width"] <= panel_box["x"]


def test_with_filters_set_the_toolbar_keeps_its_line_beside_the_panel(
    signed_in_page, customers
):
    page = signed_in_page
    page.goto("/customers/?type=company&status=suspended")
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    toolbar = page.locator("form.toolbar")
    height = toolbar.bounding_box()["height"]
    row(page, "Customer 59").click()
    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_visible()
    assert toolbar.bounding_box()["height"] == height
    # Export keeps its name beside the panel, where it shows its icon alone.
    expect(page.get_by_role("link", name="Export")).to_be_visible()
    expect(page.get_by_label("Type")).to_have_value("company")


def test_focus_moves_into_the_panel_and_back_to_its_row(signed_in_page, customers):
    page = signed_in_page
    open_customers(page)
    row(page, "Customer 58").click()
    heading = panel(page).get_by_role("heading", name="Customer 58")
    expect(heading).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel(page)).to_have_count(0)
    expect(row(page, "Customer 58")).to_be_focused()
    expect(page).not_to_have_url(re.compile(r"selected="))


def test_j_and_k_move_the_panel_along_the_rows(signed_in_page, customers):
    page = signed_in_page
    open_customers(page)
    row(page, "Customer 60").click()
    expect(panel(page).get_by_role("heading", name="Customer 60")).to_be_focused()
    history_length = page.evaluate("history.length")

    page.keyboard.press("j")
    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_visible()
    expect(row(page, "Customer 59")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(panel(page).get_by_role("heading", name="Customer 58")).to_be_visible()
    page.keyboard.press("k")
    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_visible()
    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_focused()

    # The URL names the customer shown, changed in place: Back leaves the
    # page's steps alone and goes to where the panel was first opened from.
    selected = customers[58].pk
    expect(page).to_have_url(re.compile(rf"selected={selected}\b"))
    assert page.evaluate("history.length") == history_length
    page.reload()
    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_visible()


def test_holding_j_reads_only_the_row_it_stops_on(signed_in_page, customers):
    page = signed_in_page
    open_customers(page)
    row(page, "Customer 60").click()
    expect(panel(page).get_by_role("heading", name="Customer 60")).to_be_visible()
    panel_reads = []
    page.on(
        "request",
        lambda request: (
            panel_reads.append(request.url) if request.url.endswith("/panel") else None
        ),
    )
    for _ in range(6):
        page.keyboard.press("j")
    expect(panel(page).get_by_role("heading", name="Customer 54")).to_be_visible()
    assert len(panel_reads) < 6


def test_a_panel_arriving_late_leaves_the_selection_where_the_keys_moved_it(
    signed_in_page, customers
):
    page = signed_in_page
    open_customers(page)
    row(page, "Customer 60").click()
    expect(panel(page).get_by_role("heading", name="Customer 60")).to_be_visible()
    held = []

    def hold(route):
        held.append(route)

    page.route("**/panel", hold)

    page.keyboard.press("j")
    _wait_for(page, lambda: len(held) == 1)  # Customer 59's panel, held back
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.wait_for_timeout(300)  # Customer 57's panel is asked, queued behind
    held.pop(0).continue_()

    expect(panel(page).get_by_role("heading", name="Customer 59")).to_be_visible()
    expect(row(page, "Customer 57")).to_have_attribute("aria-selected", "true")
    _wait_for(page, lambda: len(held) == 1)
    held.pop(0).continue_()
    expect(panel(page).get_by_role("heading", name="Customer 57")).to_be_visible()
    page.keyboard.press("j")
    expect(row(page, "Customer 56")).to_have_attribute("aria-selected", "true")
    page.unroute("**/panel", hold)


def _wait_for(page, condition, timeout_ms: int = 5_000) -> None:
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not get there in time")


def test_the_table_is_the_one_scroll_area_and_its_header_sticks(
    signed_in_page, customers
):
    page = signed_in_page
    open_customers(page)
    expect(page.locator(ROWS)).to_have_count(50)
    document_scrolls = page.evaluate(
        "document.scrollingElement.scrollHeight > window.innerHeight + 1"
    )
    assert not document_scrolls
    scroller = page.locator(".table-scroll")
    scroller_box = scroller.bounding_box()
    # The table reaches down to the window's bottom edge: no dead space.
    assert scroller_box["y"] + scroller_box["height"] >= 800 - 24

    scroller.evaluate("(el) => { el.scrollTop = 600; }")
    header = page.locator("[data-list-table] thead th").first
    header_box = header.bounding_box()
    assert abs(header_box["y"] - scroller_box["y"]) < 2
    assert header.is_visible()

    # No row wraps: every row is one line high (its name and sub-line).
    heights = page.locator(ROWS).evaluate_all(
        "(rows) => rows.map((r) => Math.round(r.getBoundingClientRect().height))"
    )
    assert len(set(heights)) == 1


def test_long_text_is_cut_short_and_shown_whole_on_hover(signed_in_page, staff):
    long_name = "The Extraordinarily Long-Named International Holding Company " * 2
    CustomerFactory(name=long_name.strip(), email="long@example.test")
    page = signed_in_page
    open_customers(page)
    link = page.locator(f"{ROWS} .row-link").first
    assert link.evaluate("(el) => el.scrollWidth > el.clientWidth")
    link.hover()
    expect(link).to_have_attribute("title", long_name.strip())


def test_open_full_page_shows_the_record_as_a_page(signed_in_page, customers):
    page = signed_in_page
    open_customers(page)
    row(page, "Customer 57").click()
    panel(page).get_by_role("link", name="Open full page").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customers[56].pk}$"))
    expect(page.get_by_role("heading", level=2, name="Customer 57")).to_be_visible()
    expect(page.get_by_role("link", name="Open full page")).to_have_count(0)
    expect(page.get_by_role("link", name="Customers").first).to_be_visible()


def test_an_order_has_a_full_page_too(signed_in_page, customers):
    order = OrderFactory(customer_id=customers[0].pk)
    page = signed_in_page
    page.goto(f"/orders?selected={order.pk}")
    panel(page).get_by_role("link", name="Open full page").click()
    expect(page).to_have_url(re.compile(rf"/orders/{order.pk}$"))
    expect(page.get_by_role("heading", level=2, name=order.number)).to_be_visible()


def test_below_1280_the_panel_overlays_the_list_with_a_way_back(
    signed_in_page, customers
):
    page = signed_in_page
    page.set_viewport_size({"width": 1100, "height": 800})
    open_customers(page)
    row(page, "Customer 56").click()
    expect(panel(page).get_by_role("heading", name="Customer 56")).to_be_visible()
    expect(panel(page).get_by_role("link", name="Close")).to_be_visible()
    # A click beside the panel, on the dimmed list, closes it.
    page.mouse.click(300, 500)
    expect(panel(page)).to_have_count(0)
    expect(row(page, "Customer 56")).to_be_focused()


def test_typed_days_read_as_the_app_writes_them(signed_in_page, customers):
    page = signed_in_page
    page.goto("/orders?placed_from=2026-03-02")
    expect(page.get_by_label("Placed from")).to_have_value("2 Mar 2026")
    expect(page.get_by_label("Placed from")).to_have_attribute(
        "title", "A day, like 1 Dec 2026"
    )
