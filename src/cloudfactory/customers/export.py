"""The customers CSV export: every customer a CustomerFilter matches, in its sort.

The user guide's columns and order; each export is recorded in the event log
once its stream ends (DESIGN.md rule 7).
"""

from django.db.models import QuerySet

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import SORTS, CustomerFilter, _filtered
from cloudfactory.search.filters import search_filter
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    number_cell,
    text_cell,
)

CUSTOMER_EXPORT_COLUMNS = (
    ExportColumn("Name", text_cell("name")),
    ExportColumn("Type", label_cell("type", Customer.Type.choices)),
    ExportColumn("Status", label_cell("status", Customer.Status.choices)),
    ExportColumn("Email", text_cell("email")),
    ExportColumn("User count", number_cell("users_count")),
    ExportColumn("Order count", number_cell("orders_count")),
    ExportColumn("Invoice count", number_cell("invoices_count")),
    ExportColumn("Creation date", datetime_cell("created_at")),
)


def customer_export_queryset(f: CustomerFilter) -> QuerySet[Customer]:
    """Every customer matching `f`'s type, status and search, in `f.sort` order.

    The list's filter and search, over the whole table: no page limit, no
    cursor, and short pieces are not held to the list's bounded window.
    """
    qs = search_filter(_filtered(f), f.q)
    return qs.order_by(*SORTS[f.sort])
