"""Customer plans as table rows, for the bulk loaders.

Rows carry explicit ids (known in advance from the skeletons) except events,
whose ids the database assigns in row order: a customer's events are written
oldest first, so its history reads in id order as the services would leave it.
Each formatter also sums the platform totals and counters of what it wrote.
"""

import functools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cloudfactory.customers.models import PlatformTotals
from cloudfactory.demo.history import FAST_EVENT_KINDS, customer_history
from cloudfactory.demo.plan import DAY, SPAN, TERMS, CustomerPlan
from cloudfactory.invoices.services import invoice_number
from cloudfactory.orders.services import NOTABLE_ORDER_MINOR, order_number
from cloudfactory.support.services import ticket_number

# (table, columns) in load order; the models' db_table names.
TABLES = {
    "customers_customer": (
        "id",
        "name",
        "type",
        "status",
        "email",
        "phone",
        "address",
        "company_name",
        "card_brand",
        "card_last4",
        "card_exp_month",
        "card_exp_year",
        "billing_address",
        "created_at",
        "updated_at",
        "users_count",
        "orders_count",
        "invoices_count",
        "tickets_count",
        "revenue_minor",
        "search_text",
    ),
    "users_tenantuser": (
        "id",
        "customer_id",
        "name",
        "email",
        "role",
        "created_at",
        "last_seen_at",
        "search_text",
    ),
    "orders_order": (
        "id",
        "customer_id",
        "number",
        "status",
        "total_minor",
        "currency",
        "placed_at",
    ),
    "invoices_invoice": (
        "id",
        "customer_id",
        "order_id",
        "number",
        "status",
        "amount_minor",
        "currency",
        "issued_at",
        "due_at",
        "paid_at",
    ),
    "support_ticket": (
        "id",
        "customer_id",
        "number",
        "subject",
        "status",
        "priority",
        "created_at",
        "updated_at",
        "search_text",
    ),
    "activity_event": (
        "kind",
        "customer_id",
        "actor_id",
        "payload",
        "notable",
        "created_at",
    ),
}


@dataclass
class FirstIds:
    """The first id of each table's rows in one chunk."""

    customer: int
    user: int
    order: int
    invoice: int
    ticket: int


@dataclass
class Totals:
    """Row counts and platform totals of what has been written."""

    values: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(PlatformTotals.FIELDS, 0) | {"events": 0}
    )

    def add(self, other: "Totals") -> None:
        for name, value in other.values.items():
            self.values[name] += value

    def count(self, plan: CustomerPlan, revenue: int, events: int) -> None:
        v = self.values
        v["customers"] += 1
        v["companies" if plan.type == "company" else "individuals"] += 1
        v[plan.status] += 1
        v["users"] += len(plan.users)
        v["orders"] += len(plan.orders)
        v["invoices"] += len(plan.invoices)
        v["tickets"] += len(plan.tickets)
        v["revenue_minor"] += revenue
        v["events"] += events


class _Clock:
    """Formats epoch seconds as UTC text fast: a day table and a time-of-day table."""

    def __init__(self, now: int, suffix: str):
        self.first_day = (now - SPAN) // DAY - 2
        start = datetime.fromtimestamp(self.first_day * DAY, UTC)
        # Due dates run up to the payment terms past now.
        days = (now + TERMS) // DAY + 2 - self.first_day
        self.days = [
            (start + timedelta(days=n)).strftime("%Y-%m-%d ") for n in range(days)
        ]
        self.times = [
            f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}"
            for s in range(DAY)
        ]

    def __call__(self, ts: int) -> str:
        return self.days[ts // DAY - self.first_day] + self.times[ts % DAY]


@functools.cache
def _clock(now: int, suffix: str) -> _Clock:
    return _Clock(now, suffix)  # one per process: its tables take 50 ms to build


class _Rows:
    """What both formats share: ids, numbers, event payloads, totals."""

    def __init__(self, now: int, currency: str, clock_suffix: str):
        self.currency = currency
        self.ts = _clock(now, clock_suffix)
        self.totals = Totals()

    def customer_rows(self, plans: list[CustomerPlan], first: FirstIds):
        """Calls the format's row methods for each plan, in id order."""
        user_id, order_id, invoice_id, ticket_id = (
            first.user,
            first.order,
            first.invoice,
            first.ticket,
        )
        for offset, plan in enumerate(plans):
            customer_id = first.customer + offset
            order_ids = {}
            for order in plan.orders:
                order_ids[order.sequence] = order_id
                self.order(order_id, customer_id, order)
                order_id += 1
            invoice_ids = {}
            revenue = 0
            for invoice in plan.invoices:
                invoice_ids[invoice.sequence] = invoice_id
                self.invoice(
                    invoice_id,
                    customer_id,
                    order_ids.get(invoice.order_sequence),
                    invoice,
                )
                invoice_id += 1
                if invoice.status == "paid":
                    revenue += invoice.amount_minor
            for user in plan.users:
                self.user(user_id, customer_id, user)
                user_id += 1
            for ticket in plan.tickets:
                self.ticket(ticket_id, customer_id, ticket)
                ticket_id += 1
            self.customer(customer_id, plan, revenue)
            events = customer_history(plan, FAST_EVENT_KINDS)
            for step in events:
                self.event(customer_id, plan, step, order_ids, invoice_ids)
            self.totals.count(plan, revenue, len(events))

    def payload(
        self, customer_id, plan, step, order_ids, invoice_ids
    ) -> tuple[str, bool]:
        """The event's JSON as the services write it (json.dumps' separators) and
        whether it is notable."""
        kind, item = step.kind, step.item
        if kind == "order.placed":
            number = order_number(customer_id, item.sequence)
            return (
                f'{{"order_id": {order_ids[item.sequence]}, "number": "{number}", '
                f'"total_minor": {item.total_minor}, "currency": "{self.currency}"}}',
                item.total_minor >= NOTABLE_ORDER_MINOR,
            )
        if kind.startswith("invoice."):
            number = invoice_number(customer_id, item.sequence)
            return (
                f'{{"invoice_id": {invoice_ids[item.sequence]}, "number": "{number}", '
                f'"amount_minor": {item.amount_minor}, "currency": "{self.currency}"}}',
                True,
            )
        if kind == "customer.created":
            payload = {"name": plan.name, "type": plan.type, "status": "active"}
        else:
            payload = {"from": item.previous, "to": item.status, "reason": item.reason}
        return json.dumps(payload), True


NULL = "\\N"


def _copy_text(value: str) -> str:
    """A value in PostgreSQL's COPY text format."""
    return (
        value.replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


class PostgresRows(_Rows):
    """COPY text lines, one list per table. Names and words come from pools and
    vocabularies without tabs, newlines or backslashes (pools.py makes sure), so
    only addresses (once per pooled value) and JSON are escaped."""

    def __init__(self, now: int, currency: str):
        super().__init__(now, currency, "+00")
        self.lines: dict[str, list[str]] = {table: [] for table in TABLES}
        self._escaped: dict[str, str] = {}

    def _escape(self, value: str) -> str:
        escaped = self._escaped.get(value)
        if escaped is None:
            escaped = self._escaped[value] = _copy_text(value)
        return escaped

    def output(self) -> dict[str, bytes]:
        return {table: "".join(lines).encode() for table, lines in self.lines.items()}

    def customer(self, id, p, revenue):
        ts = self.ts
        self.lines["customers_customer"].append(
            f"{id}\t{p.name}\t{p.type}\t{p.status}\t{p.email}\t{p.phone}\t"
            f"{self._escape(p.address)}\t{p.company_name}\t{p.card_brand}\t"
            f"{p.card_last4}\t{p.card_exp_month or NULL}\t{p.card_exp_year or NULL}\t"
            f"{self._escape(p.billing_address)}\t{ts(p.created_at)}\t"
            f"{ts(p.updated_at)}\t{len(p.users)}\t{len(p.orders)}\t"
            f"{len(p.invoices)}\t{len(p.tickets)}\t{revenue}\t{p.search_text}\n"
        )

    def user(self, id, customer_id, u):
        ts = self.ts
        seen = NULL if u.last_seen_at is None else ts(u.last_seen_at)
        self.lines["users_tenantuser"].append(
            f"{id}\t{customer_id}\t{u.name}\t{u.email}\t{u.role}\t"
            f"{ts(u.created_at)}\t{seen}\t{u.search_text}\n"
        )

    def order(self, id, customer_id, o):
        self.lines["orders_order"].append(
            f"{id}\t{customer_id}\t{order_number(customer_id, o.sequence)}\t"
            f"{o.status}\t{o.total_minor}\t{self.currency}\t{self.ts(o.placed_at)}\n"
        )

    def invoice(self, id, customer_id, order_id, i):
        ts = self.ts
        paid = NULL if i.paid_at is None else ts(i.paid_at)
        self.lines["invoices_invoice"].append(
            f"{id}\t{customer_id}\t{order_id or NULL}\t"
            f"{invoice_number(customer_id, i.sequence)}\t{i.status}\t"
            f"{i.amount_minor}\t{self.currency}\t{ts(i.issued_at)}\t{ts(i.due_at)}\t"
            f"{paid}\n"
        )

    def ticket(self, id, customer_id, t):
        number = ticket_number(customer_id, t.sequence)
        self.lines["support_ticket"].append(
            f"{id}\t{customer_id}\t{number}\t{t.subject}\t{t.status}\t{t.priority}\t"
            f"{self.ts(t.created_at)}\t{self.ts(t.updated_at)}\t"
            f"{number.lower()} {t.folded_subject}\n"
        )

    def event(self, customer_id, plan, step, order_ids, invoice_ids):
        payload, notable = self.payload(customer_id, plan, step, order_ids, invoice_ids)
        self.lines["activity_event"].append(
            f"{step.kind}\t{customer_id}\t{NULL}\t{_copy_text(payload)}\t"
            f"{'t' if notable else 'f'}\t{self.ts(step.at)}\n"
        )


class SqliteRows(_Rows):
    """Parameter tuples, one list per table, in TABLES' column order; times as
    Django's SQLite backend stores them (UTC, no offset)."""

    def __init__(self, now: int, currency: str):
        super().__init__(now, currency, "")
        self.rows: dict[str, list[tuple]] = {table: [] for table in TABLES}

    def output(self) -> dict[str, list[tuple]]:
        return self.rows

    def customer(self, id, p, revenue):
        ts = self.ts
        self.rows["customers_customer"].append(
            (
                id,
                p.name,
                p.type,
                p.status,
                p.email,
                p.phone,
                p.address,
                p.company_name,
                p.card_brand,
                p.card_last4,
                p.card_exp_month,
                p.card_exp_year,
                p.billing_address,
                ts(p.created_at),
                ts(p.updated_at),
                len(p.users),
                len(p.orders),
                len(p.invoices),
                len(p.tickets),
                revenue,
                p.search_text,
            )
        )

    def user(self, id, customer_id, u):
        ts = self.ts
        seen = None if u.last_seen_at is None else ts(u.last_seen_at)
        self.rows["users_tenantuser"].append(
            (
                id,
                customer_id,
                u.name,
                u.email,
                u.role,
                ts(u.created_at),
                seen,
                u.search_text,
            )
        )

    def order(self, id, customer_id, o):
        self.rows["orders_order"].append(
            (
                id,
                customer_id,
                order_number(customer_id, o.sequence),
                o.status,
                o.total_minor,
                self.currency,
                self.ts(o.placed_at),
            )
        )

    def invoice(self, id, customer_id, order_id, i):
        ts = self.ts
        paid = None if i.paid_at is None else ts(i.paid_at)
        self.rows["invoices_invoice"].append(
            (
                id,
                customer_id,
                order_id,
                invoice_number(customer_id, i.sequence),
                i.status,
                i.amount_minor,
                self.currency,
                ts(i.issued_at),
                ts(i.due_at),
                paid,
            )
        )

    def ticket(self, id, customer_id, t):
        number = ticket_number(customer_id, t.sequence)
        self.rows["support_ticket"].append(
            (
                id,
                customer_id,
                number,
                t.subject,
                t.status,
                t.priority,
                self.ts(t.created_at),
                self.ts(t.updated_at),
                f"{number.lower()} {t.folded_subject}",
            )
        )

    def event(self, customer_id, plan, step, order_ids, invoice_ids):
        payload, notable = self.payload(customer_id, plan, step, order_ids, invoice_ids)
        self.rows["activity_event"].append(
            (step.kind, customer_id, None, payload, int(notable), self.ts(step.at))
        )
