"""Two staff members watch the platform move: changes made by the traffic
simulator (another process) and by each other reach both browsers without a
reload."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import customer_register
from tests.e2e.helpers import VIEWPORT, sign_in
from tests.factories import CustomerFactory, StaffFactory
from tests.live import database_url, free_port, healthy

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


def test_a_reader_scrolled_down_is_offered_new_rows_and_keeps_their_place(
    two_pages,
):
    for n in range(30):
        CustomerFactory(name=f"Tenant {n:02d}", email=f"t{n}@tenants.test")
    page = two_pages[0]
    page.reload()
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    table = page.locator("#list-results .table-scroll")
    table.evaluate("box => { box.scrollTop = 400; }")
    before = table.evaluate("box => box.scrollTop")
    assert before > 0

    simulate("--only", "customer.created", "--changes", "2", "--seed", "9")
    newcomers = [c.name for c in Customer.objects.order_by("-pk")[:2]]
    bar = page.get_by_role("status").filter(has_text="2 new customers")
    expect(bar).to_be_visible(timeout=WITHIN)
    assert table.evaluate("box => box.scrollTop") == before
    for name in newcomers:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)

    bar.get_by_role("button", name="Show").click()
    expect(bar).to_be_hidden()
    first_two = page.locator("[data-list-table] tbody tr[data-row] .row-link")
    assert first_two.all_inner_texts()[:2] == newcomers
    assert table.evaluate("box => box.scrollTop") == 0


def test_markup_in_a_live_name_shows_as_text(two_pages):
    page = two_pages[0]
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    name = "<img src=x onerror=alert(1)> Ltd"
    customer_register(name=name, type="company", email="markup@example.test")
    expect(page.get_by_role("link", name=name, exact=True)).to_be_visible(
        timeout=WITHIN
    )
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []


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
    panel.get_by_role("button", name="Suspend Acme Corp").click()
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


def test_the_overview_activity_grows_live(two_pages):
    page = two_pages[0]
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Overview"
    ).click()
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible()
    simulate("--only", "ticket.opened", "--changes", "1", "--seed", "11")
    ticket = Event.objects.filter(kind="ticket.opened").latest("pk")
    activity = page.get_by_role("region", name="Recent activity")
    expect(activity.get_by_text(ticket.payload["number"])).to_be_visible(timeout=WITHIN)


class RestartableServer:
    """`cloudfactory serve` on one port, stopped and started again by the test."""

    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_dir = log_dir
        self.process = None

    def start(self) -> None:
        log = (self.log_dir / f"serve-{time.monotonic_ns()}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cloudfactory.cli", "serve"]
            + ["--port", str(self.port), "--shutdown-timeout", "3"],
            env={
                **_environment(),
                "DATABASE_URL": database_url(),
                "ALLOWED_HOSTS": "127.0.0.1",
                "LIVE_RETRY_MS": "300",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while not healthy(self.port):
            assert self.process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=15)


@pytest.fixture
def restartable_server(transactional_db, tmp_path):
    server = RestartableServer(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.kill()
        server.process.wait()


def test_a_page_catches_up_on_what_it_missed_while_its_server_restarted(
    browser, restartable_server, customers
):
    member = StaffFactory(full_name="Ada Lovelace", role="admin")
    context = browser.new_context(base_url=restartable_server.url, viewport=VIEWPORT)
    page = context.new_page()
    sign_in(page, member.email)
    page.goto("/customers/")
    live = page.get_by_role("status").filter(has_text="Live")
    expect(live).to_be_visible()

    restartable_server.stop()
    expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible()
    simulate("--only", "customer.created", "--changes", "2", "--seed", "5")
    newcomers = list(Customer.objects.order_by("-pk")[:2])
    restartable_server.start()

    expect(live).to_be_visible(timeout=10_000)
    for newcomer in newcomers:
        expect(page.get_by_role("link", name=newcomer.name, exact=True)).to_be_visible()
    expect(total_customers(page)).to_have_text("4")
    context.close()
