from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cloudfactory.activity.services import event_append
from cloudfactory.customers.services import customer_counters_add, customer_lock
from cloudfactory.errors import DomainError
from cloudfactory.money import platform_currency
from cloudfactory.orders.models import Order

# Orders of at least this much (minor units) show in the account history.
NOTABLE_ORDER_MINOR = 100_000
# The largest amount a 64-bit column holds, in minor units.
MAX_MINOR = 2**63 - 1


def order_number(customer_id: int, sequence: int) -> str:
    return f"ORD-{customer_id}-{sequence:04d}"


@transaction.atomic
def order_place(
    *,
    customer_id: int,
    total_minor: int,
    status: Order.Status | str = Order.Status.PENDING,
    actor=None,
    placed_at: datetime | None = None,
) -> Order:
    """Place an order for a customer."""
    if total_minor < 0:
        raise DomainError("An order total cannot be negative.")
    if total_minor > MAX_MINOR:
        raise DomainError("An order total that large cannot be stored.")
    if status not in Order.Status.values:
        raise DomainError(f"Unknown order status {status!r}.")
    customer = customer_lock(customer_id)
    order = Order.objects.create(
        customer=customer,
        # The customer row is locked, so its count is the sequence's last value.
        number=order_number(customer.pk, customer.orders_count + 1),
        status=status,
        total_minor=total_minor,
        currency=platform_currency(),
        placed_at=placed_at or timezone.now(),
    )
    customer_counters_add(customer_id=customer.pk, orders=1)
    event_append(
        kind="order.placed",
        customer=customer,
        actor=actor,
        payload={
            "order_id": order.pk,
            "number": order.number,
            "total_minor": total_minor,
            "currency": order.currency,
        },
        notable=total_minor >= NOTABLE_ORDER_MINOR,
    )
    return order
