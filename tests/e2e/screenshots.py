"""Refresh the screenshots in docs/screenshots (not part of the suite).

pytest collects this file only when it is named on the command line:

    .venv/bin/pytest tests/e2e/screenshots.py

SCREENSHOTS_DIR overrides the output folder (default docs/screenshots).
"""

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import customer_change_status
from cloudfactory.demo.loader import demo_load
from cloudfactory.invoices.services import invoice_pay
from tests.e2e.helpers import VIEWPORT, sign_in
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.e2e

OUT = Path(os.environ.get("SCREENSHOTS_DIR", "docs/screenshots"))

CUSTOMERS = (
    ("Northwind Traders", "company"),
    ("Acme Robotics", "company"),
    ("Müller & Söhne GmbH", "company"),
    ("Jane Cooper", "individual"),
    ("Globex Corporation", "company"),
    ("Umbrella Health", "company"),
    ("Priya Raman", "individual"),
    ("Stark Logistics", "company"),
    ("Initech", "company"),
    ("Hooli Cloud", "company"),
)


def _demo_data(staff) -> None:
    """A small, believable platform, created through the services."""
    rng = random.Random(7)
    customers = []
    for name, kind in CUSTOMERS:
        slug = name.split()[0].lower().replace("ü", "u")
        customer = CustomerFactory(
            name=name, type=kind, email=f"billing@{slug}.example", actor=staff
        )
        for n in range(rng.randint(2, 9)):
            TenantUserFactory(customer_id=customer.pk, email=f"user{n}@{slug}.example")
        customers.append(customer)
    # Round after round over shuffled customers, so the log reads like a day.
    for _ in range(3):
        rng.shuffle(customers)
        for customer in customers:
            order = OrderFactory(
                customer_id=customer.pk, total_minor=rng.randint(900, 60_000) * 100
            )
            invoice = InvoiceFactory(
                customer_id=customer.pk,
                order_id=order.pk,
                amount_minor=order.total_minor,
            )
            if rng.random() < 0.8:
                invoice_pay(invoice_id=invoice.pk)
            if rng.random() < 0.15:
                TicketFactory(customer_id=customer.pk, subject="Cannot add a card")
    initech = Customer.objects.get(name="Initech")
    customer_change_status(
        customer_id=initech.pk, status="suspended", actor=staff, reason="Card declined"
    )
    # Every event above happened within a second; spread them over the last
    # few days so the relative times read as they would in use.
    now = timezone.now()
    for step, event in enumerate(Event.objects.order_by("-id")):
        event.created_at = now - timedelta(minutes=3 + step * 23)
        event.save(update_fields=["created_at"])


def _shoot(
    browser,
    server_url,
    staff,
    name: str,
    *,
    path: str,
    dark=False,
    palette="",
    viewport=VIEWPORT,
) -> None:
    context = browser.new_context(
        base_url=server_url,
        viewport=viewport,
        color_scheme="dark" if dark else "light",
        timezone_id="Europe/London",
    )
    page = context.new_page()
    if path != "/login":
        sign_in(page, staff.email)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    if palette:
        _open_palette(page, palette)
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=OUT / name)
    context.close()


def _open_palette(page, text: str) -> None:
    """The command palette open on the page, `text` typed, its results shown
    and the second option selected."""
    page.keyboard.press("Control+k")
    field = page.get_by_role("combobox", name="Search everything")
    with page.expect_response(lambda r: "/palette?" in r.url and "q=" + text in r.url):
        field.press_sequentially(text, delay=20)
    page.get_by_role("listbox", name="Results").get_by_role("option").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(200)  # the dialog's opening animation


def test_refresh_screenshots(browser, server_url, staff):
    _demo_data(staff)
    _shoot(browser, server_url, staff, "overview.png", path="/")
    _shoot(browser, server_url, staff, "overview-dark.png", path="/", dark=True)
    _shoot(browser, server_url, staff, "login.png", path="/login")
    _shoot(
        browser,
        server_url,
        staff,
        "palette-light.png",
        path="/customers/",
        palette="in",
    )
    _shoot(
        browser,
        server_url,
        staff,
        "palette-dark.png",
        path="/customers/",
        dark=True,
        palette="in",
    )


def test_refresh_workspace_screenshots(browser, server_url, staff):
    """The Customers page with a panel open, over a few hundred demo customers,
    at 1280 and 1920 pixels, light and dark."""
    demo_load(300, processes=1, progress=False)
    shown = Customer.objects.filter(type="company").order_by("-created_at")[2]
    for width, height in ((1280, 800), (1920, 1080)):
        for scheme in ("light", "dark"):
            _shoot(
                browser,
                server_url,
                staff,
                f"customers-panel-{width}-{scheme}.png",
                path=f"/customers/?selected={shown.pk}",
                dark=scheme == "dark",
                viewport={"width": width, "height": height},
            )
