"""The pages work under their strict Content-Security-Policy, keep no customer
data in the tab after signing out, and end an idle session with a sentence."""

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from cloudfactory.web.security import LAST_SEEN
from tests.factories import CustomerFactory

pytestmark = pytest.mark.e2e

SEARCH = "Search name, email or company"
IDLE_SENTENCE = "You were signed out after an hour without activity."


@pytest.fixture
def customers(staff):
    return {
        "acme": CustomerFactory(
            name="Acme Corp",
            type="company",
            card_brand="Visa",
            card_last4="4242",
            card_exp_month=8,
            card_exp_year=2027,
        ),
        "zoe": CustomerFactory(name="Zoë O'Brien", type="individual"),
        "muller": CustomerFactory(name="Müller GmbH", type="company"),
    }


@pytest.fixture
def console_errors(page):
    """Errors the browser logs (a refused policy, a header it cannot parse)."""
    errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and errors.append(message.text),
    )
    return errors


def table_names(page) -> list[str]:
    return page.locator(
        "[data-list-table] tbody tr[data-row] .row-link"
    ).all_inner_texts()


def open_customers(page):
    # Loaded, its scripts run: from the Customers page itself the heading is
    # there before the new page is, and a filter changed then is lost.
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Customers"
        ).click()
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()


def test_the_browser_enforces_the_policy(signed_in_page, csp_violations):
    """Inline scripts, eval and style attributes are refused and reported:
    what the next test checks for would be seen."""
    page = signed_in_page
    page.reload()
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.inlineRan = true";
          document.body.append(script);
          setTimeout("window.evalRan = true", 0);
          const styled = document.createElement("p");
          styled.setAttribute("style", "color: red");
          document.body.append(styled);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("[!!window.inlineRan, !!window.evalRan]") == [False, False]
    assert {
        "script-src-elem blocked inline",
        "script-src blocked eval",
        "style-src-attr blocked inline",
    } <= set(csp_violations)
    csp_violations.clear()  # provoked on purpose


def test_searching_filtering_and_the_panel_raise_no_violation(
    signed_in_page, customers, csp_violations, console_errors
):
    page = signed_in_page
    with page.expect_response(re.compile(r"/customers/$")) as loaded:
        open_customers(page)
    policy = loaded.value.header_value("content-security-policy")
    assert "script-src 'self'" in policy and "unsafe" not in policy
    expect(page.locator("tr[data-row]")).to_have_count(3)

    page.get_by_placeholder(SEARCH).press_sequentially("acme", delay=30)
    expect(page.locator("tr[data-row]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=acme"))
    page.get_by_placeholder(SEARCH).fill("")
    expect(page.locator("tr[data-row]")).to_have_count(3)

    page.get_by_label("Type").select_option(label="Individuals")
    expect(page.locator("tr[data-row]")).to_have_count(1)
    assert table_names(page) == ["Zoë O'Brien"]
    expect(page).to_have_url(re.compile(r"type=individual"))
    page.get_by_label("Status").select_option(label="Active")
    expect(page).to_have_url(re.compile(r"status=active"))
    page.get_by_label("Type").select_option(label="Companies")
    expect(page.locator("tr[data-row]")).to_have_count(2)

    page.get_by_role("link", name="Acme Corp", exact=True).click()
    panel = page.get_by_role("complementary", name="Acme Corp")
    expect(panel).to_contain_text("Visa •••• 4242 · exp 08/27")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()

    page.wait_for_timeout(300)
    assert csp_violations == []
    assert console_errors == []


def test_typing_in_the_search_field_sends_one_request_not_two(
    signed_in_page, customers
):
    """The field's own change event (on blur) is not a second trigger."""
    page = signed_in_page
    open_customers(page)
    requests = []
    page.on(
        "request",
        lambda r: (
            "/customers/?" in r.url
            and r.headers.get("hx-request")
            and requests.append(r.url)
        ),
    )
    page.get_by_placeholder(SEARCH).fill("acme")
    expect(page.locator("tr[data-row]")).to_have_count(1)
    page.get_by_label("Type").focus()
    page.wait_for_timeout(400)
    assert len(requests) == 1


def test_back_after_signing_out_shows_the_sign_in_page_not_the_customers(
    signed_in_page, customers, server_url
):
    page = signed_in_page
    open_customers(page)
    page.get_by_label("Type").select_option(label="Companies")
    expect(page.locator("tr[data-row]")).to_have_count(2)
    page.get_by_role("link", name="Acme Corp", exact=True).click()
    panel = page.get_by_role("complementary", name="Acme Corp")
    expect(panel).to_contain_text("Visa •••• 4242")
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None

    header = page.get_by_role("banner")
    header.get_by_text("Ada Lovelace").click()
    header.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{server_url}/login")

    # Back through the list's states (filtered, with the panel open, ...):
    # each asks the server again, which asks for sign-in.
    for _ in range(3):
        page.go_back()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/login\?next=/customers/"))
        assert "Acme Corp" not in page.content()


def test_an_idle_session_ends_with_a_toast_then_the_sign_in_page_says_why(
    signed_in_page, customers
):
    page = signed_in_page
    open_customers(page)
    # The page has finished what it asks for by itself (live updates, the
    # views' counts): the next request is the member's own.
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    expect(page.locator(".views-count").first).not_to_be_empty()
    page.wait_for_load_state("networkidle")
    session_key = next(
        c["value"] for c in page.context.cookies() if c["name"] == "sessionid"
    )
    session = SessionStore(session_key=session_key)
    session[LAST_SEEN] -= 3600
    session.save()

    page.get_by_label("Type").select_option(label="Companies")
    expect(page.get_by_role("alert")).to_have_text(
        f"{IDLE_SENTENCE} Reload the page to sign in again."
    )
    expect(page.locator("tr[data-row]")).to_have_count(3)  # nothing swapped

    page.reload()
    expect(page).to_have_url(re.compile(r"/login\?next=/customers/"))
    expect(page.get_by_role("status")).to_have_text(IDLE_SENTENCE)
