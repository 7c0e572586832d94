"""The search key PostgreSQL's trigram index is built on (separators spelled
in letters) must never lose a row: every piece of a record's text finds it."""

import pytest
from django.db import connection

from cloudfactory.customers.queries import CUSTOMERS, CustomerFilter
from cloudfactory.text import fold
from cloudfactory.textsearch.indexes import SPELLED, search_key, search_key_sql
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TRICKY = "Qq Quinn-O'Brien & Co., q_q+q/q 100% Ærø"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_the_database_spells_the_key_as_python_does():
    text = "".join(SPELLED) + " " + fold(TRICKY) + " \\%_ züñ"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {search_key_sql('%s::text')}", [text])
        assert cursor.fetchone()[0] == search_key(text)


def test_every_piece_of_a_record_finds_it():
    customer = CustomerFactory(
        name=TRICKY, email="q.q-q_q+q@q-q.example", company_name="Q & Q / Sons"
    )
    CustomerFactory(name="Someone Else", email="else@example.com")
    text = customer.search_text
    pieces = {text[i : i + n] for n in (3, 4, 6) for i in range(len(text) - n + 1)}
    missed = [
        piece
        for piece in sorted(pieces)
        if customer.pk
        not in [c.pk for c in CUSTOMERS.page(CustomerFilter(q=piece), limit=5).rows]
    ]
    assert missed == []
