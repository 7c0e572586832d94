"""Shared fixtures. The same suite runs on SQLite and, with DATABASE_URL set to a
PostgreSQL server, on PostgreSQL (see the Makefile's `test` target)."""

import pytest

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
