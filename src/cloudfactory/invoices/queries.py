"""Every read of invoices: the list (its page, count and export), one invoice."""

from dataclasses import dataclass
from datetime import datetime

from cloudfactory.customers.records import customer_records
from cloudfactory.invoices.models import Invoice
from cloudfactory.web.query import ListFilter, Sort, Sorts


@dataclass(frozen=True)
class InvoiceFilter(ListFilter):
    customer_id: int | None = None
    status: str = ""
    # Issued at or after `issued_since` and before `issued_before` (instants).
    issued_since: datetime | None = None
    issued_before: datetime | None = None


INVOICES = customer_records(
    model=Invoice,
    filter=InvoiceFilter,
    dated="issued",
    sorts=Sorts(Sort("issued", "issued_at"), Sort("due", "due_at"), default="-issued"),
)


def invoice_get(pk: int) -> Invoice | None:
    """One invoice with its customer and its order, or None. One query."""
    return Invoice.objects.select_related("customer", "order").filter(pk=pk).first()
