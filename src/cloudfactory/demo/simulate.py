"""`cloudfactory simulate`: realistic changes through the services, at a steady rate.

Each change is one service call in its own transaction, so it commits and is
announced on its own, as one person's action would be. Names, amounts and
subjects come from the demo's planner and vocabulary; existing records are
picked with `random_row`, which stays cheap on a table of millions. The same
seed on the same data makes the same changes.
"""

import math
import time
from collections import Counter, deque
from collections.abc import Callable
from itertools import accumulate
from random import Random
from typing import NamedTuple

from django.db.models import Max, Min, Model, QuerySet
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import customer_change_status, customer_register
from cloudfactory.demo.loader import DEFAULT_SEED
from cloudfactory.demo.plan import COMPANY_SHARE, HOUR, Planner, Skeleton
from cloudfactory.demo.pools import LOCALE_WEIGHTS, LocalePool, build_pools, slug
from cloudfactory.demo.vocabulary import STATUS_REASONS, USER_ROLES
from cloudfactory.errors import DomainError
from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.services import (
    PAYMENT_TERMS,
    invoice_issue,
    invoice_mark_overdue,
    invoice_pay,
    invoice_void,
)
from cloudfactory.money import format_money
from cloudfactory.orders.services import order_place
from cloudfactory.support.models import Ticket
from cloudfactory.support.services import ticket_close, ticket_open
from cloudfactory.text import counted
from cloudfactory.users.models import TenantUser
from cloudfactory.users.services import tenant_user_add, tenant_user_remove

MAX_RATE = 1000

# How often each kind of change happens, out of 100. Every order is invoiced
# (oldest first), so invoices are issued as often as orders are placed.
WEIGHTS = {
    "order.placed": 20,
    "invoice.issued": 20,
    "user.added": 17,
    "invoice.paid": 12,
    "ticket.opened": 8,
    "ticket.closed": 7,
    "customer.created": 6,
    "user.removed": 3,
    "invoice.overdue": 3,
    "invoice.voided": 2,
    "customer.status_changed": 2,
}
KINDS = tuple(WEIGHTS)
CUMULATIVE_WEIGHTS = tuple(accumulate(WEIGHTS.values()))

# What a change finds nothing to act on does instead; anything else without a
# customer to act on registers one.
INSTEAD = {
    "invoice.paid": "invoice.issued",
    "invoice.overdue": "invoice.issued",
    "invoice.voided": "invoice.issued",
    "ticket.closed": "ticket.opened",
    "user.removed": "user.added",
}

# customer_change_status allows any status to any other; these are the moves
# that happen, and how often.
TRANSITIONS = {
    ("active", "suspended"): 5,
    ("suspended", "active"): 4,
    ("active", "inactive"): 1,
    ("suspended", "inactive"): 1,
    ("inactive", "active"): 1,
}

# Invoices due on receipt, not after the payment terms: they may go overdue
# while the simulation runs.
DUE_ON_RECEIPT_SHARE = 0.1
OVERDUE_PAID_SHARE = 0.2  # payments that settle an overdue invoice, not an open one
# Orders waiting for their invoice, at most: older ones are never invoiced.
ORDERS_TO_INVOICE = 1_000
# Behind the schedule by more than this (a stalled database, a suspended
# laptop), the schedule restarts from now instead of catching up in a burst.
MAX_LAG = 1.0

SKIPPED = "skipped"


class Change(NamedTuple):
    kind: str  # the event kind it appended, or SKIPPED
    text: str  # what changed: "ORD-4211-0007 for Acme, $412.00"


def random_row(rows: QuerySet, key: str, rng: Random) -> Model | None:
    """A row of `rows` at random, cheaply on a table of millions.

    A random row of the whole table (the first at or above a random id between
    the smallest and the largest) gives a value of `key`; the answer is the
    first of `rows` at or after it in `key` order, else the last before it.
    With an index on the filtered columns then `key`, each query reads a few
    index entries (ordering by the id too would tempt PostgreSQL into another
    index that ends with it). The order of the rows decides, not the times
    they were written at, so a seed on the same data picks the same rows.
    """
    table = rows.model.objects.order_by("pk")
    bounds = table.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return None
    drawn = rng.randint(bounds["low"], bounds["high"])
    pivot = table.filter(pk__gte=drawn).values_list(key, flat=True).first()
    if pivot is None:  # the rows above were deleted meanwhile
        return None
    ordered = rows.order_by(key)
    return (
        ordered.filter(**{f"{key}__gte": pivot}).first()
        or ordered.filter(**{f"{key}__lt": pivot}).last()
    )


def _free_email(customer_id: int, mailbox: str, domain: str) -> str:
    """mailbox@domain, numbered when the tenant already has it."""
    email, twin = f"{mailbox}@{domain}", 1
    while TenantUser.objects.filter(customer_id=customer_id, email=email).exists():
        twin += 1
        email = f"{mailbox}{twin}@{domain}"
    return email


class Simulator:
    """Makes one realistic change at a time, every choice drawn from `rng`."""

    def __init__(self, rng: Random, only: tuple[str, ...] = ()):
        self.rng = rng
        # The kinds to make, in their usual proportions; () is every kind.
        chosen = [kind for kind in KINDS if not only or kind in only]
        self.kinds = tuple(chosen)
        self.kind_weights = tuple(accumulate(WEIGHTS[kind] for kind in chosen))
        pools = build_pools(DEFAULT_SEED)  # the demo's names, cached after the first
        self.planner = Planner(pools, DEFAULT_SEED, 0, int(time.time()))
        self.planner.rng = rng  # one stream of draws: the run's seed decides them all
        self.locale_weights = tuple(accumulate(LOCALE_WEIGHTS.values()))
        self.role_weights = tuple(accumulate(weight for _, weight in USER_ROLES))
        self.transition_weights = tuple(accumulate(TRANSITIONS.values()))
        self.owners_to_add = deque()
        self.orders_to_invoice = deque(maxlen=ORDERS_TO_INVOICE)
        self.makers: dict[str, Callable[[], str | None]] = {
            "customer.created": self.register_customer,
            "customer.status_changed": self.change_status,
            "user.added": self.add_user,
            "user.removed": self.remove_user,
            "order.placed": self.place_order,
            "invoice.issued": self.issue_invoice,
            "invoice.paid": self.pay_invoice,
            "invoice.overdue": self.mark_invoice_overdue,
            "invoice.voided": self.void_invoice,
            "ticket.opened": self.open_ticket,
            "ticket.closed": self.close_ticket,
        }

    def step(self) -> Change:
        """Make one change: DomainError, nothing written, when another writer
        changed the record first."""
        kind = self.rng.choices(self.kinds, cum_weights=self.kind_weights)[0]
        while (text := self.makers[kind]()) is None:
            kind = INSTEAD.get(kind, "customer.created")
        return Change(kind, text)

    # Picks

    def _customer(self, status: str = Customer.Status.ACTIVE) -> Customer | None:
        return random_row(
            Customer.objects.filter(status=status), "created_at", self.rng
        )

    def _invoice(self, status: str, **filters) -> Invoice | None:
        rows = Invoice.objects.filter(status=status, **filters)
        key = "due_at" if filters else "issued_at"  # each has a (status, key) index
        return random_row(rows.select_related("customer"), key, self.rng)

    def _skeleton(self, type: str, **counts: int) -> Skeleton:
        """A customer for the planner to plan records of. Created an hour before
        the planner's now, so every planned time is that now (the services stamp
        the real time anyway)."""
        return Skeleton(
            type=type,
            status="active",
            created_at=self.planner.now - HOUR,
            status_changed_at=None,
            **{"users": 0, "orders": 0, "extra_invoices": 0, "tickets": 0, **counts},
        )

    def _pool(self) -> LocalePool:
        pools = self.planner.pools
        return self.rng.choices(pools, cum_weights=self.locale_weights)[0]

    def _newcomer(self, customer: Customer) -> tuple[str, str, str]:
        """Name, email and role of someone joining the customer's tenant."""
        if customer.users_count == 0 and not customer.is_company:
            return customer.name, customer.email, "owner"  # the person themself
        rng, pool = self.rng, self._pool()
        first = rng.choice(pool.first_names)
        if customer.is_company:
            last = rng.choice(pool.last_names).text
            domain = customer.email.rpartition("@")[2]
        else:  # a relative: the same surname, a mailbox of their own
            last = customer.name.split()[-1]
            domain = rng.choice(pool.mail_domains)
        role = "owner"
        if customer.users_count:
            role = rng.choices(USER_ROLES, cum_weights=self.role_weights)[0][0]
        email = _free_email(customer.pk, f"{first.slug}.{slug(last) or 'user'}", domain)
        return f"{first.text} {last}", email, role

    # Changes: each makes one service call and says what it did, or returns
    # None when it finds nothing to act on.

    def register_customer(self) -> str:
        type = "company" if self.rng.random() < COMPANY_SHARE else "individual"
        plan = self.planner.customer(self._skeleton(type, users=1))
        customer = customer_register(
            name=plan.name,
            type=plan.type,
            email=plan.email,
            phone=plan.phone,
            address=plan.address,
            company_name=plan.company_name,
            card_brand=plan.card_brand,
            card_last4=plan.card_last4,
            card_exp_month=plan.card_exp_month,
            card_exp_year=plan.card_exp_year,
            billing_address=plan.billing_address,
        )
        self.owners_to_add.append((customer, plan.users[0]))
        return f"{customer.name} ({type})"

    def change_status(self) -> str | None:
        move = self._status_move()
        if move is None:
            return None
        customer, previous, status = move
        reason = self.rng.choice(STATUS_REASONS[status])
        customer_change_status(
            customer_id=customer.pk, status=status, actor=None, reason=reason
        )
        return f"{customer.name} from {previous} to {status}: {reason}"

    def _status_move(self) -> tuple[Customer, str, str] | None:
        """A customer, its status and the one it moves to: the drawn move, else
        the first one some customer can make."""
        drawn = self.rng.choices(
            tuple(TRANSITIONS), cum_weights=self.transition_weights
        )[0]
        for previous, status in (drawn, *TRANSITIONS):
            if customer := self._customer(previous):
                return customer, previous, status
        return None

    def add_user(self) -> str | None:
        if self.owners_to_add:  # a new customer's owner comes first
            customer, owner = self.owners_to_add.popleft()
            name, email, role = owner.name, owner.email, owner.role
        elif customer := self._customer():
            name, email, role = self._newcomer(customer)
        else:
            return None
        tenant_user_add(customer_id=customer.pk, name=name, email=email, role=role)
        return f"{email} to {customer.name} ({role})"

    def remove_user(self) -> str | None:
        users = TenantUser.objects.exclude(role=TenantUser.Role.OWNER)
        user = random_row(users.select_related("customer"), "pk", self.rng)
        if user is None:
            return None
        tenant_user_remove(user_id=user.pk)
        return f"{user.email} from {user.customer.name}"

    def place_order(self) -> str | None:
        customer = self._customer()
        if customer is None:
            return None
        skeleton = self._skeleton(customer.type, orders=1)
        planned = self.planner.orders(skeleton, self.planner.now)[0]
        order = order_place(
            customer_id=customer.pk,
            total_minor=planned.total_minor,
            status=planned.status,
        )
        self.orders_to_invoice.append(order)
        return f"{order.number} for {customer.name}, {_money(order.total_minor)}"

    def issue_invoice(self) -> str | None:
        if self.orders_to_invoice:
            order = self.orders_to_invoice.popleft()
            customer, amount, order_id = order.customer, order.total_minor, order.pk
        elif customer := self._customer():  # services, a support package
            skeleton = self._skeleton(customer.type, extra_invoices=1)
            planned = self.planner.invoices(skeleton, [], self.planner.now)[0]
            amount, order_id = planned.amount_minor, None
        else:
            return None
        now = timezone.now()
        due_on_receipt = self.rng.random() < DUE_ON_RECEIPT_SHARE
        invoice = invoice_issue(
            customer_id=customer.pk,
            amount_minor=amount,
            order_id=order_id,
            issued_at=now,
            due_at=now if due_on_receipt else now + PAYMENT_TERMS,
        )
        return f"{invoice.number} to {customer.name}, {_money(amount)}"

    def pay_invoice(self) -> str | None:
        statuses = [Invoice.Status.OPEN, Invoice.Status.OVERDUE]
        if self.rng.random() < OVERDUE_PAID_SHARE:
            statuses.reverse()
        for status in statuses:
            if invoice := self._invoice(status):
                invoice_pay(invoice_id=invoice.pk)
                return _about(invoice)
        return None

    def mark_invoice_overdue(self) -> str | None:
        invoice = self._invoice(Invoice.Status.OPEN, due_at__lt=timezone.now())
        if invoice is None:
            return None
        invoice_mark_overdue(invoice_id=invoice.pk)
        return _about(invoice)

    def void_invoice(self) -> str | None:
        invoice = self._invoice(Invoice.Status.OPEN)
        if invoice is None:
            return None
        reason = "Order cancelled" if invoice.order_id else "Written off"
        invoice_void(invoice_id=invoice.pk, reason=reason)
        return f"{invoice.number} of {invoice.customer.name}: {reason}"

    def open_ticket(self) -> str | None:
        customer = random_row(Customer.objects.all(), "pk", self.rng)
        if customer is None:
            return None
        planned = self.planner.tickets(self._skeleton(customer.type, tickets=1))[0]
        ticket = ticket_open(
            customer_id=customer.pk, subject=planned.subject, priority=planned.priority
        )
        return f"{ticket.number} for {customer.name}: {ticket.subject}"

    def close_ticket(self) -> str | None:
        tickets = Ticket.objects.filter(status=Ticket.Status.OPEN)
        ticket = random_row(tickets.select_related("customer"), "created_at", self.rng)
        if ticket is None:
            return None
        ticket_close(ticket_id=ticket.pk)
        return f"{ticket.number} of {ticket.customer.name}"


def _money(minor: int) -> str:
    return format_money(minor)  # every record is in the platform currency


def _about(invoice: Invoice) -> str:
    return (
        f"{invoice.number} of {invoice.customer.name}, {_money(invoice.amount_minor)}"
    )


def run(
    step: Callable[[], Change],
    *,
    rate: float,
    duration: float | None = None,
    limit: int | None = None,
    on_change: Callable[[Change], None] = lambda change: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call `step` `rate` times a second until `duration` seconds have passed or
    `limit` changes were made (forever if neither), reporting each to `on_change`.

    The n-th change is due at start + n / rate on the monotonic clock, so slow
    changes do not make the rate drift; while behind, no sleep.
    """
    origin = clock()
    end = math.inf if duration is None else origin + duration
    since_origin = 0  # changes made since the schedule (re)started
    made = 0
    while limit is None or made < limit:
        now = clock()
        if now >= end:
            return
        due = origin + since_origin / rate
        if due > now:
            sleep(min(due, end) - now)
            continue
        if now - due > MAX_LAG:
            origin, since_origin = now, 0
        try:
            change = step()
        except DomainError as error:
            change = Change(SKIPPED, str(error))
        on_change(change)
        made += 1
        since_origin += 1


def summary(counts: Counter, seconds: float) -> str:
    """How many changes of each kind a run made, most frequent first."""
    made = sum(n for kind, n in counts.items() if kind != SKIPPED)
    per_second = made / seconds if seconds > 0 else 0
    lines = [
        f"Made {counted(made, 'change')} in {seconds:.1f} s "
        f"({per_second:.1f} a second)."
    ]
    for kind, n in counts.most_common():
        if kind != SKIPPED:
            lines.append(f"{n:>8,}  {Event.LABELS[kind].lower()}")
    if counts[SKIPPED]:
        lines.append(
            f"Skipped {counts[SKIPPED]:,}: another writer changed the record first."
        )
    return "\n".join(lines)
