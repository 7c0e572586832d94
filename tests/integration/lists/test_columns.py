"""Choosing a list's columns (the Columns menu): what a staff member sees on
the page, in its fragments, its "load more" rows, its live rows and its
export; what the menu refuses; who may choose."""

import csv
import io
import re

import pytest

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.web.models import ColumnChoice
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    StaffFactory,
    TenantUserFactory,
    TicketFactory,
)
from tests.integration.lists.pages import LIST_PAGES

pytestmark = pytest.mark.django_db

LIST = "/customers/"
COLUMNS = "/customers/columns"
HTMX = {"HTTP_HX_REQUEST": "true"}
GUIDE_FIVE = ["name", "type", "status", "users_count", "created_at"]
GUIDE_EIGHT = [
    "Name",
    "Type",
    "Status",
    "Email",
    "User count",
    "Order count",
    "Invoice count",
    "Creation date",
]


def header(html: str) -> list[str]:
    """The columns of the table's header, by name, in order."""
    return re.findall(r'<th scope="col" class="col-(\w+)', html)


def cells(html: str, pk: int) -> list[str]:
    """The columns of row `pk`'s cells, by name, in order."""
    row = re.search(rf'<tr id="\w+-row-{pk}".*?</tr>', html, re.S)
    assert row, f"row {pk} is not shown"
    return re.findall(r'<td class="col-(\w+)', row.group(0))


def exported(client, path: str = "/customers/export") -> list[list[str]]:
    response = client.get(path)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def choose(client, *names: str, current: str = LIST, **data):
    body = {"columns": list(names), **data} if names else data
    return client.post(
        COLUMNS, body, HTTP_HX_CURRENT_URL=f"http://testserver{current}", **HTMX
    )


@pytest.fixture
def acme(db):
    acme = CustomerFactory(name="Acme Corp", email="ops@acme.test")
    TenantUserFactory(customer_id=acme.pk)
    return acme


def test_customers_show_the_guides_five_columns_to_begin_with(admin_client, acme):
    html = admin_client.get(LIST).content.decode()
    assert header(html) == GUIDE_FIVE
    assert cells(html, acme.pk) == GUIDE_FIVE
    assert '<th scope="col" class="col-name" data-priority="1"' in html
    assert '<th scope="col" class="col-status" data-priority="1"' in html
    assert '<td class="col-users_count num" data-priority="2">1</td>' in html


def test_the_menu_offers_eight_customer_columns_the_five_checked(admin_client):
    page = admin_client.get(LIST).content.decode()
    # Read as the menu opens: a closed menu holds no controls.
    assert f'hx-get="{COLUMNS}"' in page
    assert "columns-show-" not in page
    menu = admin_client.get(COLUMNS, **HTMX).content.decode()
    labels = re.findall(r'id="columns-show-(\w+)"([^>]*)>', menu)
    assert [name for name, _ in labels] == [
        *GUIDE_FIVE,
        "email",
        "orders_count",
        "invoices_count",
    ]
    assert [name for name, attrs in labels if " checked" in attrs] == GUIDE_FIVE
    # The name opens the row's panel: it cannot be hidden.
    assert "disabled" in dict(labels)["name"]
    assert 'aria-label="Move Users up"' in menu
    assert "Reset to default" in menu


def test_without_a_choice_the_export_is_the_guides_eight(admin_client, acme):
    rows = exported(admin_client)
    assert rows[0] == GUIDE_EIGHT


def test_a_choice_shows_on_the_page_its_fragments_and_live_rows(admin_client, acme):
    response = choose(admin_client, "name", "email", "status")
    assert response.status_code == 200
    html = response.content.decode()
    assert header(html) == ["name", "email", "status"]
    assert cells(html, acme.pk) == ["name", "email", "status"]
    assert '<td class="col-email" data-priority="4">ops@acme.test</td>' in html
    # The menu follows, out of band.
    assert 'id="columns-panel"' in html and 'hx-swap-oob="true"' in html

    page = admin_client.get(LIST).content.decode()
    assert header(page) == ["name", "email", "status"]
    fragment = admin_client.get(LIST, {"q": "acme"}, **HTMX).content.decode()
    assert header(fragment) == ["name", "email", "status"]
    live = admin_client.get("/customers/live", {"ids": acme.pk}, **HTMX)
    assert cells(live.content.decode(), acme.pk) == ["name", "email", "status"]


def test_a_choice_sets_the_exports_columns_in_its_order(admin_client, acme):
    choose(admin_client, "name", "email", "status")
    assert exported(admin_client) == [
        ["Name", "Email", "Status"],
        ["Acme Corp", "ops@acme.test", "Active"],
    ]
    choose(admin_client, "status", "name", "orders_count")
    rows = exported(admin_client)
    assert rows == [["Status", "Name", "Order count"], ["Active", "Acme Corp", "0"]]


def test_hiding_users_takes_it_off_the_list_and_the_export(admin_client, acme):
    choose(admin_client, "name", "type", "status", "created_at")
    assert "users_count" not in header(admin_client.get(LIST).content.decode())
    headers = exported(admin_client)[0]
    assert "User count" not in headers
    assert headers == ["Name", "Type", "Status", "Creation date"]


def test_load_more_rows_have_the_columns_of_the_page(admin_client):
    customers = [CustomerFactory(name=f"Shop {n}") for n in range(51)]
    choose(admin_client, "name", "status")
    page = admin_client.get(LIST).content.decode()
    more = re.search(r'href="(\?[^"]*cursor=[^"]*)"', page).group(1)
    assert "columns=name%2Cstatus" in more
    html = admin_client.get(LIST + more.replace("&amp;", "&"), **HTMX)
    assert cells(html.content.decode(), customers[0].pk) == ["name", "status"]
    assert 'colspan="2"' in html.content.decode()


def test_rows_asked_with_the_pages_columns_fit_its_header(admin_client, acme):
    """A page open before the choice changed keeps getting rows that fit it."""
    choose(admin_client, "name", "email")
    params = {"ids": acme.pk, "columns": "name,type,status,users_count,created_at"}
    live = admin_client.get("/customers/live", params, **HTMX).content.decode()
    assert cells(live, acme.pk) == GUIDE_FIVE


def test_the_results_come_back_with_the_pages_filters(admin_client, acme):
    zenith = CustomerFactory(name="Zenith")
    html = choose(admin_client, "name", "email", current=f"{LIST}?q=acme")
    assert cells(html.content.decode(), acme.pk) == ["name", "email"]
    assert f"customers-row-{zenith.pk}" not in html.content.decode()


def test_reset_goes_back_to_the_defaults_and_the_declared_export(
    admin_client, admin_staff, acme
):
    choose(admin_client, "name", "email")
    response = choose(admin_client, reset="true")
    assert response.status_code == 200
    assert header(response.content.decode()) == GUIDE_FIVE
    assert not ColumnChoice.objects.filter(staff=admin_staff).exists()
    assert exported(admin_client)[0] == GUIDE_EIGHT


@pytest.mark.parametrize(
    ("names", "sentence"),
    [
        ((), "Choose at least one column to show."),
        (("name", "color"), "“color” is not a column of this list."),
        (("name", "email", "email"), "Email is chosen more than once."),
        (("status", "email"), "Name must stay shown."),
        (("name",) * 9, "This list has 8 columns; 9 were chosen."),
        (("name", "x" * 5000), f"“{'x' * 40}” is not a column of this list."),
        (("name", "<b>bold</b>"), "“&lt;b&gt;bold&lt;/b&gt;” is not a column"),
    ],
)
def test_a_refused_choice_is_a_400_that_changes_nothing(
    admin_client, admin_staff, names, sentence
):
    choose(admin_client, "name", "status")
    response = choose(admin_client, *names)
    assert response.status_code == 400
    assert sentence in response.content.decode()
    choice = ColumnChoice.objects.get(staff=admin_staff)
    assert choice.columns == ["name", "status"]


def test_the_columns_url_takes_only_gets_and_posts(admin_client):
    assert admin_client.put(COLUMNS).status_code == 405
    assert admin_client.delete(COLUMNS).status_code == 405


def test_without_htmx_a_choice_goes_back_to_the_list(admin_client, admin_staff):
    response = admin_client.post(COLUMNS, {"columns": ["name", "email"]})
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert ColumnChoice.objects.get(staff=admin_staff).columns == ["name", "email"]


def test_choosing_needs_a_sign_in(client):
    response = client.post(COLUMNS, {"columns": ["name"]})
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=/customers/columns")
    assert client.get(COLUMNS).status_code == 302
    assert not ColumnChoice.objects.exists()


def test_choosing_needs_the_lists_permission(client):
    nobody = StaffFactory()
    nobody.groups.clear()
    client.force_login(nobody)
    assert choose(client, "name", "email").status_code == 403
    assert client.get(COLUMNS).status_code == 403
    assert not ColumnChoice.objects.exists()


def test_one_members_choice_leaves_anothers_list_alone(client, admin_client, acme):
    choose(admin_client, "name", "email")
    other = StaffFactory(role="viewer")
    client.force_login(other)
    assert header(client.get(LIST).content.decode()) == GUIDE_FIVE
    other_admin = StaffFactory(role="admin")
    client.force_login(other_admin)
    assert exported(client)[0] == GUIDE_EIGHT


def test_a_choice_is_kept_per_list(admin_client, acme):
    choose(admin_client, "name", "email")
    html = admin_client.get("/users").content.decode()
    assert header(html) == [c.name for c in LIST_PAGES["/users"].default_columns]


@pytest.fixture
def one_of_each(acme):
    OrderFactory(customer_id=acme.pk)
    InvoiceFactory(customer_id=acme.pk)
    TicketFactory(customer_id=acme.pk)


@pytest.mark.parametrize("path", LIST_PAGES, ids=lambda p: p.strip("/"))
def test_every_list_shows_and_exports_the_columns_chosen(
    admin_client, one_of_each, path
):
    list_page = LIST_PAGES[path]
    first, *_, last = list_page.columns
    url = f"{path.rstrip('/')}/columns"
    response = admin_client.post(
        url,
        {"columns": [last.name, first.name]},
        HTTP_HX_CURRENT_URL=f"http://testserver{path}",
        **HTMX,
    )
    assert response.status_code == 200
    page = admin_client.get(path).content.decode()
    assert f'<th scope="col" class="col-{last.name}' in page
    menu = admin_client.get(url).content.decode()
    assert re.findall(r'id="columns-show-(\w+)" checked', menu) == [
        last.name,
        first.name,
    ]
    export = admin_client.get(f"{path.rstrip('/')}/export")
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    headers = next(csv.reader(io.StringIO(text)))
    followed = {c.column: c.header for c in list_page.export.columns}
    assert headers[0] == followed[last.name]
    assert set(headers) == {
        c.header
        for c in list_page.export.columns
        if c.column in (first.name, last.name)
    }


def test_columns_named_by_a_saved_view_drop_the_unknown_and_keep_the_name(
    admin_staff,
):
    columns = CUSTOMER_LIST_PAGE.columns_for(admin_staff, ["email", "nope", "type"])
    assert [c.name for c in columns] == ["name", "email", "type"]
    fallback = CUSTOMER_LIST_PAGE.columns_for(admin_staff, ["nope"])
    assert [c.name for c in fallback] == GUIDE_FIVE


def test_on_a_link_naming_its_columns_the_menu_changes_the_link_not_the_choice(
    admin_client, admin_staff, acme
):
    current = f"{LIST}?q=acme&columns=name,status&view=7"
    menu = admin_client.get(
        COLUMNS, HTTP_HX_CURRENT_URL=f"http://testserver{current}", **HTMX
    ).content.decode()
    assert len(re.findall(r'<input type="checkbox"[^>]*checked', menu)) == 2

    response = choose(admin_client, "name", "status", "email", current=current)
    assert response.status_code == 200
    assert cells(response.content.decode(), acme.pk) == ["name", "status", "email"]
    assert response["HX-Replace-Url"] == (
        "/customers/?q=acme&columns=name%2Cstatus%2Cemail&view=7"
    )
    assert not ColumnChoice.objects.filter(staff=admin_staff).exists()


def test_resetting_a_link_naming_its_columns_names_the_defaults(admin_client, acme):
    current = f"{LIST}?columns=name,email"
    response = choose(admin_client, reset="true", current=current)
    assert cells(response.content.decode(), acme.pk) == GUIDE_FIVE
    assert (
        "columns=name%2Ctype%2Cstatus%2Cusers_count%2Ccreated_at"
        in (response["HX-Replace-Url"])
    )
