"""A customer's plan as the sequence of things that happened to it, oldest first.

The service loader replays every step through the service that does it; the
bulk loader writes the event rows of the notable kinds (FAST_EVENT_KINDS).
"""

from typing import NamedTuple

from cloudfactory.demo.plan import CustomerPlan

ALL_KINDS = frozenset(
    {
        "customer.created",
        "customer.status_changed",
        "user.added",
        "order.placed",
        "invoice.issued",
        "invoice.overdue",
        "invoice.paid",
        "invoice.voided",
        "ticket.opened",
        "ticket.closed",
    }
)

# What the bulk loader writes to the event log: every entry of the account
# history, but not the routine user, invoice-issued and ticket entries, which
# would double the log's size for a timeline that does not show them.
FAST_EVENT_KINDS = frozenset(
    {
        "customer.created",
        "customer.status_changed",
        "order.placed",
        "invoice.overdue",
        "invoice.paid",
    }
)


class Step(NamedTuple):
    at: int
    kind: str
    item: object  # the UserPlan, OrderPlan, ... it is about; None for the customer


def customer_history(
    plan: CustomerPlan, kinds: frozenset[str] = ALL_KINDS
) -> list[Step]:
    # Listed cause before effect (order before its invoice, issued before paid):
    # the sort is stable, so steps at the same second keep that order.
    steps = [Step(plan.created_at, "customer.created", None)]
    if "user.added" in kinds:
        steps += [Step(user.created_at, "user.added", user) for user in plan.users]
    if "order.placed" in kinds:
        steps += [Step(order.placed_at, "order.placed", order) for order in plan.orders]
    for invoice in plan.invoices:
        if "invoice.issued" in kinds:
            steps.append(Step(invoice.issued_at, "invoice.issued", invoice))
        if invoice.overdue_at is not None and "invoice.overdue" in kinds:
            steps.append(Step(invoice.overdue_at, "invoice.overdue", invoice))
        if invoice.paid_at is not None and "invoice.paid" in kinds:
            steps.append(Step(invoice.paid_at, "invoice.paid", invoice))
        if invoice.voided_at is not None and "invoice.voided" in kinds:
            steps.append(Step(invoice.voided_at, "invoice.voided", invoice))
    for ticket in plan.tickets:
        if "ticket.opened" in kinds:
            steps.append(Step(ticket.created_at, "ticket.opened", ticket))
        if ticket.status == "closed" and "ticket.closed" in kinds:
            steps.append(Step(ticket.updated_at, "ticket.closed", ticket))
    if plan.status_change is not None:
        steps.append(
            Step(plan.status_change.at, "customer.status_changed", plan.status_change)
        )
    steps.sort(key=lambda step: step.at)
    return steps
