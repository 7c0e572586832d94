"""Saved views on every list: saved, renamed, updated, deleted and copied
through their URLs; seen by their owner and by those they are shared with;
refused with a sentence when the input is wrong; opened by an ordinary link."""

import html
import json
import re

import pytest
from django.test import Client

from cloudfactory.staff.models import StaffUser
from cloudfactory.web.models import SavedView
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_HX_REQUEST": "true"}
# Each list: its page, its URL namespace, and a state its form accepts.
LISTS = {
    "/customers/": ("customers", "type=company&q=acme"),
    "/users": ("users", "q=ada"),
    "/orders": ("orders", "status=pending"),
    "/invoices": ("invoices", "status=open"),
    "/support": ("support", "status=open"),
}
UNKNOWN = "does not exist or is not shared with you"


def signed_in(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def save(client, name="Big companies", sharing="personal", **fields):
    data = {"name": name, "sharing": sharing, "state": "type=company&q=acme"}
    return client.post("/customers/views", {**data, **fields}, **FETCH)


def row_names(page_html: str) -> list[str]:
    """The names of the customers a page lists, in order."""
    links = re.findall(r'class="row-link"[^>]*>(.*?)</a>', page_html, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", link)) for link in links]


def tab_names(client, path="/customers/") -> list[str]:
    page = client.get(path).content.decode()
    return [
        html.unescape(piece.split("</span>", 1)[0])
        for piece in page.split('<span class="views-tab-name">')[2:]
    ]


@pytest.fixture
def ada(db):
    return StaffFactory(full_name="Ada", role="support")


@pytest.fixture
def bob(db):
    return StaffFactory(full_name="Bob", role="billing")


@pytest.fixture
def cy(db):
    return StaffFactory(full_name="Cy", role="support")


@pytest.fixture
def customers(db):
    CustomerFactory(name="Acme Corp", type="company")
    CustomerFactory(name="Acme Works", type="company")
    CustomerFactory(name="Ann Acme", type="individual")
    CustomerFactory(name="Zenith Ltd", type="company")


# --- Saving and opening -------------------------------------------------------


def test_a_saved_view_keeps_the_lists_state_and_answers_with_the_bar(ada):
    response = save(
        signed_in(ada),
        state="?type=company&q=acme&status=&cursor=xyz&selected=3&view=9&zzz=1",
    )
    assert response.status_code == 200
    done = json.loads(response.content)
    view = SavedView.objects.get()
    assert done["message"] == "View “Big companies” saved"
    assert done["view"] == view.pk
    assert (view.owner, view.list_name, view.name) == (
        ada,
        "customers",
        "Big companies",
    )
    assert view.state == "type=company&q=acme"
    assert view.sharing == "personal" and view.role == ""
    assert f'data-view-tab="{view.pk}"' in done["bar"]
    assert 'aria-current="page" data-view-tab="' + str(view.pk) in done["bar"]


def test_without_javascript_saving_goes_to_the_views_link(ada):
    response = signed_in(ada).post(
        "/customers/views",
        {"name": "Mine", "sharing": "personal", "state": "type=company"},
    )
    view = SavedView.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/customers/?type=company&view={view.pk}"


def test_opening_a_views_link_shows_its_rows_and_marks_its_tab(ada, customers):
    client = signed_in(ada)
    save(client)
    view = SavedView.objects.get()
    page = client.get(f"/customers/?type=company&q=acme&view={view.pk}")
    text = page.content.decode()
    assert page.status_code == 200
    assert sorted(row_names(text)) == ["Acme Corp", "Acme Works"]
    assert f'aria-current="page" data-view-tab="{view.pk}"' in text
    assert 'aria-current="page" data-view-tab=""' not in text


def test_a_link_naming_only_the_view_opens_its_state(ada):
    client = signed_in(ada)
    save(client)
    view = SavedView.objects.get()
    response = client.get(f"/customers/?view={view.pk}&selected=4")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/customers/?type=company&q=acme&view={view.pk}&selected=4"
    )


def test_the_view_stays_in_the_row_sort_and_export_links(admin_staff, customers):
    client = signed_in(admin_staff)
    save(client)
    view = SavedView.objects.get()
    text = client.get(f"/customers/?type=company&q=acme&view={view.pk}").content
    text = text.decode()
    assert f"?type=company&amp;q=acme&amp;view={view.pk}&amp;selected=" in text
    assert f"/customers/export?type=company&amp;q=acme&amp;view={view.pk}" in text


@pytest.mark.parametrize("path", LISTS)
def test_every_list_saves_and_opens_views(ada, path):
    list_name, state = LISTS[path]
    client = signed_in(ada)
    base = path.rstrip("/")
    response = client.post(
        f"{base}/views",
        {"name": "Mine", "sharing": "personal", "state": state},
        **FETCH,
    )
    assert response.status_code == 200, response.content
    view = SavedView.objects.get()
    assert (view.list_name, view.state) == (list_name, state)
    page = client.get(f"{path}?{state}&view={view.pk}")
    assert page.status_code == 200
    assert f'aria-current="page" data-view-tab="{view.pk}"' in page.content.decode()
    count = client.get(f"{base}/views/count", {"view": view.pk})
    assert count.status_code == 200


def test_a_tabs_count_is_the_lists_count_for_the_views_filters(ada, customers):
    client = signed_in(ada)
    save(client, state="type=company")
    view = SavedView.objects.get()
    count = client.get("/customers/views/count", {"view": view.pk})
    assert count.content.decode().strip() == "3"
    assert client.get("/customers/views/count").content.decode().strip() == "4"


# --- Sharing ------------------------------------------------------------------


def test_a_personal_view_is_seen_by_its_owner_only(ada, cy):
    save(signed_in(ada), name="Ada's own")
    assert tab_names(signed_in(ada)) == ["Ada's own"]
    assert tab_names(signed_in(cy)) == []


def test_a_view_shared_with_a_role_is_seen_by_that_role_only(ada, bob, cy):
    response = save(signed_in(ada), name="For support", sharing="role", role="support")
    assert response.status_code == 200
    assert tab_names(signed_in(cy)) == ["For support"]
    assert tab_names(signed_in(bob)) == []
    view = SavedView.objects.get()
    page = signed_in(bob).get(f"/customers/?type=company&q=acme&view={view.pk}")
    assert page.status_code == 200
    assert UNKNOWN in page.content.decode()


def test_a_view_shared_with_all_staff_is_seen_by_all_after_their_own(ada, bob):
    save(signed_in(ada), name="Everyone's", sharing="everyone")
    save(signed_in(bob), name="Bob's own")
    assert tab_names(signed_in(bob)) == ["Bob's own", "Everyone's"]
    assert tab_names(signed_in(ada)) == ["Everyone's"]


def test_views_of_one_list_are_not_shown_on_another(ada):
    save(signed_in(ada), sharing="everyone")
    assert tab_names(signed_in(ada), "/orders") == []


# --- Rename, update, delete, copy -----------------------------------------------


@pytest.fixture
def shared_view(ada):
    save(signed_in(ada), sharing="everyone")
    return SavedView.objects.get()


def test_the_owner_renames_a_view(ada, shared_view):
    response = signed_in(ada).post(
        f"/customers/views/{shared_view.pk}/rename", {"name": "  Acme firms "}, **FETCH
    )
    assert response.status_code == 200
    assert json.loads(response.content)["message"] == "View renamed “Acme firms”"
    shared_view.refresh_from_db()
    assert shared_view.name == "Acme firms"


def test_the_owner_updates_a_view_to_the_state_on_screen(ada, shared_view):
    response = signed_in(ada).post(
        f"/customers/views/{shared_view.pk}/update",
        {"state": f"status=active&sort=name&view={shared_view.pk}", "columns": ""},
        **FETCH,
    )
    assert response.status_code == 200
    assert json.loads(response.content)["message"] == "View “Big companies” updated"
    shared_view.refresh_from_db()
    assert shared_view.state == "status=active&sort=name"


def test_the_owner_deletes_a_view(ada, shared_view):
    response = signed_in(ada).post(f"/customers/views/{shared_view.pk}/delete", **FETCH)
    assert response.status_code == 200
    done = json.loads(response.content)
    assert done == {**done, "message": "View “Big companies” deleted", "view": None}
    assert not SavedView.objects.exists()


def test_another_member_copies_a_shared_view_as_their_own(bob, shared_view):
    client = signed_in(bob)
    response = client.post(f"/customers/views/{shared_view.pk}/copy", **FETCH)
    assert response.status_code == 200
    copy = SavedView.objects.get(owner=bob)
    assert json.loads(response.content)["view"] == copy.pk
    assert (copy.name, copy.state, copy.sharing) == (
        "Big companies",
        "type=company&q=acme",
        "personal",
    )
    client.post(f"/customers/views/{shared_view.pk}/copy", **FETCH)
    names = SavedView.objects.filter(owner=bob).values_list("name", flat=True)
    assert sorted(names) == ["Big companies", "Big companies (2)"]


@pytest.mark.parametrize(
    ("action", "data"),
    [("rename", {"name": "Mine now"}), ("update", {"state": "type="}), ("delete", {})],
)
def test_only_the_owner_changes_a_view(bob, shared_view, action, data):
    response = signed_in(bob).post(
        f"/customers/views/{shared_view.pk}/{action}", data, **FETCH
    )
    assert response.status_code == 403
    assert response.content.decode() == (
        f"Only Ada can {action} “Big companies”; copy it to have a view of your own."
    )
    assert SavedView.objects.get() == shared_view
    shared_view.refresh_from_db()
    assert (shared_view.name, shared_view.state) == (
        "Big companies",
        "type=company&q=acme",
    )


@pytest.mark.parametrize("action", ["rename", "update", "delete", "copy"])
def test_a_view_not_shared_with_the_member_is_not_found(ada, bob, action):
    save(signed_in(ada), name="Private")
    view = SavedView.objects.get()
    response = signed_in(bob).post(
        f"/customers/views/{view.pk}/{action}", {"name": "x"}, **FETCH
    )
    assert response.status_code == 404
    assert UNKNOWN in response.content.decode()
    assert list(SavedView.objects.values_list("owner", "name")) == [(ada.pk, "Private")]


def test_a_view_is_changed_only_through_its_own_list(ada, shared_view):
    response = signed_in(ada).post(
        f"/orders/views/{shared_view.pk}/rename", {"name": "Orders?"}, **FETCH
    )
    assert response.status_code == 404
    shared_view.refresh_from_db()
    assert shared_view.name == "Big companies"


# --- Refused input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"name": "   "}, "Give the view a name."),
        ({"name": "x" * 61}, "The name is 61 characters long; at most 60 fit."),
        ({"name": "BIG companies"}, "You already have a view named “BIG companies”"),
        ({"name": "Bad\u202eone"}, "invisible or control character (U+202E)"),
        ({"sharing": "friends"}, "Share the view with only you, a role or all staff."),
        ({"sharing": "role", "role": "pilot"}, "Share the view with one of the roles"),
        ({"state": "type=robot"}, "Type must be All, Companies or Individuals."),
        ({"state": "sort=shoe-size"}, "These filters cannot be saved: Sort by one of"),
        ({"state": "q=" + "a" * 2001}, "These filters are too long to save"),
        ({"columns": "name,secret"}, "Customers has no column 'secret'"),
        ({"columns": "name,name"}, "Each column may be shown once."),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_nothing_changes(
    ada, fields, sentence
):
    client = signed_in(ada)
    save(client)
    response = save(client, **{"name": "Another", **fields})
    assert response.status_code == 422
    assert sentence in response.content.decode()
    assert SavedView.objects.count() == 1


def test_a_bad_rename_changes_nothing(ada, shared_view):
    save(signed_in(ada), name="Other")
    response = signed_in(ada).post(
        f"/customers/views/{shared_view.pk}/rename", {"name": "other"}, **FETCH
    )
    assert response.status_code == 422
    shared_view.refresh_from_db()
    assert shared_view.name == "Big companies"


def test_a_bad_update_changes_nothing(ada, shared_view):
    response = signed_in(ada).post(
        f"/customers/views/{shared_view.pk}/update", {"state": "status=gone"}, **FETCH
    )
    assert response.status_code == 422
    assert "Status must be" in response.content.decode()
    shared_view.refresh_from_db()
    assert shared_view.state == "type=company&q=acme"


def test_views_answer_only_posts_from_members_who_may_see_the_list(ada, shared_view):
    assert signed_in(ada).get("/customers/views").status_code == 405
    assert signed_in(ada).get(
        f"/customers/views/{shared_view.pk}/copy"
    ).status_code == (405)
    no_role = StaffUser.objects.create_user("nobody@cloudfactory.test", "x" * 12)
    client = signed_in(no_role)
    assert save(client).status_code == 403
    assert client.get("/customers/views/count").status_code == 403
    assert SavedView.objects.count() == 1


# --- Views whose filters no longer apply, and unknown views ---------------------


def test_a_view_whose_filters_no_longer_parse_opens_with_the_lists_message(
    ada, shared_view
):
    SavedView.objects.filter(pk=shared_view.pk).update(state="type=robot")
    client = signed_in(ada)
    tabs = client.get("/customers/").content.decode()
    assert f'href="/customers/?type=robot&amp;view={shared_view.pk}"' in tabs
    page = client.get(f"/customers/?view={shared_view.pk}", follow=True)
    text = page.content.decode()
    assert page.status_code == 400
    assert "Type must be All, Companies or Individuals." in text
    assert "Show all customers" in text
    assert f'aria-current="page" data-view-tab="{shared_view.pk}"' in text
    count = client.get("/customers/views/count", {"view": shared_view.pk})
    assert count.status_code == 200
    assert "its filters no longer apply" in count.content.decode()


@pytest.mark.parametrize("value", ["999999", "abc", "-1", str(2**70)])
def test_an_unknown_view_in_a_link_is_said_and_the_list_still_shows(
    ada, customers, value
):
    page = signed_in(ada).get("/customers/", {"type": "company", "view": value})
    text = page.content.decode()
    assert page.status_code == 200
    assert UNKNOWN in text
    assert sorted(row_names(text)) == ["Acme Corp", "Acme Works", "Zenith Ltd"]
    assert 'aria-current="page" data-view-tab=""' in text


def test_an_unknown_view_has_no_count(ada):
    client = signed_in(ada)
    assert client.get("/customers/views/count", {"view": 4242}).status_code == 404
    assert client.get("/customers/views/count", {"view": "x"}).status_code == 400


def test_a_views_name_is_escaped_wherever_it_shows(ada, cy):
    script = "<script>alert(1)</script>"
    response = save(signed_in(ada), name=script, sharing="everyone")
    assert response.status_code == 200
    done = json.loads(response.content)
    assert script not in done["bar"]
    view = SavedView.objects.get()
    for client in (signed_in(ada), signed_in(cy)):
        text = client.get(f"/customers/?type=company&q=acme&view={view.pk}").content
        text = text.decode()
        assert script not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    refused = signed_in(cy).post(f"/customers/views/{view.pk}/delete", **FETCH)
    assert refused["Content-Type"] == "text/plain; charset=utf-8"


def test_a_view_keeps_its_columns_and_shows_them_to_whoever_opens_it(
    ada, cy, customers
):
    response = save(signed_in(ada), sharing="everyone", columns="name,email,status")
    assert response.status_code == 200
    view = SavedView.objects.get()
    assert view.columns == ["name", "email", "status"]
    page = signed_in(cy).get(f"/customers/?view={view.pk}", follow=True)
    link = f"/customers/?type=company&q=acme&columns=name,email,status&view={view.pk}"
    assert page.redirect_chain == [(link, 302)]
    assert 'data-columns="name,email,status"' in page.content.decode()


def test_updating_a_view_keeps_the_columns_on_screen(ada, shared_view):
    response = signed_in(ada).post(
        f"/customers/views/{shared_view.pk}/update",
        {"state": "type=company&columns=name,status", "columns": "name,status"},
        **FETCH,
    )
    assert response.status_code == 200
    shared_view.refresh_from_db()
    assert (shared_view.state, shared_view.columns) == (
        "type=company",
        ["name", "status"],
    )
