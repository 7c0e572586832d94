"""Two staff members watch the platform move: changes made by the traffic
simulator (another process) and by each other reach both browsers without a
reload."""

import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from cloudfactory.customers.models import Customer
from tests.e2e.helpers import VIEWPORT, sign_in
from tests.factories import CustomerFactory, StaffFactory
from tests.live import database_url

pytestmark = pytest.mark.e2e

# The promise: a change shows within a second.
WITHIN = 1_000  # ms


@pytest.fixture
def customers(transactional_db):
    return [
        CustomerFactory(name=name, type="company", email=f"team@{slug}.test")
        for name, slug in (("Acme Corp", "acme"), ("Globex", "globex"))
    ]


@pytest.fixture
def two_pages(browser, server_url, customers):
    """Two signed-in staff members, each in a browser of their own, on the
    Customers page with its live updates connected."""
    contexts, pages = [], []
    for name in ("Ada Lovelace", "Grace Hopper"):
        member = StaffFactory(full_name=name, role="admin")
        context = browser.new_context(base_url=server_url, viewport=VIEWPORT)
        context.set_default_timeout(10_000)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        sign_in(page, member.email)
        page.goto("/customers/")
        expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
        contexts.append(context)
        pages.append((page, errors))
    yield [page for page, _ in pages]
    for context in contexts:
        context.close()
    problems = [error for _, errors in pages for error in errors]
    assert not problems, problems


def simulate(*options: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "cloudfactory.cli", "simulate", "--quiet", *options],
        env={**_environment(), "DATABASE_URL": database_url()},
        check=True,
        capture_output=True,
        timeout=60,
    )


def _environment() -> dict[str, str]:
    import os

    environment = dict(os.environ)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return environment


def total_customers(page):
    cards = page.get_by_role("region", name="Summary")
    card = cards.locator(".stat").filter(has_text="Total Customers")
    return card.locator(".stat-figure")


def test_a_customer_the_simulator_registers_appears_in_both_browsers(two_pages):
    for page in two_pages:
        expect(total_customers(page)).to_have_text("2")

    simulate("--only", "customer.created", "--changes", "1", "--seed", "7")
    newcomer = Customer.objects.order_by("-pk").first()
    assert newcomer.name not in ("Acme Corp", "Globex")

    for page in two_pages:
        link = page.get_by_role("link", name=newcomer.name, exact=True)
        expect(link).to_be_visible(timeout=WITHIN)
        expect(total_customers(page)).to_have_text("3", timeout=WITHIN)
        expect(page.get_by_text("3 customers")).to_be_visible(timeout=WITHIN)
        # Newest first: the newcomer heads the list.
        first = page.locator("[data-list-table] tbody tr[data-row]").first
        expect(first).to_contain_text(newcomer.name)


def test_a_status_change_in_one_browser_changes_the_row_and_panel_in_the_other(
    two_pages,
):
    ada, grace = two_pages
    # Grace has searched: the live update keeps what she typed.
    grace.get_by_role("searchbox").press_sequentially("acm")
    expect(grace.get_by_role("link", name="Globex", exact=True)).to_be_hidden()
    for page in two_pages:
        page.get_by_role("link", name="Acme Corp", exact=True).click()
        expect(page.get_by_role("complementary", name="Acme Corp")).to_be_visible()

    panel = ada.get_by_role("complementary", name="Acme Corp")
    panel.get_by_text("Suspend", exact=True).click()
    panel.get_by_role("textbox", name="Reason").fill("Chargeback review")
    panel.get_by_role("button", name="Suspend this customer").click()
    expect(panel.locator(".detail-sub .pill")).to_have_text("Suspended")
    changed_at = time.monotonic()

    watched = grace.get_by_role("complementary", name="Acme Corp")
    expect(watched.locator(".detail-sub .pill")).to_have_text(
        "Suspended", timeout=WITHIN
    )
    acme_row = grace.locator("tr[data-row]").filter(
        has=grace.get_by_role("link", name="Acme Corp", exact=True)
    )
    expect(acme_row.locator(".pill")).to_have_text("Suspended", timeout=WITHIN)
    expect(watched.get_by_role("region", name="Account history")).to_contain_text(
        "Chargeback review", timeout=WITHIN
    )
    assert time.monotonic() - changed_at < 2 * WITHIN / 1000
    # The row stays selected, and the search box keeps what was typed.
    expect(acme_row).to_have_attribute("aria-selected", "true")
    expect(grace.get_by_role("searchbox")).to_have_value("acm")
