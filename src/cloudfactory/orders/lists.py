from cloudfactory.customers.filters import customer_chips, customer_records_empty_title
from cloudfactory.orders import queries
from cloudfactory.orders.forms import OrderFilterForm
from cloudfactory.orders.models import Order
from cloudfactory.web.export import (
    ExportColumn,
    datetime_cell,
    label_cell,
    money_cell,
    text_cell,
)
from cloudfactory.web.list_parts import (
    Column,
    Export,
    RecordPanel,
    link_cell,
    pill_cell,
)
from cloudfactory.web.listing import ListPage

ORDER_LIST_PAGE = ListPage(
    namespace="orders",
    title="Orders",
    noun="orders",
    record_name="Order",
    permission="orders.view_order",
    query=queries.ORDERS,
    form=OrderFilterForm,
    columns=(
        Column("number", "Number", link_cell("number"), priority=1),
        Column("customer", "Customer", "{{ row.customer.name|highlight(q) }}"),
        Column("status", "Status", pill_cell("status"), priority=1),
        Column(
            "total_minor",
            "Total",
            "{{ row.total_minor|money_exact(row.currency) }}",
            align="end",
            sort="total",
        ),
        Column(
            "placed_at",
            "Placed",
            "{{ row.placed_at|timestamp }}",
            sort="placed",
            priority=3,
        ),
    ),
    panel=RecordPanel(get=queries.order_get, template="orders/_panel.html"),
    export=Export(
        permission="orders.export_order",
        columns=(
            ExportColumn("Number", text_cell("number"), "number"),
            ExportColumn("Customer", text_cell("customer__name"), "customer"),
            ExportColumn(
                "Status", label_cell("status", Order.Status.choices), "status"
            ),
            ExportColumn("Total", money_cell("total_minor"), "total_minor"),
            ExportColumn("Currency", text_cell("currency"), "total_minor"),
            ExportColumn("Placed", datetime_cell("placed_at"), "placed_at"),
        ),
    ),
    search_placeholder="Search order number or customer",
    toolbar_fields=("status", "placed_from", "placed_to"),
    chips=customer_chips,
    empty_title=customer_records_empty_title("orders", dict(Order.Status.choices)),
)
