"""Shared fixtures. The same suite runs on SQLite and, with DATABASE_URL set to a
PostgreSQL server, on PostgreSQL (see the Makefile's `test` target)."""

import pytest
from django.db import connections

from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher; tests only need a hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_staff(db):
    return StaffFactory(role="admin")


@pytest.fixture
def viewer_staff(db):
    return StaffFactory(role="viewer")


@pytest.fixture
def admin_client(client, admin_staff):
    client.force_login(admin_staff)
    return client


@pytest.fixture(autouse=True)
def _exports_read_the_tests_transaction(request):
    """Downloads read through the "exports" database alias, a connection of
    their own. A test that runs inside a transaction would not see its own rows
    from there, so the alias reads through the test's connection. Tests with
    committed data (transaction=True, the browser tests) keep the real one."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in request.fixturenames
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not uses_db:
        yield
        return
    if transactional:
        yield
        # Its pool would keep the test database open past the suite.
        exports = connections["exports"]
        if exports.vendor == "postgresql":
            exports.close_pool()
        return
    request.getfixturevalue("_django_db_helper")
    own = connections["exports"]
    connections["exports"] = connections["default"]
    yield
    connections["exports"] = own
