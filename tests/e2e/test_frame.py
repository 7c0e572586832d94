"""The frame around every page: sidebar, top bar, user menu, htmx errors."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_nothing_scrolls_sideways_at_1280_pixels(signed_in_page):
    page = signed_in_page

    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )

    assert overflow == 0


def test_below_1100_pixels_the_sidebar_keeps_only_its_icons(signed_in_page):
    page = signed_in_page
    page.set_viewport_size({"width": 1024, "height": 768})

    nav = page.get_by_role("navigation", name="Main")
    overview = nav.get_by_role("link", name="Overview")
    expect(overview).to_be_visible()
    assert nav.bounding_box()["width"] < 80
    expect(nav.get_by_text("Overview", exact=True)).not_to_be_in_viewport()


def test_escape_closes_the_user_menu(signed_in_page):
    page = signed_in_page
    header = page.get_by_role("banner")
    sign_out = header.get_by_role("button", name="Sign out")

    header.get_by_text("Ada Lovelace", exact=True).click()
    expect(sign_out).to_be_visible()
    page.keyboard.press("Escape")

    expect(sign_out).to_be_hidden()


def test_a_failed_htmx_request_is_explained_and_not_swapped(signed_in_page):
    page = signed_in_page

    page.evaluate("() => { htmx.ajax('GET', '/no-such-page', {target: '#main'}); }")

    expect(page.get_by_role("alert")).to_have_text(
        "There is nothing at this address. The link may be mistyped or the page "
        "may have moved."
    )
    expect(page.get_by_role("region", name="Platform totals")).to_be_visible()
