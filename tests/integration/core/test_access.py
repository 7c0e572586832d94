"""Every URL but login and the health checks needs a signed-in staff member."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import StaffFactory

OPEN_PATHS = {"/login", "/healthz", "/readyz"}
MACHINE_PREFIXES = ("/api/", "/events")


def _concrete_paths(resolver=None, prefix: str = ""):
    """A concrete path for each URL pattern, with 1 for every parameter."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _concrete_paths(entry, pattern)
        elif isinstance(entry, URLPattern):
            path = re.sub(r"<(?:\w+:)?\w+>", "1", pattern)
            path = re.sub(r"[\^\$]|\\Z", "", path)
            yield "/" + path


ALL_PATHS = sorted(set(_concrete_paths()))


def test_the_url_walk_found_the_routes():
    assert {"/", "/login", "/logout", "/healthz", "/readyz"} <= set(ALL_PATHS)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in ALL_PATHS if p not in OPEN_PATHS])
def test_anonymous_requests_are_sent_to_sign_in(client, path):
    for method in (client.get, client.post):
        response = method(path)
        if path.startswith(MACHINE_PREFIXES):
            assert response.status_code == 401
        else:
            assert response.status_code == 302
            assert response["Location"].startswith("/login?next=")


@pytest.mark.django_db
def test_health_checks_answer_without_signing_in(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_a_staff_member_without_a_role_is_refused(client):
    member = StaffFactory()
    member.groups.clear()
    client.force_login(member)
    assert client.get("/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "support", "billing", "viewer"])
def test_every_role_sees_the_overview(client, role):
    client.force_login(StaffFactory(role=role))
    assert client.get("/").status_code == 200


def test_readiness_fails_with_503_when_the_database_is_unreachable():
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "ALLOWED_HOSTS": "testserver",
    }
    script = (
        "from django.test import Client; print(Client().get('/readyz').status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-m", "cloudfactory.cli", "shell", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "503", result.stderr
