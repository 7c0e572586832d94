import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import CUSTOMERS, CustomerFilter
from cloudfactory.textsearch import queries as search_queries
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def page_of(*, after=None, limit=50, **filters):
    return CUSTOMERS.page(CustomerFilter(**filters), after=after, limit=limit)


def count_of(**filters):
    return CUSTOMERS.count(CustomerFilter(**filters))


def cursor_of(customer, sort):
    return CUSTOMERS.sorts.cursor(customer, sort)


def names(page) -> list[str]:
    return [c.name for c in page.rows]


@pytest.fixture
def customers():
    now = timezone.now()
    rows = [
        ("Müller GmbH", "company", "active", "info@mueller.de", "Müller GmbH"),
        ("Acme Corp", "company", "suspended", "ops@acme.test", "Acme Corporation"),
        ("Zoë O'Brien", "individual", "active", "zoe@obrien.ie", "Acme Corp"),
        ("Jan Kowalski", "individual", "inactive", "jan@poczta.pl", ""),
        ("Brûlerie 100%", "company", "active", "cafe@brulerie.fr", "Brûlerie SARL"),
    ]
    return [
        CustomerFactory(
            name=name,
            type=type_,
            status=status,
            email=email,
            company_name=company,
            created_at=now - timedelta(days=n),
        )
        for n, (name, type_, status, email, company) in enumerate(rows)
    ]


def test_newest_first_by_default(customers):
    assert names(page_of()) == [c.name for c in customers]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("muller", ["Müller GmbH"]),
        ("MÜLLER", ["Müller GmbH"]),
        ("acm", ["Acme Corp", "Zoë O'Brien"]),  # name, and company name
        ("zoe@obrien.ie", ["Zoë O'Brien"]),
        ("o'brien", ["Zoë O'Brien"]),
        ("100%", ["Brûlerie 100%"]),  # LIKE wildcards are literal
        ("poczta", ["Jan Kowalski"]),
        ("nothing like it", []),
    ],
)
def test_search_is_case_accent_insensitive_substring_over_name_email_company(
    customers, q, expected
):
    assert names(page_of(q=q)) == expected
    assert count_of(q=q) == (len(expected), True)


@pytest.mark.parametrize("q", ["ü", "mu", "z"])
def test_short_pieces_search_too(customers, q):
    found = names(page_of(q=q))
    assert found and all(
        search_queries.fold(q)
        in search_queries.fold(f"{c.name} {c.email} {c.company_name}")
        for c in customers
        if c.name in found
    )


def test_the_indexed_path_is_taken_when_the_window_has_too_few_matches(
    customers, monkeypatch
):
    monkeypatch.setattr(search_queries, "WINDOW", 2)
    assert names(page_of(q="acme")) == [
        "Acme Corp",
        "Zoë O'Brien",
    ]
    assert names(page_of(q="jan")) == ["Jan Kowalski"]


def test_search_combines_with_type_and_status(customers):
    assert names(page_of(q="acme", type="individual")) == ["Zoë O'Brien"]
    assert names(page_of(type="company", status="active")) == [
        "Müller GmbH",
        "Brûlerie 100%",
    ]
    assert count_of(type="company") == (3, True)
    assert count_of(status="active") == (3, True)


@pytest.mark.parametrize(
    "sort", ["-created", "created", "name", "-name", "users", "-users"]
)
def test_keyset_pages_cover_every_row_once_in_order(customers, sort):
    seen, after = [], None
    while True:
        page = page_of(sort=sort, after=after, limit=2)
        seen += page.rows
        if not page.has_more:
            break
        after = cursor_of(page.rows[-1], sort)
    assert len(seen) == len(customers)
    assert seen == page_of(sort=sort, limit=50).rows


def test_keyset_pages_of_a_search(customers):
    first = page_of(q="a", limit=1, sort="name")
    second = page_of(
        q="a", limit=1, sort="name", after=cursor_of(first.rows[0], "name")
    )
    assert first.rows[0].name < second.rows[0].name


def test_a_lookup_search_tells_its_total_so_the_list_need_not_count(customers):
    assert page_of(q="acme").total == 2
    first = page_of(q="acme", limit=1)
    assert (len(first.rows), first.total) == (1, 2)
    after = cursor_of(first.rows[0], "-created")
    assert page_of(q="acme", limit=1, after=after).total is None


def test_a_walk_that_fills_the_page_counts_its_matches_in_the_same_go(
    customers, monkeypatch
):
    # Lookups made dear: "acme" is walked, and the walk finds a whole page.
    monkeypatch.setattr(search_queries, "LOOKUP_COST", {connection.vendor: 1e9})
    page = page_of(q="acme", limit=1)
    assert [len(page.rows), page.has_more, page.total] == [1, True, 2]
    assert count_of(q="acme") == (2, True)


def test_a_walk_counts_no_further_than_asked(customers, monkeypatch):
    monkeypatch.setattr(search_queries, "LOOKUP_COST", {connection.vendor: 1e9})
    found = search_queries.search_page(
        Customer.objects.all(), "co", ("id",), 1, count_up_to=2
    )
    assert found.total is None  # short pieces are counted by the list
    found = search_queries.search_page(
        Customer.objects.all(), "acme", ("id",), 1, count_up_to=1
    )
    assert [c.name for c in found.rows] == ["Acme Corp"]
    assert found.total == 1


LOOKED_UP = {"postgresql": 1e-9, "sqlite": 1e-9}


def not_in_index(qs, columns):
    return False


WALKED = {"postgresql": 1e9, "sqlite": 1e9}
# Every piece taken for one holding a key letter: counted in the customers
# table, not in its key table (PostgreSQL).
NO_KEY_TABLE = re.compile(".")

PLANS = {
    "walk": {"LOOKUP_COST": WALKED},
    "walk, counted without the key table": {
        "LOOKUP_COST": WALKED,
        "KEY_LETTERS": NO_KEY_TABLE,
    },
    "lookup, filters ANDed in the key index": {"LOOKUP_COST": LOOKED_UP},
    "lookup, filters checked on each holder": {
        "LOOKUP_COST": LOOKED_UP,
        "ANDED_SHARE": 0.0,
        "_filters_on": not_in_index,
    },
    "lookup, filters left to the planner": {
        "LOOKUP_COST": LOOKED_UP,
        "ANDED_SHARE": 1.0,
        "_filters_on": not_in_index,
    },
}


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "suspended"}, {"type": "company", "status": "active"}],
    ids=["no filter", "suspended", "active companies"],
)
def test_the_pages_and_the_count_agree_under_each_plan(monkeypatch, plan, filters):
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(search_queries, name, value)
    for n in range(24):
        CustomerFactory(
            name=f"{'Acme' if n % 3 else 'Other'} {n}",
            type=("company", "individual")[n % 2],
            status=("active", "suspended", "inactive")[n % 3 - 1],
        )
    truth = [
        c.pk
        for c in Customer.objects.order_by("-created_at", "-id")
        if "acme" in c.search_text
        and all(getattr(c, field) == value for field, value in filters.items())
    ]
    seen, after = [], None
    while True:
        page = page_of(q="acme", after=after, limit=2, **filters)
        seen += [c.pk for c in page.rows]
        if not page.has_more:
            break
        after = cursor_of(page.rows[-1], "-created")
    assert truth and seen == truth
    assert count_of(q="acme", **filters) == (len(truth), True)


def test_a_piece_rare_among_the_newest_is_walked_further_not_looked_up(monkeypatch):
    """Common in the table, absent from the first window's rows: the walk
    goes on (as far as a lookup would cost) and finds the same page."""
    monkeypatch.setattr(search_queries, "WINDOW", 4)
    monkeypatch.setattr(search_queries, "WINDOW_FACTOR", 1)
    now = timezone.now()
    for n in range(30):
        name = f"Hotm Holder {n}" if n >= 8 else f"Newcomer {n}"
        CustomerFactory(name=name, created_at=now - timedelta(minutes=n))
    truth = [
        c.pk
        for c in Customer.objects.order_by("-created_at", "-id")
        if "hotm" in c.search_text
    ][:3]
    walks = []
    walk = search_queries._window_search

    def counted_walk(*args):
        walks.append(args[-1])
        return walk(*args)

    monkeypatch.setattr(search_queries, "_window_search", counted_walk)
    with CaptureQueriesContext(connection) as captured:
        found = search_queries.search_page(
            Customer.objects.all(), "hotm", ("-created_at", "-id"), limit=3
        )
    assert [c.pk for c in found.rows] == truth
    lookups = [q for q in captured.captured_queries if "search_total" in q["sql"]]
    assert len(walks) == 2 and not lookups


@pytest.mark.parametrize(
    "ordering, filters",
    [
        (("-created_at", "-id"), {}),
        (("created_at", "id"), {"type": "company"}),
        (("name", "id"), {}),
        (("-users_count", "-id"), {"status": "suspended"}),
    ],
)
def test_a_walk_keeps_the_holders_among_the_first_rows_of_the_window(ordering, filters):
    """The window's last row falls among rows that share its sort value: the
    walk keeps exactly the holders among the window's rows, in list order."""
    now = timezone.now()
    for n in range(24):
        customer = CustomerFactory(
            name=f"{'Acme' if n % 3 else 'Other'} {n % 4}",
            type=("company", "individual")[n % 2 * (n % 5 == 0)],
            status=("active", "suspended")[n % 7 == 0 or n % 2],
            created_at=now - timedelta(minutes=n // 4),
        )
        Customer.objects.filter(pk=customer.pk).update(users_count=n % 3)
    qs = Customer.objects.filter(**filters)
    listed = list(qs.order_by(*ordering))
    for window in (3, 5, 9, len(listed), len(listed) + 5):
        truth = [c.pk for c in listed[:window] if "acme" in c.search_text][:4]
        rows = search_queries._window_search(qs, "acme", ordering, 4, window)
        assert [c.pk for c in rows] == truth, window


def test_a_walk_on_sqlite_reads_the_list_index_in_order_and_stops():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's plan.")
    for n in range(10):
        CustomerFactory(name=f"Acme {n}", type="company")
    qs = Customer.objects.filter(type="company")
    with CaptureQueriesContext(connection) as captured:
        rows = search_queries._window_search(qs, "acme", ("-created_at", "-id"), 3, 8)
    assert len(rows) == 3
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            plan = " ".join(str(step) for step in cursor.fetchall())
            assert "TEMP B-TREE" not in plan and "customer_type_created" in plan
