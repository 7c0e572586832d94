"""Every read of invoices: the list, its count and export (INVOICES), one
invoice."""

from dataclasses import dataclass
from datetime import datetime

from cloudfactory.customers.models import Customer
from cloudfactory.customers.records import CustomerRecords
from cloudfactory.invoices.models import Invoice

# URL value -> ordering; every ordering ends with id so the keyset is unique.
SORTS = {
    "-issued": ("-issued_at", "-id"),
    "issued": ("issued_at", "id"),
    "-due": ("-due_at", "-id"),
    "due": ("due_at", "id"),
}
DEFAULT_SORT = "-issued"


@dataclass(frozen=True)
class InvoiceFilter:
    q: str = ""
    customer: Customer | None = None
    status: str = ""
    # Issued at or after `issued_since` and before `issued_before` (instants).
    issued_since: datetime | None = None
    issued_before: datetime | None = None
    sort: str = DEFAULT_SORT
    # Keyset cursor: the sort value and id of the last row shown.
    after: tuple | None = None
    limit: int = 50


INVOICES = CustomerRecords(
    model=Invoice,
    dated="issued",
    sorts=SORTS,
    counter="invoices",
)


def invoice_get(pk: int) -> Invoice | None:
    """One invoice with its customer and its order, or None. One query."""
    return Invoice.objects.select_related("customer", "order").filter(pk=pk).first()
