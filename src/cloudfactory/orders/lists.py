from cloudfactory.customers.filters import customer_chips, customer_records_empty_title
from cloudfactory.orders import queries
from cloudfactory.orders.export import ORDER_EXPORT_COLUMNS
from cloudfactory.orders.forms import OrderFilterForm
from cloudfactory.orders.models import Order
from cloudfactory.search.numbers import PARTIAL_NOTE
from cloudfactory.web.keyset import keyset_cursor
from cloudfactory.web.listing import Column, ListPage

ORDER_LIST_PAGE = ListPage(
    namespace="orders",
    title="Orders",
    noun="orders",
    permission="orders.view_order",
    filter_form=OrderFilterForm,
    query=queries.ORDERS.list,
    count=queries.ORDERS.count,
    cursor_of=lambda row, sort: keyset_cursor(row, queries.SORTS[sort]),
    columns=(
        Column("number", "Number"),
        Column("customer", "Customer"),
        Column("status", "Status"),
        Column("total_minor", "Total", align="end", sort="total"),
        Column("placed_at", "Placed", sort="placed"),
    ),
    template="orders/list.html",
    row_template="orders/_row.html",
    default_sort=queries.DEFAULT_SORT,
    export_permission="orders.export_order",
    export_columns=ORDER_EXPORT_COLUMNS,
    export_queryset=queries.ORDERS.export_queryset,
    search_placeholder="Search order number or customer",
    toolbar_fields=("status", "placed_from", "placed_to"),
    chips=customer_chips,
    empty_title=customer_records_empty_title("orders", dict(Order.Status.choices)),
    get=queries.order_get,
    panel_template="orders/_panel.html",
    record_name="Order",
    partial_note=PARTIAL_NOTE,
)
