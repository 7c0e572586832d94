"""A process's kept sample of a large table is read again in the background
when it is old, so no search waits for it; inside a transaction at once."""

import threading

import pytest
from django.urls import get_resolver

from cloudfactory.customers import records as customer_records
from cloudfactory.textsearch import queries as textsearch_queries
from cloudfactory.textsearch import sample
from cloudfactory.web.query import read_searches_ahead
from tests.factories import CustomerFactory

TABLE = "customers_customer"


@pytest.fixture
def kept(monkeypatch):
    """Every table counts as large; samples start afresh and are waited for."""
    monkeypatch.setattr(sample, "CACHED_FROM", 0)
    sample.forget_samples()
    yield
    sample.forget_samples()


def texts_of(kept_sample) -> set[str]:
    return set(kept_sample.texts)


@pytest.mark.django_db(transaction=True)
def test_an_old_sample_serves_while_a_new_one_is_read(kept, monkeypatch):
    CustomerFactory(name="Ann Old")
    first = sample.cached_sample(TABLE)
    assert any("ann old" in text for text in texts_of(first))
    CustomerFactory(name="Bea New")
    monkeypatch.setattr(sample, "KEPT_SECONDS", 0)
    assert sample.cached_sample(TABLE) is first  # no wait: the old one serves
    sample.wait_for_samples()
    monkeypatch.setattr(sample, "KEPT_SECONDS", 600)
    again = sample.cached_sample(TABLE)
    assert again is not first
    assert any("bea new" in text for text in texts_of(again))


@pytest.mark.django_db(transaction=True)
def test_a_failed_read_leaves_the_old_sample_serving(kept, monkeypatch, caplog):
    CustomerFactory(name="Ann Old")
    first = sample.cached_sample(TABLE)

    def fails(table):
        raise OSError("the database went away")

    monkeypatch.setattr(sample, "_read_sample", fails)
    monkeypatch.setattr(sample, "KEPT_SECONDS", 0)
    assert sample.cached_sample(TABLE) is first
    sample.wait_for_samples()
    assert sample.cached_sample(TABLE) is first
    sample.wait_for_samples()
    assert "Could not read a new search sample of customers_customer" in caplog.text


@pytest.mark.django_db
def test_inside_a_transaction_an_old_sample_is_read_again_at_once(kept, monkeypatch):
    CustomerFactory(name="Ann Old")
    first = sample.cached_sample(TABLE)
    CustomerFactory(name="Bea New")
    monkeypatch.setattr(sample, "KEPT_SECONDS", 0)
    again = sample.cached_sample(TABLE)
    assert again is not first
    assert any("bea new" in text for text in texts_of(again))


def reads_recorded(monkeypatch) -> list[str]:
    """The threads that read a sample, in order (the reads themselves run)."""
    threads = []
    read = sample._read_sample

    def recorded(table):
        threads.append(threading.current_thread().name)
        return read(table)

    monkeypatch.setattr(sample, "_read_sample", recorded)
    return threads


@pytest.mark.django_db(transaction=True)
def test_a_sample_read_ahead_is_waited_for_not_read_again(kept, monkeypatch):
    CustomerFactory(name="Ann Ahead")
    threads = reads_recorded(monkeypatch)
    sample.read_ahead(TABLE)
    found = sample.cached_sample(TABLE)
    assert any("ann ahead" in text for text in texts_of(found))
    assert threads == [f"sample-{TABLE}"]
    sample.read_ahead(TABLE)  # already held: nothing more is read
    sample.wait_for_samples()
    assert threads == [f"sample-{TABLE}"]


@pytest.mark.django_db(transaction=True)
def test_a_failed_read_ahead_leaves_the_first_search_to_read_it(
    kept, monkeypatch, caplog
):
    CustomerFactory(name="Ann Ahead")
    read = sample._read_sample
    monkeypatch.setattr(sample, "_read_sample", lambda table: 1 / 0)
    sample.read_ahead(TABLE)
    sample.wait_for_samples()
    monkeypatch.setattr(sample, "_read_sample", read)
    found = sample.cached_sample(TABLE)
    assert any("ann ahead" in text for text in texts_of(found))
    assert "Could not read a new search sample of customers_customer" in caplog.text


def test_every_lists_search_reads_ahead_the_tables_it_searches(monkeypatch):
    tables = []
    monkeypatch.setattr(textsearch_queries, "read_ahead", tables.append)
    monkeypatch.setattr(customer_records, "read_ahead", tables.append)
    get_resolver().url_patterns  # noqa: B018 - declares every list, as at start
    read_searches_ahead()
    assert set(tables) == {
        "customers_customer",
        "users_tenantuser",
        "support_ticket",
    }
