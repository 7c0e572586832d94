"""The orders CSV export: every order an OrderFilter matches, in its sort."""

from django.db.models import QuerySet

from cloudfactory.orders.models import Order
from cloudfactory.orders.queries import SORTS, OrderFilter, order_filtered
from cloudfactory.search.numbers import number_or_customer_filter_all
from cloudfactory.web.export import (
    CsvStreamingResponse,
    ExportColumn,
    datetime_cell,
    export_response,
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
EXPORTED = "orders.exported"


def order_export_queryset(f: OrderFilter) -> QuerySet[Order]:
    """Every order matching `f`'s filters and search, in `f.sort` order: the
    list's query over the whole table, no page, no cursor."""
    qs = number_or_customer_filter_all(order_filtered(f), f.q)
    return qs.order_by(*SORTS[f.sort])


def order_export_filters(f: OrderFilter) -> dict:
    """`f` as the export's audit entry records it."""
    return {
        "q": f.q,
        "customer": f.customer.pk if f.customer else None,
        "status": f.status,
        "placed_since": f.placed_since.isoformat() if f.placed_since else None,
        "placed_before": f.placed_before.isoformat() if f.placed_before else None,
        "sort": f.sort,
    }


def order_export_response(f: OrderFilter, *, actor) -> CsvStreamingResponse:
    """The download of `order_export_queryset(f)`, logged as EXPORTED with
    `actor`, the filters and the row count when its stream ends."""
    return export_response(
        order_export_queryset(f),
        ORDER_EXPORT_COLUMNS,
        stem="orders",
        kind=EXPORTED,
        actor=actor,
        filters=order_export_filters(f),
    )
