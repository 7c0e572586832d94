"""The columns of the orders CSV export; its rows: queries.ORDERS."""

from cloudfactory.orders.models import Order
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
