from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cloudfactory.activity.services import event_append
from cloudfactory.customers.services import customer_counters_add, customer_lock
from cloudfactory.errors import DomainError, NotFound
from cloudfactory.invoices.models import Invoice
from cloudfactory.money import platform_currency
from cloudfactory.text import UnfitText, fit_text

PAYMENT_TERMS = timedelta(days=30)
# The largest amount a 64-bit column holds, in minor units.
MAX_MINOR = 2**63 - 1
# The longest reason a voided invoice keeps.
REASON_MAX_LENGTH = 500


def invoice_number(customer_id: int, sequence: int) -> str:
    return f"INV-{customer_id}-{sequence:04d}"


def _payload(invoice: Invoice) -> dict:
    return {
        "invoice_id": invoice.pk,
        "number": invoice.number,
        "amount_minor": invoice.amount_minor,
        "currency": invoice.currency,
    }


def _invoice_lock(invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None:
        raise NotFound(f"Invoice #{invoice_id} does not exist.")
    return invoice


@transaction.atomic
def invoice_issue(
    *,
    customer_id: int,
    amount_minor: int,
    order_id: int | None = None,
    status: Invoice.Status | str = Invoice.Status.OPEN,
    actor=None,
    issued_at: datetime | None = None,
    due_at: datetime | None = None,
) -> Invoice:
    """Issue an invoice (open, or draft to finish later)."""
    if amount_minor < 0:
        raise DomainError("An invoice amount cannot be negative.")
    if amount_minor > MAX_MINOR:
        raise DomainError("An invoice amount that large cannot be stored.")
    if status not in (Invoice.Status.DRAFT, Invoice.Status.OPEN):
        raise DomainError("A new invoice is either a draft or open.")
    customer = customer_lock(customer_id)
    if order_id is not None and not customer.orders.filter(pk=order_id).exists():
        raise DomainError(f"Order #{order_id} is not an order of {customer.name}.")
    issued_at = issued_at or timezone.now()
    invoice = Invoice.objects.create(
        customer=customer,
        order_id=order_id,
        number=invoice_number(customer.pk, customer.invoices_count + 1),
        status=status,
        amount_minor=amount_minor,
        currency=platform_currency(),
        issued_at=issued_at,
        due_at=due_at or issued_at + PAYMENT_TERMS,
    )
    customer_counters_add(customer_id=customer.pk, invoices=1)
    event_append(
        kind="invoice.issued", customer=customer, actor=actor, payload=_payload(invoice)
    )
    return invoice


@transaction.atomic
def invoice_pay(
    *, invoice_id: int, actor=None, paid_at: datetime | None = None
) -> Invoice:
    """Record the payment of an open or overdue invoice; it counts towards revenue."""
    invoice = _invoice_lock(invoice_id)
    if invoice.status not in (Invoice.Status.OPEN, Invoice.Status.OVERDUE):
        raise DomainError(
            f"Invoice {invoice.number} is {invoice.status}; only open or "
            "overdue invoices can be paid."
        )
    customer = customer_lock(invoice.customer_id)
    invoice.status = Invoice.Status.PAID
    invoice.paid_at = paid_at or timezone.now()
    invoice.save(update_fields=["status", "paid_at"])
    customer_counters_add(customer_id=customer.pk, revenue_minor=invoice.amount_minor)
    event_append(
        kind="invoice.paid",
        customer=customer,
        actor=actor,
        payload=_payload(invoice),
        notable=True,
    )
    return invoice


@transaction.atomic
def invoice_mark_overdue(*, invoice_id: int, actor=None) -> Invoice:
    """Mark an open invoice whose due date has passed as overdue."""
    invoice = _invoice_lock(invoice_id)
    if invoice.status != Invoice.Status.OPEN:
        raise DomainError(f"Invoice {invoice.number} is {invoice.status}, not open.")
    invoice.status = Invoice.Status.OVERDUE
    invoice.save(update_fields=["status"])
    event_append(
        kind="invoice.overdue",
        customer=invoice.customer,
        actor=actor,
        payload=_payload(invoice),
        notable=True,
    )
    return invoice


@transaction.atomic
def invoice_void(*, invoice_id: int, actor=None, reason: str = "") -> Invoice:
    """Void an invoice that has not been paid."""
    try:
        reason = fit_text(
            reason, what="The reason", max_length=REASON_MAX_LENGTH, lines=True
        )
    except UnfitText as unfit:
        raise DomainError(str(unfit)) from None
    invoice = _invoice_lock(invoice_id)
    if invoice.status in (Invoice.Status.PAID, Invoice.Status.VOID):
        raise DomainError(
            f"Invoice {invoice.number} is {invoice.status} and cannot be voided."
        )
    invoice.status = Invoice.Status.VOID
    invoice.save(update_fields=["status"])
    event_append(
        kind="invoice.voided",
        customer=invoice.customer,
        actor=actor,
        payload={**_payload(invoice), "reason": reason},
    )
    return invoice
