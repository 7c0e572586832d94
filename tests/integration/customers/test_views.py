import pytest
from django.urls import reverse

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

LIST = "/customers/"


@pytest.fixture
def viewer_client(client, viewer_staff):
    client.force_login(viewer_staff)
    return client


def test_the_page_shows_cards_columns_and_rows(admin_client):
    CustomerFactory(name="Acme Corp", type="company")
    CustomerFactory(name="Zoë O'Brien", type="individual")
    html = admin_client.get(LIST).content.decode()
    for label in (
        "Total Customers",
        "Companies",
        "Users",
        "Revenue",
        "Name",
        "Type",
        "Status",
        "Created",
        "Export",
    ):
        assert label in html
    assert "Acme Corp" in html
    assert "Zoë O&#39;Brien" in html
    assert "2 customers" in html


def test_user_text_is_escaped(admin_client):
    CustomerFactory(name="<script>alert(1)</script>")
    html = admin_client.get(LIST, {"q": "script"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)" in html


def test_htmx_requests_get_the_results_fragment(admin_client):
    CustomerFactory(name="Acme Corp")
    response = admin_client.get(LIST, {"q": "acm"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<section id="list-results"')
    assert "<mark>Acm</mark>e Corp" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"type": "robots"}, "Type must be All, Companies or Individuals."),
        ({"status": "gone"}, "Status must be All, Active, Suspended or Inactive."),
        ({"sort": "price"}, "Sort by one of: created, name, users."),
        ({"cursor": "!!not-a-cursor"}, "This page link is damaged"),
        ({"selected": "abc"}, "must be a number"),
    ],
)
def test_bad_url_state_is_a_400_with_a_sentence(admin_client, params, message):
    response = admin_client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_load_more_continues_after_the_cursor(admin_client):
    for n in range(55):
        CustomerFactory(name=f"Customer {n:02d}")
    first = admin_client.get(LIST, {"sort": "name"}).content.decode()
    assert "Customer 49" in first and "Customer 50" not in first
    next_url = first.split('id="load-more"')[1].split('href="')[1].split('"')[0]
    more = admin_client.get(
        LIST + next_url.replace("&amp;", "&"), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Customer 50" in more and "Customer 54" in more and "Customer 49" not in more
    assert "End of list" in more


def test_an_empty_result_says_what_matched_nothing(admin_client):
    CustomerFactory(name="Acme Corp")
    html = admin_client.get(LIST, {"q": "zzz", "type": "company"}).content.decode()
    assert "No companies match “<bdi>zzz</bdi>”" in html
    assert "Clear filters" in html


def test_selected_opens_the_panel_in_the_full_page(admin_client):
    customer = CustomerFactory(name="Acme Corp", email="ops@acme.test", phone="+1 555")
    html = admin_client.get(LIST, {"selected": customer.pk}).content.decode()
    assert 'aria-labelledby="panel-title"' in html
    assert f'href="/orders?customer={customer.pk}"' in html
    assert "+1 555" in html


def test_the_panel_and_the_bookmarkable_page(admin_client):
    customer = CustomerFactory(
        name="Acme Corp",
        card_brand="Visa",
        card_last4="4242",
        card_exp_month=8,
        card_exp_year=2027,
    )
    panel = admin_client.get(f"/customers/{customer.pk}/panel").content.decode()
    assert "Visa •••• 4242 · exp 08/27" in panel
    assert "Customer created" in panel or "customer.created" in panel
    assert admin_client.get(f"/customers/{customer.pk}").status_code == 200
    assert admin_client.get("/customers/999999").status_code == 404
    assert admin_client.get("/customers/999999/panel").status_code == 404


def test_an_admin_changes_a_status_with_a_reason(admin_client, admin_staff):
    customer = CustomerFactory(name="Acme Corp")
    url = reverse("customers:change_status", args=[customer.pk])
    response = admin_client.post(
        url,
        {"status": "suspended", "reason": "Chargebacks"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.status == Customer.Status.SUSPENDED
    event = Event.objects.get(kind="customer.status_changed")
    assert (event.actor, event.payload["reason"]) == (admin_staff, "Chargebacks")
    assert f'id="customers-row-{customer.pk}"' in response.content.decode()


def test_the_row_changed_in_place_keeps_the_lists_state(admin_client):
    customer = CustomerFactory(name="Acme Corp", type="company")
    url = reverse("customers:change_status", args=[customer.pk])
    current = "http://testserver/customers/?q=acme&type=company&sort=name"
    response = admin_client.post(
        url,
        {"status": "suspended", "reason": "Chargebacks"},
        headers={"HX-Request": "true", "HX-Current-URL": current},
    )
    html = response.content.decode()
    row = html.split(f'id="customers-row-{customer.pk}"')[1].split("</tr>")[0]
    state = "?q=acme&amp;type=company&amp;sort=name&amp;selected="
    assert f'hx-push-url="{state}{customer.pk}"' in row
    assert f'href="{state}{customer.pk}"' in row
    assert "<mark>Acme</mark> Corp" in row


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "suspended", "reason": ""}, "Give a reason"),
        ({"status": "active", "reason": "x"}, "is already active"),
        ({"status": "deleted", "reason": "x"}, ""),
    ],
)
def test_bad_status_changes_are_refused_and_change_nothing(admin_client, data, message):
    customer = CustomerFactory(name="Acme Corp")
    url = reverse("customers:change_status", args=[customer.pk])
    response = admin_client.post(url, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_other_roles_do_not_see_or_use_status_actions(viewer_client):
    customer = CustomerFactory()
    panel = viewer_client.get(f"/customers/{customer.pk}/panel").content.decode()
    assert "Suspend" not in panel
    url = reverse("customers:change_status", args=[customer.pk])
    assert (
        viewer_client.post(url, {"status": "suspended", "reason": "x"}).status_code
        == 403
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.ACTIVE


def test_viewers_do_not_see_export_and_cannot_use_it(viewer_client):
    assert "Export" not in viewer_client.get(LIST).content.decode()
    assert viewer_client.get("/customers/export").status_code == 403


@pytest.mark.parametrize("path", [LIST, "/customers/cards"])
def test_list_views_refuse_post(admin_client, path):
    assert admin_client.post(path).status_code == 405


def test_a_staff_member_without_a_role_gets_403(client):
    member = StaffFactory()
    member.groups.clear()
    client.force_login(member)
    assert client.get(LIST).status_code == 403


def test_the_list_takes_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries
):
    for n in range(30):
        CustomerFactory(name=f"Customer {n}")
    # The page also reads the member's columns and saved views: one query each.
    with django_assert_max_num_queries(12):
        admin_client.get(LIST, {"q": "custom"})


def test_older_history_comes_page_by_page(admin_client, admin_staff):
    from cloudfactory.customers.services import customer_change_status

    customer = CustomerFactory(name="Acme Corp")
    for n in range(25):
        status = "suspended" if n % 2 == 0 else "active"
        customer_change_status(
            customer_id=customer.pk, status=status, actor=admin_staff, reason=f"r{n}"
        )
    panel = admin_client.get(f"/customers/{customer.pk}/panel").content.decode()
    assert panel.count('class="activity-item"') == 20
    before = panel.split("?before=")[1].split('"')[0]
    older = admin_client.get(f"/customers/{customer.pk}/history", {"before": before})
    html = older.content.decode()
    assert html.count('class="activity-item"') == 6  # 5 changes and the creation
    assert "Customer created" in html and "Show older history" not in html
    bad = admin_client.get(f"/customers/{customer.pk}/history", {"before": "x"})
    assert bad.status_code == 400
