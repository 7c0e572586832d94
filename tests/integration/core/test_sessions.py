"""A session lasts a working day and ends sooner after an idle spell.

Each test signs in for real, then moves the times stored in the session row
(when the member signed in, when they were last seen) back, as the clock would.
"""

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cloudfactory.web.security import LAST_SEEN, SIGNED_IN_AT
from tests.factories import STAFF_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

DEPLOYMENT_DOC = Path(__file__).resolve().parents[3] / "docs" / "deployment.md"
IDLE_SENTENCE = "You were signed out after an hour without activity."


@pytest.fixture
def member_client(client):
    client.force_login(StaffFactory(role="support"))
    assert client.get("/customers/").status_code == 200
    return client


def move_back(client, key: str, seconds: int) -> None:
    """Make the session's stored `key` time `seconds` older."""
    session = client.session
    session[key] -= seconds
    session.save()


def stored(client, key: str) -> int:
    return client.session[key]


def test_signing_in_starts_the_working_day_and_the_idle_clock(client):
    member = StaffFactory(role="viewer")
    response = client.post(
        "/login", {"username": member.email, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 302
    now = time.time()
    assert now - 5 <= stored(client, SIGNED_IN_AT) <= now
    assert stored(client, LAST_SEEN) == stored(client, SIGNED_IN_AT)


def test_a_member_idle_for_an_hour_is_signed_out_and_told_why(member_client):
    move_back(member_client, LAST_SEEN, 3600)
    response = member_client.get("/customers/?type=company")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/customers/%3Ftype%3Dcompany"
    assert "_auth_user_id" not in member_client.session
    login_page = member_client.get(response["Location"])
    assert IDLE_SENTENCE in login_page.content.decode()
    # Signed out for good: the next request does not find the member again.
    assert member_client.get("/customers/").status_code == 302


def test_a_request_within_the_idle_limit_keeps_the_member_and_restarts_the_clock(
    member_client,
):
    move_back(member_client, LAST_SEEN, 59 * 60)
    assert member_client.get("/customers/").status_code == 200
    assert time.time() - stored(member_client, LAST_SEEN) < 5


def test_the_last_seen_time_is_written_at_most_once_a_minute(member_client):
    move_back(member_client, LAST_SEEN, 30)
    before = stored(member_client, LAST_SEEN)
    assert member_client.get("/customers/").status_code == 200
    assert stored(member_client, LAST_SEEN) == before


@pytest.mark.parametrize("read", ["/customers/cards", "/customers/live?ids=1&new=1"])
def test_what_a_page_reads_by_itself_is_not_activity(member_client, read):
    move_back(member_client, LAST_SEEN, 30 * 60)
    before = stored(member_client, LAST_SEEN)
    response = member_client.get(read, HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND="true")
    assert response.status_code == 200
    assert stored(member_client, LAST_SEEN) == before


def test_the_summary_cards_do_not_poll(member_client):
    """They change with the live events (/events), not on a timer."""
    page = member_client.get("/customers/").content.decode()
    cards = re.search(r'<section id="customer-cards"[^>]*>', page).group(0)
    assert "hx-trigger" not in cards
    assert "hx-get" not in cards


def test_an_htmx_request_after_the_idle_limit_gets_401_with_the_sentence(
    member_client,
):
    move_back(member_client, LAST_SEEN, 3600)
    response = member_client.get(
        "/customers/cards", HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND="true"
    )
    assert response.status_code == 401
    message = re.search(
        r"data-error-message>(.*?)</p>", response.content.decode()
    ).group(1)
    assert message == f"{IDLE_SENTENCE} Reload the page to sign in again."
    assert "_auth_user_id" not in member_client.session
    # Reloading: the sign-in page says why.
    assert IDLE_SENTENCE in member_client.get("/login").content.decode()


def test_an_htmx_request_without_a_session_gets_401_not_the_sign_in_page(client):
    response = client.get("/customers/?type=company", HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert b"<form" not in response.content


def test_the_working_day_ends_the_session_however_active_the_member(
    member_client,
):
    move_back(member_client, SIGNED_IN_AT, 12 * 3600)
    response = member_client.get("/customers/")
    assert response.status_code == 302
    assert "_auth_user_id" not in member_client.session
    login_page = member_client.get(response["Location"]).content.decode()
    assert "Your session ended 12 hours after you signed in." in login_page


def test_a_member_active_all_day_stays_signed_in_until_the_day_ends(member_client):
    move_back(member_client, SIGNED_IN_AT, 12 * 3600 - 60)
    assert member_client.get("/customers/").status_code == 200


def test_the_limits_follow_the_settings(member_client, settings):
    settings.SESSION_IDLE_TIMEOUT = 15 * 60
    move_back(member_client, LAST_SEEN, 15 * 60)
    response = member_client.get("/customers/", follow=True)
    assert (
        "You were signed out after 15 minutes without activity."
        in response.content.decode()
    )


def test_signing_out_clears_the_session_times(member_client):
    member_client.post("/logout")
    assert SIGNED_IN_AT not in member_client.session
    assert LAST_SEEN not in member_client.session


def production_profile() -> dict[str, str]:
    """The variables of docs/deployment.md's production profile."""
    text = DEPLOYMENT_DOC.read_text()
    block = re.search(
        r"## Production profile.*?```sh\n(.*?)```", text, flags=re.DOTALL
    ).group(1)
    return dict(re.findall(r"^export (\w+)=(\S*)", block, flags=re.MULTILINE))


def run_cloudfactory(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cloudfactory.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def profile_env(tmp_path) -> dict[str, str]:
    profile = production_profile()
    assert profile["SECURE_SSL_REDIRECT"] == "true"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DATABASE_URL"} and not key.startswith("SECURE_")
    }
    env.update(profile)
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["CLOUDFACTORY_VAR_DIR"] = str(tmp_path)
    # The database the suite runs on (the checks do not connect to it).
    env["DATABASE_URL"] = os.environ.get(
        "DATABASE_URL", f"sqlite:///{tmp_path / 'cloudfactory.sqlite3'}"
    )
    return env


def test_check_deploy_reports_nothing_under_the_production_profile(profile_env):
    result = run_cloudfactory(
        profile_env, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_the_profile(profile_env):
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_COOKIES"):
        profile_env.pop(name)
    result = run_cloudfactory(
        profile_env, "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012"):
        assert warning in result.stderr


def test_the_session_limits_and_https_settings_come_from_the_environment(
    profile_env,
):
    profile_env.update(
        SESSION_HOURS="8",
        SESSION_IDLE_MINUTES="20",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    result = run_cloudfactory(
        profile_env,
        "shell",
        "-c",
        "from django.conf import settings as s; print(s.SESSION_COOKIE_AGE, "
        "s.SESSION_IDLE_TIMEOUT, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "28800 1200 True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
