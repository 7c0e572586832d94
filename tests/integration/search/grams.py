"""The Customers list's counts of short runs, as PostgreSQL keeps them and as
they should be."""

from collections import Counter

from django.db import connection

from cloudfactory.customers.models import Customer
from cloudfactory.textsearch.gram_counts import LONGEST, SHORTEST


def gram_counts() -> dict[tuple[str, str, str], int]:
    """(run, type, status): holders, as the table keeps them (none at zero)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gram, type, status, holders FROM customers_customer_grams "
            "WHERE holders <> 0"
        )
        return {row[:3]: row[3] for row in cursor.fetchall()}


def expected_gram_counts() -> dict[tuple[str, str, str], int]:
    """The same, counted in Python from every customer's search text."""
    counts = Counter()
    for text, type_, status in Customer.objects.values_list(
        "search_text", "type", "status"
    ):
        runs = {
            text[i : i + n]
            for n in range(SHORTEST, LONGEST + 1)
            for i in range(len(text) - n + 1)
        }
        for run in runs:
            counts[run, type_, status] += 1
    return dict(counts)
