"""Every write to customers, their counters and the platform totals."""

import random
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cloudfactory.activity.services import event_append
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.errors import DomainError, NotFound
from cloudfactory.text import search_text

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
    """Register a new customer tenant."""
    name = name.strip()
    if not name:
        raise DomainError("A customer needs a name.")
    if type not in Customer.Type.values:
        raise DomainError(f"Unknown customer type {type!r}.")
    if status not in Customer.Status.values:
        raise DomainError(f"Unknown customer status {status!r}.")
    if card_last4 and not (len(card_last4) == 4 and card_last4.isdigit()):
        raise DomainError("The card's last four digits must be four digits.")
    customer = Customer(
        name=name,
        type=type,
        status=status,
        email=email.strip().lower(),
        phone=phone,
        address=address,
        company_name=company_name,
        card_brand=card_brand,
        card_last4=card_last4,
        card_exp_month=card_exp_month,
        card_exp_year=card_exp_year,
        billing_address=billing_address,
        created_at=created_at or timezone.now(),
    )
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
    reason = reason.strip()
    if not reason:
        raise DomainError("Give a reason for the status change.")
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
