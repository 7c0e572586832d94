"""A process's kept sample of a large table is read again in the background
when it is old, so no search waits for it; inside a transaction at once."""

import pytest

from cloudfactory.textsearch import sample
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
