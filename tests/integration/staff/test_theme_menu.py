"""The user menu's theme choice: the current theme marked, and the form works
without a script (back to the page it was sent from)."""

import re

import pytest

from cloudfactory.staff.models import StaffUser

pytestmark = pytest.mark.django_db


def pressed(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'class="menu-theme-option" name="theme" value="(\w+)" '
            r'aria-pressed="(true|false)"',
            html,
        )
    )


def test_the_menu_marks_the_current_theme(member, member_client):
    html = member_client.get("/customers/").content.decode()
    assert 'action="/me/theme"' in html
    assert '<input type="hidden" name="next" value="/customers/">' in html
    assert pressed(html) == {"system": "true", "light": "false", "dark": "false"}
    member.theme = "dark"
    member.save(update_fields=["theme"])
    html = member_client.get("/customers/").content.decode()
    assert pressed(html) == {"system": "false", "light": "false", "dark": "true"}


def test_the_form_without_a_script_goes_back_to_its_page(member, member_client):
    response = member_client.post(
        "/me/theme", {"theme": "light", "next": "/customers/?type=company"}
    )
    assert response.status_code == 303
    assert response["Location"] == "/customers/?type=company"
    assert StaffUser.objects.get(pk=member.pk).theme == "light"


@pytest.mark.parametrize("away", ["https://evil.test/", "//evil.test/x"])
def test_it_never_sends_the_member_to_another_site(member, member_client, away):
    response = member_client.post("/me/theme", {"theme": "dark", "next": away})
    assert response.status_code == 204
    assert StaffUser.objects.get(pk=member.pk).theme == "dark"


def test_a_bad_theme_is_refused_and_nothing_changes(member, member_client):
    response = member_client.post("/me/theme", {"theme": "neon", "next": "/"})
    assert response.status_code == 400
    assert StaffUser.objects.get(pk=member.pk).theme == "system"


def test_get_is_not_allowed(member_client):
    assert member_client.get("/me/theme").status_code == 405
