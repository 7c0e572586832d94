"""A deep page seeks with a row-value comparison, `(sort, id) < (x, y)`, on
every list and sort: the form both databases serve from an index, where the
`x < a OR (x = a AND ...)` form made PostgreSQL walk from the first row."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.web.keyset import keyset_after
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)
from tests.integration.lists.pages import LIST_PAGES

pytestmark = pytest.mark.django_db

PAGES = {page.namespace: page for page in LIST_PAGES.values()}
CASES = [(name, sort) for name, page in PAGES.items() for sort in page.query.sorts.keys]
ROW_VALUE = re.compile(r'\("\w+"\."(\w+)", "\w+"\."id"\) ([<>]) \(')


@pytest.fixture
def records():
    for n in range(3):
        customer = CustomerFactory(name=f"Customer {n}")
        TenantUserFactory(customer_id=customer.pk)
        OrderFactory(customer_id=customer.pk)
        InvoiceFactory(customer_id=customer.pk)
        TicketFactory(customer_id=customer.pk)


def deep_page_sql(list_page, sort: str) -> str:
    query = list_page.query
    f = query.filter(sort=sort)
    first = query.page(f, limit=1).rows[0]
    with CaptureQueriesContext(connection) as queries:
        query.page(f, after=query.cursor(first, f), limit=1)
    return queries.captured_queries[0]["sql"]


@pytest.mark.parametrize(("name", "sort"), CASES)
def test_a_deep_page_seeks_with_a_row_value(records, name, sort):
    list_page = PAGES[name]
    sql = deep_page_sql(list_page, sort)
    compared = ROW_VALUE.search(sql)
    assert compared, sql
    field = list_page.query.sorts.field(sort)
    assert compared.group(1) == field
    assert compared.group(2) == ("<" if sort.startswith("-") else ">")
    assert " OR " not in sql.split(" WHERE ", 1)[1]


@pytest.mark.parametrize(("name", "sort"), CASES)
def test_the_rows_after_a_cursor_are_the_rest_of_the_list(records, name, sort):
    query = PAGES[name].query
    f = query.filter(sort=sort)
    every = [row.pk for row in query.page(f, limit=100).rows]
    seen, after = [], None
    while True:
        page = query.page(f, after=after, limit=2)
        seen += [row.pk for row in page.rows]
        if not page.has_more:
            break
        after = query.cursor(page.rows[-1], f)
    assert seen == every


def test_postgresql_serves_a_deep_customers_page_from_its_index(records):
    if connection.vendor != "postgresql":
        pytest.skip("An EXPLAIN of PostgreSQL's plan.")
    query = CUSTOMER_LIST_PAGE.query
    f = query.filter()
    first = query.page(f, limit=1).rows[0]
    ordering = query.sorts.ordering("")
    qs = keyset_after(query.matching(f), ordering, query.cursor(first, f))
    with connection.cursor() as cursor:
        # A table this small would be read whole; the question is whether the
        # index can serve the comparison.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = qs.order_by(*ordering).explain()
    assert "Index Cond: (ROW(created_at, id) < ROW(" in plan, plan
