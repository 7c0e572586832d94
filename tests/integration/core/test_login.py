import pytest
from django.contrib.auth import get_user_model

from tests.factories import STAFF_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def _sign_in(client, email: str, password: str):
    return client.post("/login", {"username": email, "password": password})


def test_the_login_page_is_open_to_everyone(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_a_staff_member_signs_in_and_out(client):
    member = StaffFactory()
    response = _sign_in(client, member.email, STAFF_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)
    assert client.post("/logout").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_is_refused_with_a_sentence(client):
    member = StaffFactory()
    response = _sign_in(client, member.email, "not the password")
    assert response.status_code == 200
    assert "do not match a staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client, settings
):
    member = StaffFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, member.email, "wrong password!")
    response = _sign_in(client, member.email, STAFF_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_passwords_are_stored_with_argon2(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    member = StaffFactory()
    stored = get_user_model().objects.get(pk=member.pk).password
    assert stored.startswith("argon2$")
