"""A customer's numbered records (orders, invoices): their list query, declared
once, and their search by record number or by customer name.

Numbers read `ORD-<customer id>-<sequence>` (services set them), so a number
or its start names the customer: the lookup rides the (customer, date, id)
index instead of scanning. Anything else is a customer name, found through the
customers' own search (textsearch.queries), which picks its plan from a sample.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Coalesce

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import customer_counter
from cloudfactory.textsearch.queries import SearchPage, search_filter, search_page
from cloudfactory.textsearch.sample import read_ahead
from cloudfactory.web.query import F as Filter
from cloudfactory.web.query import ListQuery, Sorts, count_capped

# "ORD-135-0004", "ord-135", "135-4", "135": the customer id, then a sequence start.
NUMBER = re.compile(r"^(?:[a-z]{3}-?)?(\d{1,12})(?:-(\d{0,8}))?$", re.IGNORECASE)
# At most this many customers' records are searched for a name piece: the
# first by id. At 1M customers, 1,000 of them took 14-27 ms to find for a
# common piece ('gmbh', 'smi'), 200 take 2-6 ms.
CUSTOMERS_MATCHED = 200
PARTIAL_NOTE = (
    f"from the first {CUSTOMERS_MATCHED:,} matching customers; "
    "narrow the search to see them all"
)


def number_or_customer_filter(qs, q: str):
    """`qs` narrowed by `q`, and whether every customer that matched is in it."""
    piece = q.strip()
    if match := NUMBER.match(piece):
        customer_id, sequence = match.groups()
        qs = qs.filter(customer_id=int(customer_id))
        if sequence:
            qs = qs.filter(number__regex=rf"-{customer_id}-0*{sequence}")
        return qs, True
    # Ordered, so the page, the next page and the count agree on which customers.
    found = search_page(
        Customer.objects.only("id", "search_text"),
        piece,
        ("id",),
        CUSTOMERS_MATCHED + 1,
    )
    ids = [customer.id for customer in found.rows]
    exhaustive = found.exhaustive and len(ids) <= CUSTOMERS_MATCHED
    return qs.filter(customer_id__in=ids[:CUSTOMERS_MATCHED]), exhaustive


def number_or_customer_search(
    qs: QuerySet,
    q: str,
    ordering: tuple[str, str],
    limit: int,
    count_up_to: int | None = None,
) -> SearchPage:
    """Up to `limit` records of `qs` whose number or customer matches `q`.

    The matching customers' own records come through the (customer, date, id)
    index and are then sorted. Sorting by an expression rather than the column
    is what keeps the planner off the list's sort index: walking that index
    filtered by a thousand customers read 40,000+ rows for a common name piece
    at 1M customers (100-300 ms); this plan took 15-55 ms. Every match is
    counted, whatever `count_up_to`.
    """
    found, exhaustive = number_or_customer_filter(qs, q)
    field = ordering[0].lstrip("-")
    key, pk = Coalesce(F(field), F(field)), F("id")
    if ordering[0].startswith("-"):
        order = (key.desc(), pk.desc())
    else:
        order = (key.asc(), pk.asc())
    # Every match is read to sort them anyway: counting them there too spares
    # the list a second customer lookup and count.
    counted = found.annotate(search_total=Window(Count("id")))
    rows = list(counted.order_by(*order)[:limit])
    total = rows[0].search_total if rows else 0
    return SearchPage(rows, exhaustive=exhaustive, total=total)


def number_or_customer_filter_all(qs: QuerySet, q: str) -> QuerySet:
    """`qs` narrowed to every record whose number or customer matches `q`.

    For exports: the list looks through the first CUSTOMERS_MATCHED customers
    a name piece finds; a download takes the records of all of them.
    """
    if not q.strip():
        return qs
    found, exhaustive = number_or_customer_filter(qs, q)
    if exhaustive:
        return found
    customers = search_filter(Customer.objects.order_by(), q).values("id")
    return qs.filter(customer_id__in=customers)


@dataclass(frozen=True)
class NumberOrCustomerSearch:
    """The search of a customer's numbered records (web.query.Search)."""

    partial_note: str = PARTIAL_NOTE

    def page(self, qs, q, ordering, limit, count_up_to) -> SearchPage:
        return number_or_customer_search(qs, q, ordering, limit, count_up_to)

    def count(self, qs, q, cap, ordering) -> tuple[int, bool]:
        found, exhaustive = number_or_customer_filter(qs, q)
        count, exact = count_capped(found, cap)
        return count, exact and exhaustive

    def matching_all(self, qs: QuerySet, q: str) -> QuerySet:
        return number_or_customer_filter_all(qs, q)

    def read_ahead(self, model) -> None:
        """The records are found by their customers' search."""
        read_ahead(Customer._meta.db_table)


def customer_records(
    *, model: type[models.Model], filter: type[Filter], dated: str, sorts: Sorts
) -> ListQuery[Filter]:
    """The list query of records filtered by customer, status and a range of
    their date: for `dated="placed"`, the filter's placed_since and
    placed_before bound placed_at. Counted, when only the customer is set, by
    that customer's `<model>s_count` (so the list agrees with its badge)."""
    counter = model._meta.model_name + "s"
    return ListQuery(
        model=model,
        filter=filter,
        lookups={
            "customer_id": "customer_id",
            "status": "status",
            f"{dated}_since": f"{dated}_at__gte",
            f"{dated}_before": f"{dated}_at__lt",
        },
        sorts=sorts,
        search=NumberOrCustomerSearch(),
        counter=customer_counter(counter),
        related=("customer",),
    )
