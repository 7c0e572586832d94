"""Independent reads of one request run side by side on PostgreSQL, each on
a connection of its own, and in turn wherever that could change an answer."""

import threading

import pytest
from django.db import connection, transaction

from cloudfactory.customers.models import Customer
from cloudfactory.web import side_by_side as module
from cloudfactory.web.side_by_side import side_by_side
from tests.factories import CustomerFactory


def _reader(name: str, seen: dict):
    def read():
        seen[name] = (threading.get_ident(), connection.in_atomic_block)
        return sorted(Customer.objects.values_list("name", flat=True))

    return read


@pytest.mark.django_db(transaction=True)
def test_reads_run_in_helper_threads_on_postgresql_and_agree():
    CustomerFactory(name="Acme")
    CustomerFactory(name="Zeta")
    seen = {}
    results = side_by_side([_reader(n, seen) for n in ("a", "b", "c")])
    assert results == [["Acme", "Zeta"]] * 3
    threads = {ident for ident, _ in seen.values()}
    if connection.vendor == "postgresql":
        # The first in the calling thread, the others in helpers (one helper
        # may take both, when the first call ends before the second is sent).
        assert seen["a"][0] == threading.get_ident()
        assert threading.get_ident() not in {seen["b"][0], seen["c"][0]}
    else:
        assert threads == {threading.get_ident()}


@pytest.mark.django_db
def test_inside_a_transaction_they_run_in_turn_and_see_its_writes():
    CustomerFactory(name="Unsaved yet")
    seen = {}
    with transaction.atomic():
        results = side_by_side([_reader(n, seen) for n in ("a", "b")])
    assert results == [["Unsaved yet"]] * 2
    assert {ident for ident, _ in seen.values()} == {threading.get_ident()}


@pytest.mark.django_db(transaction=True)
def test_when_every_helper_is_busy_the_call_runs_in_turn(monkeypatch):
    monkeypatch.setattr(module, "_free", threading.BoundedSemaphore(1))
    module._free.acquire()
    try:
        seen = {}
        side_by_side([_reader(n, seen) for n in ("a", "b")])
    finally:
        module._free.release()
    assert {ident for ident, _ in seen.values()} == {threading.get_ident()}


@pytest.mark.django_db(transaction=True)
def test_a_helper_failure_reaches_the_request_and_frees_the_helper():
    def fails():
        Customer.objects.raw("SELECT no_such_column FROM customers_customer")[0]

    with pytest.raises(Exception, match="no_such_column"):
        side_by_side([lambda: 1, fails])
    free = [module._free.acquire(False) for _ in range(module.HELPERS)]
    for taken in free:
        if taken:
            module._free.release()
    assert all(free)
