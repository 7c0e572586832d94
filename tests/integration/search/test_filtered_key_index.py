"""PostgreSQL's key index holds the Customers list's filter columns, so a
filter and a piece are ANDed inside it: a lookup fetches the holders the
filters keep, not every holder of the piece."""

import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import CUSTOMERS, KEY_INDEX_FILTERS, CustomerFilter
from cloudfactory.textsearch import queries as search_queries
from cloudfactory.users.models import TenantUser
from cloudfactory.users.queries import TENANT_USERS
from tests.factories import CustomerFactory, TenantUserFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's index"
)


@pytest.mark.parametrize(
    "qs, anded",
    [
        (Customer.objects.filter(type="company"), True),
        (Customer.objects.filter(type="company", status="suspended"), True),
        (Customer.objects.all(), False),
        (Customer.objects.filter(users_count=3), False),
        (Customer.objects.filter(type="company", users_count=3), False),
        (Customer.objects.exclude(type="company"), False),
        (Customer.objects.filter(Q(type="company") | Q(status="active")), False),
        (Customer.objects.filter(status__in=["active", "inactive"]), False),
        (Customer.objects.filter(type=F("status")), False),
    ],
    ids=[
        "type",
        "type and status",
        "none",
        "another column",
        "one column of two",
        "negated",
        "either",
        "a choice of values",
        "another column's value",
    ],
)
def test_only_equalities_on_the_index_s_columns_are_anded_in_it(qs, anded):
    assert search_queries._filters_on(qs, KEY_INDEX_FILTERS) is anded


def lookups_of(**filters) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        CUSTOMERS.page(CustomerFilter(q="acme", **filters), limit=2)
    return [q["sql"] for q in captured if search_queries.TOTAL in q["sql"]]


@postgres_only
def test_a_filtered_lookup_leaves_the_filters_to_the_key_index(monkeypatch):
    monkeypatch.setattr(search_queries, "LOOKUP_COST", {connection.vendor: 1e-9})
    monkeypatch.setattr(search_queries, "ANDED_SHARE", 0.0)
    # The table's own index, as for a piece its key table cannot look up.
    monkeypatch.setattr(search_queries, "_keyed", lambda qs, piece, keyed: None)
    for n in range(12):  # the filter keeps more rows than hold the piece
        name = f"{'Acme' if n < 4 else 'Other'} {n}"
        CustomerFactory(name=name, type=("company", "individual")[n % 2])
    [lookup] = lookups_of(type="individual")
    assert "IS TRUE" not in lookup
    # Outside the key index, the filters are checked on each holder instead.
    monkeypatch.setattr(search_queries, "_filters_on", lambda qs, columns: False)
    [lookup] = lookups_of(type="individual")
    assert "IS TRUE" in lookup


@postgres_only
@pytest.mark.parametrize(
    "index, columns",
    [
        ("customers_customer_search_key_trgm", "type, status, "),
        ("users_tenantuser_search_key_trgm", "role, "),
    ],
)
def test_the_key_index_holds_the_filter_columns_before_the_key(index, columns):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [index])
        [definition] = cursor.fetchone()
    indexed = definition.split("USING gin (", 1)[1]
    assert indexed.startswith(columns)
    assert indexed.endswith("gin_trgm_ops)")


@postgres_only
def test_a_tenant_users_role_is_anded_in_their_key_index(monkeypatch):
    monkeypatch.setattr(search_queries, "LOOKUP_COST", {connection.vendor: 1e-9})
    monkeypatch.setattr(search_queries, "ANDED_SHARE", 0.0)
    customer = CustomerFactory(name="Tenant")
    for n in range(12):
        TenantUserFactory(
            customer_id=customer.pk,
            name=f"{'Acme' if n < 4 else 'Other'} {n}",
            role=("admin", "member")[n % 2],
        )
    query = TENANT_USERS
    with CaptureQueriesContext(connection) as captured:
        found = query.page(query.filter(q="acme", role="admin"), limit=5)
    assert sorted(user.name for user in found.rows) == ["Acme 0", "Acme 2"]
    [lookup] = [q["sql"] for q in captured if search_queries.TOTAL in q["sql"]]
    assert "IS TRUE" not in lookup


def test_a_filter_on_a_joined_table_is_not_taken_for_the_table_s_own():
    users = TenantUser.objects.filter(customer__status="suspended")
    assert search_queries._equalities(users, ("status",)) is None
    assert search_queries._equalities(
        TenantUser.objects.filter(role="admin"), ("role",)
    ) == [("role", "admin")]
