"""Downloads are capped per staff member and per process, read through a
connection of their own, and give their slot back however they end."""

import gc

import pytest
from django.db import connections
from django.test import Client

from cloudfactory.web.export_slots import EXPORT_SLOTS
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db

EXPORT = "/customers/export"


@pytest.fixture(autouse=True)
def _caps(settings):
    settings.EXPORTS_PER_MEMBER = 2
    settings.EXPORTS_PER_PROCESS = 3
    assert EXPORT_SLOTS.running() == 0
    yield
    gc.collect()
    assert EXPORT_SLOTS.running() == 0, "a download kept its slot"


def signed_in() -> Client:
    client = Client()
    client.force_login(StaffFactory(role="admin"))
    return client


def test_a_member_runs_two_downloads_at_once_and_is_told_about_the_third(
    admin_client,
):
    CustomerFactory()
    running = [admin_client.get(EXPORT), admin_client.get(EXPORT)]
    third = admin_client.get(EXPORT)
    assert [r.status_code for r in running] == [200, 200]
    assert third.status_code == 429
    assert third["Content-Type"] == "text/plain; charset=utf-8"
    assert third.content.decode() == (
        "You already have 2 downloads running. Wait for one to finish, then try again."
    )
    b"".join(running[0].streaming_content)  # one finishes
    fourth = admin_client.get(EXPORT)
    assert fourth.status_code == 200
    for response in (running[1], fourth):
        b"".join(response.streaming_content)


def test_the_process_runs_at_most_its_share_whoever_asks():
    CustomerFactory()
    first, second = signed_in(), signed_in()
    running = [first.get(EXPORT), first.get(EXPORT), second.get(EXPORT)]
    refused = second.get(EXPORT)
    assert refused.status_code == 429
    assert "3 downloads are running on this server" in refused.content.decode()
    for response in running:
        b"".join(response.streaming_content)


def test_a_download_never_read_gives_its_slot_back(admin_client):
    response = admin_client.get(EXPORT)
    assert EXPORT_SLOTS.running() == 1
    del response
    gc.collect()
    assert EXPORT_SLOTS.running() == 0


def test_a_download_closed_early_gives_its_slot_back(admin_client):
    CustomerFactory()
    response = admin_client.get(EXPORT)
    next(iter(response.streaming_content))
    response.close()
    assert EXPORT_SLOTS.running() == 0


def test_refused_input_takes_no_slot(admin_client):
    assert admin_client.get(EXPORT, {"type": "robots"}).status_code == 400
    assert EXPORT_SLOTS.running() == 0


@pytest.mark.django_db(transaction=True, databases=["default", "exports"])
def test_a_download_reads_through_its_own_connection(client):
    client.force_login(StaffFactory(role="admin"))
    for n in range(3):
        CustomerFactory(name=f"Customer {n}")
    if connections["default"].vendor == "postgresql":
        body = b"".join(client.get(EXPORT).streaming_content)
        assert body.count(b"\r\n") == 1 + 3
        # COPY runs outside Django's cursor wrappers: the server names the
        # connection that ran it.
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                "current_database() AND application_name = 'cloudfactory-export'"
            )
            assert cursor.fetchone()[0] >= 1
        return
    read_on = []

    def note(alias):
        def wrapper(execute, sql, params, many, context):
            if "customers_customer" in sql:
                read_on.append(alias)
            return execute(sql, params, many, context)

        return wrapper

    exports, default = connections["exports"], connections["default"]
    with (
        exports.execute_wrapper(note("exports")),
        default.execute_wrapper(note("default")),
    ):
        body = b"".join(client.get(EXPORT).streaming_content)
    assert body.count(b"\r\n") == 1 + 3
    assert read_on == ["exports"]
