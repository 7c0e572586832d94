"""PostgreSQL's key tables of customers and tenant users: kept in step with
every write, and counting the holders of a piece exactly as the table would."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import CUSTOMERS, KEY_INDEX_FILTERS, CustomerFilter
from cloudfactory.customers.services import customer_change_status
from cloudfactory.textsearch import queries as search_queries
from cloudfactory.textsearch.indexes import search_key
from cloudfactory.textsearch.key_tables import key_pairs, refill
from cloudfactory.users.models import TenantUser
from cloudfactory.users.queries import TENANT_USERS, TenantUserFilter
from tests.factories import CustomerFactory, StaffFactory, TenantUserFactory
from tests.integration.demo.test_load import _disabled_triggers

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's table"),
]


def key_rows() -> dict[int, tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, type, status, key, odd, pairs, created_at "
            "FROM customers_customer_key"
        )
        return {row[0]: row[1:] for row in cursor.fetchall()}


def expected_rows() -> dict[int, tuple]:
    return {
        c.pk: (
            c.type,
            c.status,
            search_key(c.search_text),
            c.search_text if search_queries.KEY_LETTERS.search(c.search_text) else None,
            key_pairs(search_key(c.search_text)),
            c.created_at,
        )
        for c in Customer.objects.all()
    }


def test_the_key_table_follows_inserts_updates_and_deletes():
    first = CustomerFactory(name="Ada Lovelace", type="individual")
    second = CustomerFactory(name="Grace Hopper", type="individual")
    assert key_rows() == expected_rows() and len(key_rows()) == 2

    first.name = "Ada King"
    first.search_text = "ada king ada@example.test"
    first.save()
    customer_change_status(
        customer_id=second.pk,
        status="suspended",
        actor=StaffFactory(),
        reason="Unpaid invoices",
    )
    Customer.objects.filter(pk=first.pk).update(type="company")
    Customer.objects.filter(pk=second.pk).update(created_at=first.created_at)
    assert key_rows() == expected_rows()
    assert key_rows()[second.pk][-1] == first.created_at
    assert key_rows()[first.pk][:3] == (
        "company",
        "active",
        "adaɐkingɐadaɑexampleɒtest",
    )
    assert key_rows()[second.pk][1] == "suspended"

    with connection.cursor() as cursor:  # the event log protects its customers
        cursor.execute("DELETE FROM activity_event WHERE customer_id = %s", [second.pk])
        cursor.execute("DELETE FROM customers_customer WHERE id = %s", [second.pk])
    assert list(key_rows()) == [first.pk]


@pytest.mark.parametrize(
    "name",
    ["Ab", "A", "Zoë Ørsted-Łukasz", "Ivan Петров", "李小龍 Ltd", "Rocket 🚀 Labs"],
)
def test_the_key_tables_pairs_are_the_pairs_the_search_asks_for(name):
    CustomerFactory(name=name)
    assert key_rows() == expected_rows()


def test_a_text_holding_a_key_letter_keeps_its_text_beside_its_key():
    plain = CustomerFactory(name="Acme Xylo")
    odd = CustomerFactory(name="Acmeɐxylo")  # the key of "acme xylo" too
    rows = key_rows()
    assert rows[plain.pk][2].startswith("acmeɐxyloɐ")
    assert rows[odd.pk][2].startswith("acmeɐxyloɐ")
    assert rows[plain.pk][3] is None
    assert rows[odd.pk][3] == odd.search_text


@pytest.fixture
def keyed_everywhere(monkeypatch):
    """The key table's runs of four whenever it can look a piece up (a table
    this small has no sample to weigh them against the trigrams)."""
    monkeypatch.setattr(
        search_queries,
        "_looked_up",
        lambda est, kept, piece, keyed: dataclasses.replace(est, keyed=keyed),
    )


def counted(q: str, **filters) -> tuple[int, bool, list[str]]:
    """The Customers list's count of `q` among the customers `filters` keep,
    and the counting queries it ran."""
    qs = Customer.objects.filter(**filters)
    with CaptureQueriesContext(connection) as captured:
        count, exact = search_queries.search_count(
            qs, q, cap=100, indexed=KEY_INDEX_FILTERS, key_table=True
        )
    counts = [c["sql"] for c in captured if c["sql"].startswith("SELECT COUNT(*)")]
    return count, exact, counts


@pytest.mark.parametrize("q, holders", [("e x", 1), ("eɐx", 1), ("acme", 3)])
def test_a_count_in_the_key_table_is_the_count_of_the_text(q, holders):
    CustomerFactory(name="Acme Xylo", type="company")
    CustomerFactory(name="Acmeɐxylo", type="company")  # holds "eɐx", not "e x"
    CustomerFactory(name="Acme Zed", type="individual")
    CustomerFactory(name="Other", type="company")
    assert counted(q)[:2] == (holders, True)
    assert CUSTOMERS.count(CustomerFilter(q=q)) == (holders, True)
    truth = sum(q in c.search_text for c in Customer.objects.filter(type="company"))
    assert counted(q, type="company")[:2] == (truth, True)


@pytest.mark.parametrize(
    "q, holders, asked",
    [
        ("xyl", 2, "k.key LIKE"),
        ("acme xyl", 2, "k.pairs LIKE"),
        ("acme xylophone", 1, "k.pairs LIKE"),
    ],
)
def test_a_count_asks_the_index_for_runs_of_four_and_checks_the_whole_piece(
    keyed_everywhere, q, holders, asked
):
    # The index is asked for the key of the first INDEXED_CHARS characters: a
    # trigram, or, from four characters, the runs of four, which it may find
    # in a key that does not hold the piece.
    CustomerFactory(name="Acme Xylophone", type="company")
    CustomerFactory(name="Acme Xylophoni", type="company")  # the same first 12
    count, exact, counts = counted(q, type="company")
    assert (count, exact) == (holders, True)
    assert asked in counts[0]
    assert ("strpos(k.key" in counts[0]) is (asked == "k.pairs LIKE")


def test_runs_of_four_that_share_their_spelling_find_only_the_holders(
    keyed_everywhere,
):
    # The Latin "a" (97) and the Cyrillic "а" (1072) are 13 spans of 75
    # apart: the runs "lana" and "lanа" are spelled alike.
    cyrillic_a = "\u0430"
    assert key_pairs("lana") == key_pairs(f"lan{cyrillic_a}") != key_pairs("lane")
    latin = CustomerFactory(name="Svetlana Kaya")
    CustomerFactory(name=f"Svetlan{cyrillic_a} Kaya")
    assert counted("lana")[:2] == (1, True)
    assert CUSTOMERS.count(CustomerFilter(q="lana")) == (1, True)
    assert [c.pk for c in CUSTOMERS.page(CustomerFilter(q="tlana"), limit=5).rows] == [
        latin.pk
    ]


@pytest.mark.parametrize(
    "filters, keyed",
    [
        ({}, True),
        ({"type": "company"}, True),
        ({"type": "company", "status": "active"}, True),
        ({"type": "company", "users_count": 0}, False),
    ],
    ids=["no filter", "type", "type and status", "a filter it does not hold"],
)
def test_counts_read_the_key_table_when_it_holds_every_filter(filters, keyed):
    for n in range(3):
        CustomerFactory(name=f"Acme {n}", type="company")
    count, exact, counts = counted("acme", **filters)
    assert [bool(counts), exact] == [True, True]
    assert ("customers_customer_key" in counts[0]) is keyed


def test_a_piece_holding_a_key_letter_is_counted_in_the_customers_table():
    CustomerFactory(name="Acmeɐxylo")
    count, exact, counts = counted("eɐx")
    assert (count, exact) == (1, True)
    assert "customers_customer_key" not in counts[0]


def test_the_tenant_users_key_table_holds_the_role_and_counts_by_it():
    customer = CustomerFactory(name="Acme")
    admins = [
        TenantUserFactory(customer_id=customer.pk, name=f"Mari {n}", role="admin")
        for n in range(2)
    ]
    TenantUserFactory(customer_id=customer.pk, name="Mari Member")
    TenantUser.objects.filter(pk=admins[1].pk).update(role="member")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, role, key FROM users_tenantuser_key")
        rows = set(cursor.fetchall())
    assert rows == {
        (u.pk, u.role, search_key(u.search_text)) for u in TenantUser.objects.all()
    }
    with CaptureQueriesContext(connection) as captured:
        count = TENANT_USERS.count(TenantUserFilter(q="mari", role="admin"))
    assert count == (1, True)
    assert any("users_tenantuser_key" in c["sql"] for c in captured)


def test_a_refill_lays_the_key_table_out_in_its_filters_order():
    for n in range(12):
        CustomerFactory(
            name=f"Customer {n}",
            type=("company", "individual")[n % 2],
            status=("active", "suspended", "inactive")[n % 3],
        )
    with connection.cursor() as cursor:
        refill(cursor, "customers_customer")
        cursor.execute(
            "SELECT type, status, id FROM customers_customer_key ORDER BY ctid"
        )
        laid_out = cursor.fetchall()
    assert laid_out == sorted(laid_out)
    assert key_rows() == expected_rows()
    assert _disabled_triggers() == []


def looked_up(q: str, **filters) -> tuple[list[int], int, list[str]]:
    """The Customers list's first page of `q`, found by lookup, its count,
    and the lookup's SQL."""
    with CaptureQueriesContext(connection) as captured:
        page = CUSTOMERS.page(CustomerFilter(q=q, **filters), limit=3)
    lookups = [c["sql"] for c in captured if search_queries.TOTAL in c["sql"]]
    return [c.pk for c in page.rows], page.total, lookups


@pytest.mark.parametrize(
    "q, filters",
    [
        ("acme", {}),
        ("cme x", {"type": "company"}),
        ("acme xylophone", {"type": "company", "status": "active"}),
        ("xyl", {"status": "suspended"}),
        ("eɐx", {}),
    ],
)
def test_a_lookup_finds_the_holders_in_the_key_table_as_the_table_would(
    keyed_everywhere, monkeypatch, q, filters
):
    monkeypatch.setattr(search_queries, "LOOKUP_COST", {connection.vendor: 1e-9})
    # The holders' rows read, as in an order the key table does not carry.
    monkeypatch.setattr(search_queries, "_sorts_in_keys", lambda *args: False)
    for n, name in enumerate(
        ["Acme Xylophone", "Acme Xylophoni", "Acmeɐxylo", "Acme Zed", "Other Xyl"] * 2
    ):
        CustomerFactory(
            name=name,
            type=("company", "individual")[n % 2],
            status=("active", "suspended")[n // 5],
        )
    rows, total, [lookup] = looked_up(q, **filters)
    assert ("customers_customer_key" in lookup) is (q != "eɐx")
    monkeypatch.setattr(search_queries, "_keyed", lambda qs, piece, keyed: None)
    assert looked_up(q, **filters)[:2] == (rows, total)
    expected = [
        c.pk
        for c in Customer.objects.filter(**filters).order_by("-created_at", "-id")
        if q in c.search_text
    ]
    assert (rows, total) == (expected[:3], len(expected)) and expected


def test_a_count_asks_for_the_trigrams_unless_they_are_a_poor_way_in():
    CustomerFactory(name="Acme Xylophone", type="company")
    count, exact, [sql] = counted("acme xyl", type="company")
    assert (count, exact) == (1, True)
    assert "k.key LIKE" in sql and "k.pairs" not in sql


def table_rows_read(sql: str) -> int:
    """The rows of the customers table a statement reads, by its plan, as
    planned for a table too large to read whole."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]

    def rows(node) -> int:
        own = node["Actual Rows"] * node["Actual Loops"]
        read = own if node.get("Relation Name") == "customers_customer" else 0
        return read + sum(rows(child) for child in node.get("Plans", []))

    return rows(plan[0]["Plan"])


@pytest.mark.parametrize(
    "q, filters",
    [
        ("acme", {}),
        ("acme", {"sort": "created"}),
        ("cme x", {"type": "company"}),
        ("xyl", {"status": "suspended", "type": "individual"}),
    ],
)
def test_a_lookup_sorted_in_the_key_table_reads_the_rows_of_one_page_alone(
    monkeypatch, q, filters
):
    monkeypatch.setattr(search_queries, "KEYED_SORT_COST", 1e-9)
    for n, name in enumerate(
        ["Acme Xylophone", "Acme Xylophoni", "Acme Zed", "Other Xyl"] * 4
    ):
        CustomerFactory(
            name=name,
            type=("company", "individual")[n % 2],
            status=("active", "suspended")[n // 8],
        )
    rows, total, [lookup] = looked_up(q, **filters)
    assert "FROM customers_customer_key k" in lookup
    # The page's three, and the one that tells there are more.
    assert len(rows) == 3 and table_rows_read(lookup) == 4

    monkeypatch.setattr(search_queries, "_sorts_in_keys", lambda *args: False)
    assert looked_up(q, **filters)[:2] == (rows, total)
    ordering = (
        ("created_at", "id") if filters.pop("sort", None) else ("-created_at", "-id")
    )
    expected = [
        c.pk
        for c in Customer.objects.filter(**filters).order_by(*ordering)
        if q in c.search_text
    ]
    assert (rows, total) == (expected[:3], len(expected))


def test_a_lookup_in_another_order_reads_the_holders_rows(monkeypatch):
    monkeypatch.setattr(search_queries, "KEYED_SORT_COST", 1e-9)
    monkeypatch.setattr(search_queries, "LOOKUP_COST", {connection.vendor: 1e-9})
    for name in ["Acme Xylophone", "Acme Zed", "Acme Ant", "Acme Bee"]:
        CustomerFactory(name=name)
    rows, total, [lookup] = looked_up("acme", sort="name")
    assert "ORDER BY k." not in lookup
    expected = [c.pk for c in Customer.objects.order_by("name", "id")]
    assert (rows, total) == (expected[:3], 4)
