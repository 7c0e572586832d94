"""POST /me/theme: the light or dark look a staff member picks from the
palette, kept on the server and put on every page's <html>."""

import re

import pytest
from django.test import Client

from cloudfactory.staff.models import StaffUser
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def theme_of(member) -> str:
    return StaffUser.objects.get(pk=member.pk).theme


def test_a_new_member_follows_the_system(member, member_client):
    assert theme_of(member) == "system"
    html = member_client.get("/").content.decode()
    assert '<html lang="en" data-theme="system">' in html
    assert '<meta name="color-scheme" content="light dark">' in html


@pytest.mark.parametrize(
    ("theme", "scheme"),
    [("dark", "dark"), ("light", "light"), ("system", "light dark")],
)
def test_each_theme_is_kept_and_shown_on_the_next_page(
    member, member_client, theme, scheme
):
    response = member_client.post("/me/theme", {"theme": theme})

    assert response.status_code == 204
    assert response.content == b""
    assert theme_of(member) == theme
    html = member_client.get("/").content.decode()
    assert f'<html lang="en" data-theme="{theme}">' in html
    assert f'<meta name="color-scheme" content="{scheme}">' in html


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        ({"theme": "purple"}, "Theme must be System, Light or Dark."),
        ({"theme": "DARK"}, "Theme must be System, Light or Dark."),
        ({"theme": ""}, "Choose a theme: System, Light or Dark."),
        ({}, "Choose a theme: System, Light or Dark."),
        ({"theme": "dark\x00"}, "Theme must be System, Light or Dark."),
        ({"theme": "<script>"}, "Theme must be System, Light or Dark."),
    ],
)
def test_a_bad_value_is_refused_with_a_sentence_and_changes_nothing(
    member, member_client, data, sentence
):
    member_client.post("/me/theme", {"theme": "dark"})

    response = member_client.post("/me/theme", data)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == sentence
    assert theme_of(member) == "dark"


def test_it_changes_only_the_member_who_asked(member, member_client):
    other = StaffFactory(role="admin")

    member_client.post("/me/theme", {"theme": "light"})

    assert theme_of(member) == "light"
    assert theme_of(other) == "system"


def test_only_a_post_changes_it(member, member_client):
    assert member_client.get("/me/theme", {"theme": "dark"}).status_code == 405
    assert theme_of(member) == "system"


def test_a_post_without_the_csrf_token_is_refused(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post("/me/theme", {"theme": "dark"})

    assert response.status_code == 403
    assert theme_of(member) == "system"


def test_the_csrf_token_of_the_page_is_accepted(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    html = client.get("/").content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)

    response = client.post("/me/theme", {"theme": "dark"}, HTTP_X_CSRFTOKEN=token)

    assert response.status_code == 204
    assert theme_of(member) == "dark"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.post("/me/theme", {"theme": "dark"})

    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_anonymous_from_a_script_gets_a_401(client):
    response = client.post("/me/theme", {"theme": "dark"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 401


def test_the_sign_in_page_carries_no_theme(client):
    html = client.get("/login").content.decode()

    assert '<html lang="en">' in html
    assert '<meta name="color-scheme" content="light dark">' in html
