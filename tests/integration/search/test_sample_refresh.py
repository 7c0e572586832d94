"""A process's kept sample of a large table is read again in the background
when it is old, so no search waits for it; inside a transaction at once."""

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from cloudfactory.customers import records as customer_records
from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import KEY_INDEX_FILTERS
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

    def fails(table):  # noqa: ARG001
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

    def read_ahead(table, columns=()):
        tables.append(table)

    monkeypatch.setattr(textsearch_queries, "read_ahead", read_ahead)
    monkeypatch.setattr(customer_records, "read_ahead", read_ahead)
    get_resolver().url_patterns  # noqa: B018 - declares every list, as at start
    read_searches_ahead()
    assert set(tables) == {
        "customers_customer",
        "users_tenantuser",
        "support_ticket",
    }


def estimated(qs, piece: str) -> tuple[textsearch_queries.Estimate, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        est = textsearch_queries.estimate(qs, piece, KEY_INDEX_FILTERS)
    return est, [q["sql"] for q in captured]


@pytest.mark.django_db(transaction=True)
def test_a_search_filtered_by_the_index_columns_is_judged_on_the_kept_sample(kept):
    for n in range(30):
        CustomerFactory(
            name=f"{'Acme' if n % 3 == 0 else 'Other'} {n}",
            type=("company", "individual")[n % 2],
            status=("active", "suspended")[n % 5 == 0],
        )
    if connection.vendor == "postgresql":  # the sample's size is the planner's
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
    sample.read_ahead(TABLE, KEY_INDEX_FILTERS)
    sample.wait_for_samples()
    companies = Customer.objects.filter(type="company")
    est, queries = estimated(companies, "acme")
    assert not any("SUM(CASE" in sql for sql in queries)
    # 15 companies, 5 of them holding "acme", held by 10 customers in all.
    assert est.matches / est.rows == pytest.approx(5 / 15)
    assert est.holders / est.rows == pytest.approx(10 / 15)
    # Suspended companies: the 1st, 11th and 21st; the 1st holds "acme".
    est, _ = estimated(companies.filter(status="suspended"), "acme")
    assert est.matches / est.rows == pytest.approx(1 / 3)
    # A filter the sample does not hold is judged by a query of the table.
    _, queries = estimated(Customer.objects.filter(users_count=0), "acme")
    assert any("SUM(CASE" in sql for sql in queries)


def test_a_sample_counts_the_texts_of_the_values_asked_for():
    kept_sample = sample.Sample(
        size=1e6,
        texts=["acme one", "acme two", "other", "acme three"],
        columns=("type", "status"),
        values=[
            ("company", "active"),
            ("company", "suspended"),
            ("company", "active"),
            ("individual", "active"),
        ],
    )
    assert kept_sample.filtered("acme", [("type", "company")]) == (3, 2)
    assert kept_sample.filtered("acme", [("status", "active")]) == (3, 2)
    assert kept_sample.filtered(
        "acme", [("type", "company"), ("status", "active")]
    ) == (2, 1)
    assert kept_sample.filtered("acme", [("role", "owner")]) is None
