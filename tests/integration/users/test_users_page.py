import csv
import io

import pytest

from cloudfactory.activity.models import Event
from cloudfactory.users.services import tenant_user_add
from tests.factories import CustomerFactory, StaffFactory, TenantUserFactory

pytestmark = pytest.mark.django_db

LIST = "/users"


def names(html: str) -> list[str]:
    links = html.split('class="row-link"')[1:]
    return [link.split(">", 1)[1].split("</a>")[0] for link in links]


@pytest.fixture
def acme():
    customer = CustomerFactory(name="Acme Corp")
    TenantUserFactory(
        customer_id=customer.pk, name="Ann Owner", role="owner", email="ann@acme.test"
    )
    TenantUserFactory(customer_id=customer.pk, name="Bob Müller", email="bob@acme.test")
    return customer


@pytest.fixture
def other():
    customer = CustomerFactory(name="Other Ltd")
    TenantUserFactory(
        customer_id=customer.pk, name="Olga Other", email="olga@other.test"
    )
    return customer


def test_the_customer_filter_lists_exactly_the_badge_count(admin_client, acme, other):
    response = admin_client.get(LIST, {"customer": acme.pk})
    html = response.content.decode()
    assert "Customer: Acme Corp" in html
    assert html.count('data-row-id="') == 2
    acme.refresh_from_db()
    assert f"{acme.users_count} users" in html
    tenant_user_add(customer_id=acme.pk, name="New Person", email="new@acme.test")
    html = admin_client.get(LIST, {"customer": acme.pk}).content.decode()
    assert html.count('data-row-id="') == 3
    assert "3 users" in html


def test_removing_the_chip_shows_everyone(admin_client, acme, other):
    html = admin_client.get(LIST, {"customer": acme.pk, "q": "o"}).content.decode()
    assert 'href="/users?q=o"' in html  # the chip's × keeps the search only
    html = admin_client.get(LIST).content.decode()
    assert html.count('data-row-id="') == 3


@pytest.mark.parametrize(
    ("customer", "message"),
    [
        ("999999", "Customer #999999 does not exist"),
        ("abc", "must be a customer number"),
    ],
)
def test_an_unknown_or_malformed_customer_is_a_clear_400(
    admin_client, customer, message
):
    response = admin_client.get(LIST, {"customer": customer})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_search_by_name_or_email_accent_insensitive(admin_client, acme, other):
    found = names(admin_client.get(LIST, {"q": "muller"}).content.decode())
    assert found == ["Bob <mark>Müller</mark>"]
    html = admin_client.get(LIST, {"q": "olga@"}).content.decode()
    assert html.count('data-row-id="') == 1


def test_role_filter_and_sort(admin_client, acme, other):
    html = admin_client.get(LIST, {"role": "owner"}).content.decode()
    assert html.count('data-row-id="') == 1 and "Ann Owner" in html
    html = admin_client.get(LIST, {"sort": "name"}).content.decode()
    assert names(html) == ["Ann Owner", "Bob Müller", "Olga Other"]
    assert admin_client.get(LIST, {"role": "king"}).status_code == 400


def test_the_panel_links_back_to_the_customer(admin_client, acme):
    user = acme.users.get(name="Ann Owner")
    html = admin_client.get(f"/users/{user.pk}/panel").content.decode()
    assert f"/customers/?selected={acme.pk}" in html
    assert "ann@acme.test" in html
    assert admin_client.get("/users/999999/panel").status_code == 404


def test_export_lists_the_filtered_users_and_is_logged(
    admin_client, admin_staff, acme, other
):
    response = admin_client.get("/users/export", {"customer": acme.pk, "sort": "name"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["Name", "Email", "Customer", "Role", "Created", "Last seen"]
    assert [r[0] for r in rows[1:]] == ["Ann Owner", "Bob Müller"]
    event = Event.objects.get(kind="users.exported")
    assert event.actor == admin_staff
    assert event.payload["rows"] == 2
    assert event.payload["filters"]["customer_id"] == acme.pk


def test_roles_and_methods(client, acme):
    viewer = StaffFactory(role="viewer")
    client.force_login(viewer)
    assert "Export" not in client.get(LIST).content.decode()
    assert client.get("/users/export").status_code == 403
    assert client.post(LIST).status_code == 405
    nobody = StaffFactory()
    nobody.groups.clear()
    client.force_login(nobody)
    assert client.get(LIST).status_code == 403
    assert client.get(f"/users/{acme.users.first().pk}/panel").status_code == 403
