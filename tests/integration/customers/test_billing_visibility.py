"""Card details and billing addresses are shown only to the roles that handle
payment (customers.view_billing: admin, billing); the others see whether a card
is on file, and the revenue."""

import pytest

from cloudfactory.staff.roles import ROLE_PERMISSIONS
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

BILLING_ROLES = {"admin", "billing"}
CARD_DETAILS = ("Mastercard", "7319", "exp 03/29", "PO Box 77", "Harbour Road")


@pytest.fixture
def customer():
    return CustomerFactory(
        name="Acme Corp",
        card_brand="Mastercard",
        card_last4="7319",
        card_exp_month=3,
        card_exp_year=2029,
        billing_address="PO Box 77\nHarbour Road",
    )


def panel_views(client, customer) -> dict[str, str]:
    """Every way the customer's panel is shown: the list with the row
    selected, the htmx panel, and the customer's own page."""
    pages = {
        "list": client.get(f"/customers/?selected={customer.pk}"),
        "panel": client.get(f"/customers/{customer.pk}/panel", HTTP_HX_REQUEST="true"),
        "detail": client.get(f"/customers/{customer.pk}"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in pages.items()}


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_only_billing_roles_hold_the_billing_permission(role):
    member = StaffFactory(role=role)
    assert member.has_perm("customers.view_billing") is (role in BILLING_ROLES)


@pytest.mark.parametrize("role", sorted(BILLING_ROLES))
def test_billing_roles_see_the_card_and_billing_address(client, customer, role):
    client.force_login(StaffFactory(role=role))
    for name, html in panel_views(client, customer).items():
        assert "Mastercard •••• 7319 · exp 03/29" in html, name
        assert "PO Box 77<br>Harbour Road" in html, name
        assert "Visible to billing staff" not in html, name


@pytest.mark.parametrize("role", sorted(set(ROLE_PERMISSIONS) - BILLING_ROLES))
def test_other_roles_see_only_that_a_card_is_on_file(client, customer, role):
    client.force_login(StaffFactory(role=role))
    for name, html in panel_views(client, customer).items():
        for detail in CARD_DETAILS:
            assert detail not in html, (name, detail)
        assert "<dt>Payment method</dt><dd>On file</dd>" in html, name
        assert "Visible to billing staff" in html, name


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_every_role_sees_the_revenue(client, role):
    customer = CustomerFactory(card_last4="")
    client.force_login(StaffFactory(role=role))
    html = panel_views(client, customer)["panel"]
    assert "<dt>Revenue</dt>" in html
    if role not in BILLING_ROLES:
        assert "<dt>Payment method</dt><dd>None on file</dd>" in html


def test_the_panel_after_a_status_change_keeps_the_rule(client, customer):
    """The status change re-renders the panel for the member who made it."""
    admin = StaffFactory(role="admin")
    client.force_login(admin)
    response = client.post(
        f"/customers/{customer.pk}/status",
        {"status": "suspended", "reason": "Card declined"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Mastercard •••• 7319" in response.content.decode()


def test_the_customer_export_holds_no_card_details(client, customer):
    client.force_login(StaffFactory(role="support"))
    response = client.get("/customers/export")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert "Acme Corp" in body
    for detail in ("7319", "Mastercard", "PO Box 77"):
        assert detail not in body
