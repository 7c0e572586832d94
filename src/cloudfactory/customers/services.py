"""Every write to customers, their counters and the platform totals."""

import random
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cloudfactory.activity.services import event_append
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.errors import DomainError, NotFound
from cloudfactory.text import UnfitText, fit_email, fit_text, search_text

# The longest reason a status change keeps (the form's limit too).
REASON_MAX_LENGTH = 500
# Card expiry years a customer's card may carry.
CARD_YEARS = range(2000, 2100)

COUNTER_FIELDS = {
    "users": "users_count",
    "orders": "orders_count",
    "invoices": "invoices_count",
    "tickets": "tickets_count",
    "revenue_minor": "revenue_minor",
}


def totals_add(**deltas: int) -> None:
    """Add deltas to one platform-totals slot chosen at random (see PlatformTotals).

    Call it once per transaction: two slots locked in two orders could deadlock.
    """
    changes = {name: F(name) + delta for name, delta in deltas.items() if delta}
    if not changes:
        return
    unknown = set(changes) - set(PlatformTotals.FIELDS)
    if unknown:
        raise ValueError(f"Unknown platform totals: {sorted(unknown)}")
    slot = random.randrange(PlatformTotals.SLOTS)
    if not PlatformTotals.objects.filter(slot=slot).update(**changes):
        # The slot rows come with the migrations; a flushed table gets them back here.
        PlatformTotals.objects.bulk_create(
            [PlatformTotals(slot=slot)], ignore_conflicts=True
        )
        PlatformTotals.objects.filter(slot=slot).update(**changes)


def customer_counters_add(*, customer_id: int, **deltas: int) -> None:
    """Add to one customer's counters and to the platform totals, in the caller's
    transaction. Keys: users, orders, invoices, tickets, revenue_minor.
    """
    changes = {
        COUNTER_FIELDS[name]: F(COUNTER_FIELDS[name]) + d
        for name, d in deltas.items()
        if d
    }
    if changes:
        Customer.objects.filter(pk=customer_id).update(**changes)
        totals_add(**deltas)


def _fit(field: str, value: str, what: str, *, lines: bool = False) -> str:
    """`value` as the column `field` of a customer may keep it (fit_text)."""
    max_length = Customer._meta.get_field(field).max_length
    return fit_text(value, what=what, max_length=max_length, lines=lines)


def _four_digits(text: str) -> bool:
    # ASCII only: str.isdigit also takes "²" and "٤".
    return len(text) == 4 and text.isascii() and text.isdigit()


def customer_search_text(customer: Customer) -> str:
    return search_text(customer.name, customer.email, customer.company_name)


@transaction.atomic
def customer_register(
    *,
    name: str,
    type: Customer.Type | str,
    email: str,
    actor=None,
    phone: str = "",
    address: str = "",
    company_name: str = "",
    card_brand: str = "",
    card_last4: str = "",
    card_exp_month: int | None = None,
    card_exp_year: int | None = None,
    billing_address: str = "",
    status: Customer.Status | str = Customer.Status.ACTIVE,
    created_at: datetime | None = None,
) -> Customer:
    """Register a new customer tenant. DomainError, nothing written, when a
    value does not fit (see `cloudfactory.text.fit_text`)."""
    if not name.strip():
        raise DomainError("A customer needs a name.")
    if not email.strip():
        raise DomainError("A customer needs an email address.")
    if type not in Customer.Type.values:
        raise DomainError(f"Unknown customer type {type!r}.")
    if status not in Customer.Status.values:
        raise DomainError(f"Unknown customer status {status!r}.")
    if card_last4 and not _four_digits(card_last4):
        raise DomainError("The card's last four digits must be four digits.")
    if card_exp_month is not None and not 1 <= card_exp_month <= 12:
        raise DomainError("The card's expiry month must be from 1 to 12.")
    if card_exp_year is not None and card_exp_year not in CARD_YEARS:
        raise DomainError(
            f"The card's expiry year must be from {CARD_YEARS[0]} to {CARD_YEARS[-1]}."
        )
    try:
        customer = Customer(
            name=_fit("name", name, "The customer's name"),
            type=type,
            status=status,
            email=fit_email(email, what="The customer's email address"),
            phone=_fit("phone", phone, "The phone number"),
            address=_fit("address", address, "The address", lines=True),
            company_name=_fit("company_name", company_name, "The company name"),
            card_brand=_fit("card_brand", card_brand, "The card brand"),
            card_last4=card_last4,
            card_exp_month=card_exp_month,
            card_exp_year=card_exp_year,
            billing_address=_fit(
                "billing_address", billing_address, "The billing address", lines=True
            ),
            created_at=created_at or timezone.now(),
        )
    except UnfitText as unfit:
        raise DomainError(str(unfit)) from None
    customer.search_text = customer_search_text(customer)
    customer.save()
    totals_add(
        customers=1,
        companies=int(customer.type == Customer.Type.COMPANY),
        individuals=int(customer.type == Customer.Type.INDIVIDUAL),
        **{customer.status: 1},
    )
    event_append(
        kind="customer.created",
        customer=customer,
        actor=actor,
        payload={
            "name": customer.name,
            "type": customer.type,
            "status": customer.status,
        },
        notable=True,
    )
    return customer


@transaction.atomic
def customer_change_status(
    *, customer_id: int, status: Customer.Status | str, actor, reason: str
) -> Customer:
    """Suspend, reactivate or deactivate a customer, with who did it and why."""
    if status not in Customer.Status.values:
        raise DomainError(f"Unknown customer status {status!r}.")
    if not reason.strip():
        raise DomainError("Give a reason for the status change.")
    try:
        reason = fit_text(
            reason, what="The reason", max_length=REASON_MAX_LENGTH, lines=True
        )
    except UnfitText as unfit:
        raise DomainError(str(unfit)) from None
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"Customer #{customer_id} does not exist.")
    if customer.status == status:
        label = Customer.Status(status).label.lower()
        raise DomainError(f"{customer.name} is already {label}.")
    previous = customer.status
    customer.status = status
    customer.save(update_fields=["status", "updated_at"])
    totals_add(**{previous: -1, status: 1})
    event_append(
        kind="customer.status_changed",
        customer=customer,
        actor=actor,
        payload={"from": previous, "to": status, "reason": reason},
        notable=True,
    )
    return customer


def customer_lock(customer_id: int) -> Customer:
    """The customer row, locked for the rest of the transaction; NotFound if absent."""
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise NotFound(f"Customer #{customer_id} does not exist.")
    return customer
