"""axe-core on every page, in light and dark, with the panel open, the
menus open and the palette open: nothing at all, of any impact."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import axe_findings, sign_in
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def records(staff):
    acme = CustomerFactory(name="Acme Corp", email="ops@acme.test")
    user = TenantUserFactory(customer_id=acme.pk, email="ann@acme.test")
    order = OrderFactory(customer_id=acme.pk)
    invoice = InvoiceFactory(customer_id=acme.pk, order_id=order.pk)
    ticket = TicketFactory(customer_id=acme.pk, subject="Cannot export")
    return {
        "customers": acme.pk,
        "users": user.pk,
        "orders": order.pk,
        "invoices": invoice.pk,
        "support": ticket.pk,
    }


def assert_clean(page, where: str) -> None:
    findings = axe_findings(page)
    assert not findings, f"{where}: {findings}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe(page, staff, records, scheme):
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto("/login")
    assert_clean(page, "sign-in")
    sign_in(page, staff.email)
    page.wait_for_url("**/")
    assert_clean(page, "overview")

    for name, pk in records.items():
        path = "/customers/" if name == "customers" else f"/{name}"
        page.goto(path)
        expect(page.locator("[data-list-table] tbody tr[data-row]")).not_to_have_count(
            0
        )
        assert_clean(page, path)
        page.goto(f"{path}?selected={pk}")
        expect(page.locator("#panel [data-panel]")).to_be_visible()
        assert_clean(page, f"{path} with its panel open")
        page.goto(f"/{name}/{pk}")
        assert_clean(page, f"/{name}/{pk}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_menus_and_the_palette_pass_axe(signed_in_page, records, scheme):
    page = signed_in_page
    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
    page.goto(f"/customers/?selected={records['customers']}")
    expect(page.locator("#panel [data-panel]")).to_be_visible()

    page.locator("[data-columns-menu] > summary").click()
    expect(page.locator("[data-columns-menu][open]")).to_have_count(1)
    assert_clean(page, "the Columns menu")
    page.keyboard.press("Escape")

    page.get_by_text("Ada Lovelace", exact=True).click()
    assert_clean(page, "the user menu")
    page.keyboard.press("Escape")

    page.keyboard.press("Control+k")
    palette = page.get_by_role("dialog")
    expect(palette).to_be_visible()
    page.keyboard.type("acme")
    expect(palette.get_by_role("option").first).to_be_visible()
    page.keyboard.press("ArrowDown")
    assert_clean(page, "the palette")
