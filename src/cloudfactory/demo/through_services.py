"""The small path: replay each customer's history through the service layer.

Counters, platform totals, search text and events are then exactly what
production writes. The services stamp their events (and a closed ticket's
updated_at) with the current time; a demo back-dates those to the simulated
time afterwards, the one write here that is not a service call.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from django.db import transaction

from cloudfactory.activity.models import Event
from cloudfactory.customers.services import customer_change_status, customer_register
from cloudfactory.demo.history import customer_history
from cloudfactory.demo.plan import CustomerPlan
from cloudfactory.invoices.services import (
    invoice_issue,
    invoice_mark_overdue,
    invoice_pay,
    invoice_void,
)
from cloudfactory.orders.services import order_place
from cloudfactory.support.models import Ticket
from cloudfactory.support.services import ticket_close, ticket_open
from cloudfactory.users.services import tenant_user_add

# Customers per transaction: one commit per service call would dominate the time.
CUSTOMERS_PER_TRANSACTION = 25


def _aware(timestamp: int | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, UTC)


class _Replay:
    """Replays one customer; remembers the ids the services gave its records."""

    def __init__(self, plan: CustomerPlan):
        self.plan = plan
        self.customer_id: int | None = None
        self.order_ids: dict[int, int] = {}
        self.invoice_ids: dict[int, int] = {}
        self.ticket_ids: dict[int, int] = {}
        self.event_times: list[datetime] = []
        self.ticket_closings: list[Ticket] = []

    def run(self) -> int:
        for step in customer_history(self.plan):
            at = _aware(step.at)
            getattr(self, step.kind.replace(".", "_"))(step.item, at)
            self.event_times.append(at)  # each service call appends one event
        self._backdate()
        return self.customer_id

    def customer_created(self, _, at):
        p = self.plan
        self.customer_id = customer_register(
            name=p.name,
            type=p.type,
            email=p.email,
            phone=p.phone,
            address=p.address,
            company_name=p.company_name,
            card_brand=p.card_brand,
            card_last4=p.card_last4,
            card_exp_month=p.card_exp_month,
            card_exp_year=p.card_exp_year,
            billing_address=p.billing_address,
            created_at=at,
        ).pk

    def customer_status_changed(self, change, at):
        customer_change_status(
            customer_id=self.customer_id,
            status=change.status,
            actor=None,
            reason=change.reason,
        )

    def user_added(self, user, at):
        tenant_user_add(
            customer_id=self.customer_id,
            name=user.name,
            email=user.email,
            role=user.role,
            created_at=at,
            last_seen_at=_aware(user.last_seen_at),
        )

    def order_placed(self, order, at):
        self.order_ids[order.sequence] = order_place(
            customer_id=self.customer_id,
            total_minor=order.total_minor,
            status=order.status,
            placed_at=at,
        ).pk

    def invoice_issued(self, invoice, at):
        self.invoice_ids[invoice.sequence] = invoice_issue(
            customer_id=self.customer_id,
            amount_minor=invoice.amount_minor,
            order_id=self.order_ids.get(invoice.order_sequence),
            status="draft" if invoice.status == "draft" else "open",
            issued_at=at,
            due_at=_aware(invoice.due_at),
        ).pk

    def invoice_overdue(self, invoice, at):
        invoice_mark_overdue(invoice_id=self.invoice_ids[invoice.sequence])

    def invoice_paid(self, invoice, at):
        invoice_pay(invoice_id=self.invoice_ids[invoice.sequence], paid_at=at)

    def invoice_voided(self, invoice, at):
        reason = "Order cancelled" if invoice.order_sequence else "Written off"
        invoice_void(invoice_id=self.invoice_ids[invoice.sequence], reason=reason)

    def ticket_opened(self, ticket, at):
        self.ticket_ids[ticket.sequence] = ticket_open(
            customer_id=self.customer_id,
            subject=ticket.subject,
            priority=ticket.priority,
            created_at=at,
        ).pk

    def ticket_closed(self, ticket, at):
        ticket_close(ticket_id=self.ticket_ids[ticket.sequence])
        self.ticket_closings.append(
            Ticket(pk=self.ticket_ids[ticket.sequence], updated_at=at)
        )

    def _backdate(self):
        event_ids = Event.objects.filter(customer_id=self.customer_id).order_by("id")
        events = [
            Event(pk=pk, created_at=at)
            for pk, at in zip(
                event_ids.values_list("id", flat=True), self.event_times, strict=True
            )
        ]
        Event.objects.bulk_update(events, ["created_at"])
        if self.ticket_closings:
            Ticket.objects.bulk_update(self.ticket_closings, ["updated_at"])


def load_through_services(
    plans: Iterable[CustomerPlan], on_customer: Callable[[], None] = lambda: None
) -> list[int]:
    """Create every planned customer through the services; returns their ids."""
    ids: list[int] = []
    batch: list[CustomerPlan] = []

    def flush():
        with transaction.atomic():
            for plan in batch:
                ids.append(_Replay(plan).run())
                on_customer()
        batch.clear()

    for plan in plans:
        batch.append(plan)
        if len(batch) == CUSTOMERS_PER_TRANSACTION:
            flush()
    if batch:
        flush()
    return ids
