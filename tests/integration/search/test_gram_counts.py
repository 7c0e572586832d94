"""PostgreSQL's counts of the customers' short runs: kept in step with every
write, and answering a short piece's count exactly as the table would."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import CUSTOMERS, CustomerFilter
from cloudfactory.customers.services import customer_change_status
from cloudfactory.text import fold
from cloudfactory.textsearch.gram_counts import refill
from tests.factories import CustomerFactory, StaffFactory
from tests.integration.demo.test_load import _disabled_triggers
from tests.integration.search.grams import expected_gram_counts, gram_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table"),
]

NAMES = [
    "Ada Lovelace",
    "Anna Annabel",  # "ann" twice: one holder
    "Zoë Ørsted-Łukasz",
    "李小龍 Ltd",
    "Rocket 🚀 Labs",
    "Acmeɐxylo",  # a key letter in the text itself
]


def test_the_counts_follow_inserts_updates_and_deletes():
    customers = [CustomerFactory(name=name) for name in NAMES]
    assert gram_counts() == expected_gram_counts()
    assert gram_counts()["ann", "company", "active"] == 1
    assert gram_counts()["anna ", "company", "active"] == 1

    first, second = customers[:2]
    first.name = "Ada King"
    first.search_text = "ada king ada@example.test"
    first.save()
    customer_change_status(
        customer_id=second.pk,
        status="suspended",
        actor=StaffFactory(),
        reason="Unpaid invoices",
    )
    Customer.objects.filter(pk=first.pk).update(type="individual")
    assert gram_counts() == expected_gram_counts()
    assert ("ann", "company", "suspended") in gram_counts()
    assert ("ann", "company", "active") not in gram_counts()

    with connection.cursor() as cursor:  # the event log protects its customers
        cursor.execute("DELETE FROM activity_event WHERE customer_id = %s", [second.pk])
        cursor.execute("DELETE FROM customers_customer WHERE id = %s", [second.pk])
    assert gram_counts() == expected_gram_counts()
    assert not any(run == "ann" for run, _, _ in gram_counts())


def test_only_an_update_of_the_text_or_a_filter_wakes_the_counts():
    customer = CustomerFactory(name="Ada Lovelace")

    def sync_calls() -> int:
        cursor.execute(
            "SELECT COALESCE(SUM(calls), 0) FROM pg_stat_xact_user_functions "
            "WHERE funcname = 'customers_customer_grams_sync'"
        )
        return cursor.fetchone()[0]

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'pl'")
        Customer.objects.filter(pk=customer.pk).update(users_count=7)
        assert sync_calls() == 0
        Customer.objects.filter(pk=customer.pk).update(status="suspended")
        assert sync_calls() == 1


def listed_count(q: str, **filters) -> tuple[int | None, list[str]]:
    """The Customers list's count of `q` under `filters`, and its SQL."""
    with CaptureQueriesContext(connection) as captured:
        count, exact = CUSTOMERS.count(CustomerFilter(q=q, **filters))
    assert exact
    return count, [c["sql"] for c in captured]


def truth(q: str, **filters) -> int:
    return Customer.objects.filter(search_text__contains=fold(q), **filters).count()


@pytest.mark.parametrize(
    "q, filters",
    [
        ("ann", {}),
        ("acm", {"type": "company"}),
        ("acm", {"status": "suspended"}),
        ("acm", {"type": "individual", "status": "active"}),
        ("ørs", {}),
        ("龍 L", {}),
        ("t 🚀", {}),
        ("eɐx", {}),
        ("zzz", {}),
        ("acme", {"type": "company"}),
        ("lovel", {}),
        ("nna a", {"status": "active"}),
    ],
)
def test_a_short_piece_is_counted_from_the_counts(q, filters):
    for name in NAMES:
        CustomerFactory(name=name)
    for n in range(5):
        CustomerFactory(
            name=f"Acme {n}",
            type=("company", "individual")[n % 2],
            status=("active", "suspended")[n % 2],
        )
    count, statements = listed_count(q, **filters)
    assert count == truth(q, **filters)
    assert len(statements) == 1 and "customers_customer_grams" in statements[0]


def test_a_longer_piece_is_still_counted_on_the_rows():
    CustomerFactory(name="Acme Xylo")
    count, statements = listed_count("acme x")
    assert count == 1
    assert not any("customers_customer_grams" in sql for sql in statements)


def test_a_page_found_by_walking_takes_its_count_from_the_counts():
    for n in range(8):
        CustomerFactory(name=f"Acme {n}", status=("active", "suspended")[n % 2])
    CustomerFactory(name="Bolt")
    with CaptureQueriesContext(connection) as captured:
        page = CUSTOMERS.page(CustomerFilter(q="cme", status="active"), limit=3)
    assert len(page.rows) == 3
    assert page.total == 4 == truth("cme", status="active")
    assert any("customers_customer_grams" in c["sql"] for c in captured)


def test_a_refill_takes_the_counts_again_and_enables_the_triggers():
    for name in NAMES:
        CustomerFactory(name=name)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE customers_customer_grams SET holders = holders + 5")
        refill(cursor, "customers_customer")
    assert gram_counts() == expected_gram_counts()
    assert _disabled_triggers() == []
