"""Search for orders and invoices: by record number, or by customer name.

Numbers read `ORD-<customer id>-<sequence>` (services set them), so a number
or its start names the customer: the lookup rides the (customer, date, id)
index instead of scanning. Anything else is a customer name, found through the
customers' trigram index.
"""

import re

from cloudfactory.customers.models import Customer
from cloudfactory.search.filters import search_filter
from cloudfactory.search.queries import SearchPage

# "ORD-135-0004", "ord-135", "135-4", "135": the customer id, then a sequence start.
NUMBER = re.compile(r"^(?:[a-z]{3}-?)?(\d{1,12})(?:-(\d{0,8}))?$", re.IGNORECASE)
# At most this many customers' records are searched for a name piece.
CUSTOMERS_MATCHED = 1_000


def number_or_customer_filter(qs, q: str):
    """`qs` narrowed by `q`, and whether every customer that matched is in it."""
    piece = q.strip()
    if match := NUMBER.match(piece):
        customer_id, sequence = match.groups()
        qs = qs.filter(customer_id=int(customer_id))
        if sequence:
            qs = qs.filter(number__regex=rf"-{customer_id}-0*{sequence}")
        return qs, True
    ids = list(
        search_filter(Customer.objects.order_by(), piece).values_list("id", flat=True)[
            : CUSTOMERS_MATCHED + 1
        ]
    )
    return qs.filter(customer_id__in=ids[:CUSTOMERS_MATCHED]), len(
        ids
    ) <= CUSTOMERS_MATCHED


def number_or_customer_search(qs, q: str, ordering, limit: int) -> SearchPage:
    """A page of `qs` matching `q` by number or customer name (see above)."""
    narrowed, exhaustive = number_or_customer_filter(qs, q)
    return SearchPage(list(narrowed.order_by(*ordering)[:limit]), exhaustive=exhaustive)
