"""The orders CSV export: every order an OrderFilter matches, in its sort."""

from django.db.models import QuerySet

from cloudfactory.orders.models import Order
from cloudfactory.orders.queries import SORTS, OrderFilter, order_filtered
from cloudfactory.search.numbers import number_or_customer_filter_all
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    money_cell,
    text_cell,
)

ORDER_EXPORT_COLUMNS = (
    ExportColumn("Number", text_cell("number")),
    ExportColumn("Customer", text_cell("customer__name")),
    ExportColumn("Status", label_cell("status", Order.Status.choices)),
    ExportColumn("Total", money_cell("total_minor")),
    ExportColumn("Currency", text_cell("currency")),
    ExportColumn("Placed", datetime_cell("placed_at")),
)


def order_export_queryset(f: OrderFilter) -> QuerySet[Order]:
    """Every order matching `f`'s filters and search, in `f.sort` order: the
    list's query over the whole table, no page, no cursor."""
    qs = number_or_customer_filter_all(order_filtered(f), f.q)
    return qs.order_by(*SORTS[f.sort])
