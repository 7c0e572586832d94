"""A search walks its list in the default order (newest first) through an
index that holds the search column too, so PostgreSQL reads the index alone,
not a page of the table for each row it passes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.support.lists import TICKET_LIST_PAGE
from cloudfactory.textsearch.queries import search_page
from cloudfactory.users.lists import USER_LIST_PAGE
from tests.factories import CustomerFactory, TenantUserFactory, TicketFactory

pytestmark = pytest.mark.django_db

WALKED = {
    "customer_created": CUSTOMER_LIST_PAGE,
    "tenantuser_created": USER_LIST_PAGE,
    "ticket_created": TICKET_LIST_PAGE,
}


@pytest.fixture
def records():
    for n in range(6):
        customer = CustomerFactory(name=f"Acme {n}")
        TenantUserFactory(customer_id=customer.pk, name=f"Ada Acme {n}")
        TicketFactory(customer_id=customer.pk, subject=f"Acme invoice {n}")


def walk_sql(list_page) -> str:
    query = list_page.query
    qs = query.matching(query.filter())
    with CaptureQueriesContext(connection) as captured:
        found = search_page(qs, "acme", query.sorts.ordering(""), limit=3)
    assert len(found.rows) == 3
    (walk,) = [q["sql"] for q in captured.captured_queries if " w WHERE " in q["sql"]]
    return walk


@pytest.mark.parametrize("index", WALKED)
def test_a_walk_newest_first_reads_the_index_alone(records, index):
    if connection.vendor != "postgresql":
        pytest.skip("An EXPLAIN of PostgreSQL's plan.")
    sql = walk_sql(WALKED[index])
    with connection.cursor() as cursor:
        # A table this small would be read whole; the question is whether
        # the index can serve the walk without the rows.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_bitmapscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_bitmapscan")
    assert f"Index Only Scan Backward using {index}" in plan, plan


@pytest.mark.parametrize("index", WALKED)
def test_a_walk_finds_the_newest_holders_in_order(records, index):
    list_page = WALKED[index]
    query = list_page.query
    qs = query.matching(query.filter())
    found = search_page(qs, "acme", query.sorts.ordering(""), limit=3)
    newest = qs.order_by(*query.sorts.ordering(""))[:3]
    assert [row.pk for row in found.rows] == [row.pk for row in newest]
