"""The demo data as plain values, decided by seeded draws before any database work.

Customers are drawn in chunks of CHUNK_SIZE, each chunk from its own generators
seeded by (seed, chunk number): chunk k is the same whatever the total and
however many processes draw, and the first N customers of a bigger run are the
N customers of a smaller one. A chunk is drawn in two steps:

1. its skeleton: type, status, dates and how many users, orders, invoices and
   tickets each customer has. It is cheap, so the bulk loader draws every
   skeleton first and knows each chunk's first row ids before the details;
2. its plans: names, addresses, amounts, statuses and times of everything.

Times are integer seconds since the epoch, UTC; the loaders format them.
"""

import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import accumulate
from typing import NamedTuple

from cloudfactory.demo.pools import LOCALE_WEIGHTS, LocalePool
from cloudfactory.demo.vocabulary import (
    CARD_BRANDS,
    STATUS_REASONS,
    TICKET_PRIORITIES,
    TICKET_SUBJECTS,
    USER_ROLES,
)
from cloudfactory.invoices.services import PAYMENT_TERMS

CHUNK_SIZE = 2_000

HOUR = 3_600
DAY = 24 * HOUR
SPAN = 3 * 365 * DAY  # every record falls within the last three years
TERMS = int(PAYMENT_TERMS.total_seconds())

COMPANY_SHARE = 0.60
ACTIVE_SHARE, SUSPENDED_SHARE = 0.85, 0.10  # the rest is inactive
# Company sizes follow a Pareto tail: median 4 users, mean about 7, a few hundred.
USERS_PARETO_SCALE, USERS_PARETO_ALPHA, MAX_USERS = 2.5, 1.45, 500
MAX_ORDERS = 400


class Skeleton(NamedTuple):
    type: str
    status: str
    created_at: int
    status_changed_at: int | None
    users: int
    orders: int
    extra_invoices: int  # invoices without an order (services, support packages)
    tickets: int

    @property
    def invoices(self) -> int:
        return self.orders + self.extra_invoices


class UserPlan(NamedTuple):
    name: str
    email: str
    role: str
    created_at: int
    last_seen_at: int | None
    search_text: str


class OrderPlan(NamedTuple):
    sequence: int  # 1-based, in placing order: the number's last part
    status: str
    total_minor: int
    placed_at: int


class InvoicePlan(NamedTuple):
    sequence: int  # 1-based, in issuing order
    order_sequence: int | None
    status: str
    amount_minor: int
    issued_at: int
    due_at: int
    paid_at: int | None
    overdue_at: int | None  # when it was marked overdue (paid late ones too)
    voided_at: int | None


class TicketPlan(NamedTuple):
    sequence: int
    subject: str
    folded_subject: str
    priority: str
    status: str
    created_at: int
    updated_at: int


class StatusChange(NamedTuple):
    at: int
    previous: str
    status: str
    reason: str


class CustomerPlan(NamedTuple):
    type: str
    status: str
    name: str
    email: str
    phone: str
    address: str
    company_name: str
    card_brand: str
    card_last4: str
    card_exp_month: int | None
    card_exp_year: int | None
    billing_address: str
    created_at: int
    search_text: str
    users: list[UserPlan]
    orders: list[OrderPlan]
    invoices: list[InvoicePlan]
    tickets: list[TicketPlan]
    status_change: StatusChange | None

    @property
    def revenue_minor(self) -> int:
        return sum(i.amount_minor for i in self.invoices if i.status == "paid")

    @property
    def updated_at(self) -> int:
        return self.status_change.at if self.status_change else self.created_at


def chunk_sizes(customers: int) -> list[int]:
    full, rest = divmod(customers, CHUNK_SIZE)
    return [CHUNK_SIZE] * full + ([rest] if rest else [])


def _random(seed: int, chunk: int, step: str) -> random.Random:
    return random.Random(f"cloudfactory-demo:{seed}:{chunk}:{step}")


def chunk_skeletons(seed: int, chunk: int, size: int, now: int) -> list[Skeleton]:
    rng = _random(seed, chunk, "skeleton")
    rand, pareto, expo = rng.random, rng.paretovariate, rng.expovariate
    start = now - SPAN
    skeletons = []
    for _ in range(size):
        is_company = rand() < COMPANY_SHARE
        # x ** 0.75 leans towards 1: more sign-ups lately, as on a growing platform.
        created = min(start + int(SPAN * rand() ** 0.75), now - HOUR)
        draw = rand()
        status = (
            "active"
            if draw < ACTIVE_SHARE
            else ("suspended" if draw < ACTIVE_SHARE + SUSPENDED_SHARE else "inactive")
        )
        changed = None
        if status != "active":
            changed = created + int((now - created) * (0.2 + 0.78 * rand()))
        months = ((changed or now) - created) / (30 * DAY)
        if is_company:
            users = min(MAX_USERS, int(USERS_PARETO_SCALE * pareto(USERS_PARETO_ALPHA)))
            size_factor = 1 + 0.4 * math.log(users)
            order_mean = 0.2 * months * size_factor
            extra = int(rand() < 0.15) * (1 + int(rand() * 4))
            ticket_mean = 0.5 + 0.05 * months * size_factor
        else:
            draw = rand()
            users = 1 if draw < 0.75 else (2 if draw < 0.93 else 3)
            order_mean = 0.09 * months
            extra = int(rand() < 0.05)
            ticket_mean = 0.3 + 0.02 * months
        orders = min(MAX_ORDERS, int(expo(1 / order_mean))) if order_mean > 0 else 0
        skeletons.append(
            Skeleton(
                type="company" if is_company else "individual",
                status=status,
                created_at=created,
                status_changed_at=changed,
                users=users,
                orders=orders,
                extra_invoices=extra,
                tickets=int(expo(1 / ticket_mean)),
            )
        )
    return skeletons


class Planner:
    """Draws the details of one chunk's customers from its skeletons."""

    def __init__(self, pools: tuple[LocalePool, ...], seed: int, chunk: int, now: int):
        self.pools = pools
        self.now = now
        self.rng = _random(seed, chunk, "details")
        self.locale_weights = list(accumulate(LOCALE_WEIGHTS.values()))
        self.brand_weights = list(accumulate(w for _, w in CARD_BRANDS))
        self.role_weights = list(accumulate(w for _, w in USER_ROLES))
        self.priority_weights = list(accumulate(w for _, w in TICKET_PRIORITIES))
        self.this_year = datetime.fromtimestamp(now, UTC).year

    def plans(self, skeletons: list[Skeleton]) -> Iterator[CustomerPlan]:
        for skeleton in skeletons:
            yield self.customer(skeleton)

    def _pool(self) -> LocalePool:
        return self.rng.choices(self.pools, cum_weights=self.locale_weights)[0]

    def customer(self, s: Skeleton) -> CustomerPlan:
        rng = self.rng
        pool = self._pool()
        if s.type == "company":
            company = rng.choice(pool.companies)
            name, company_name = company.display, company.legal
            mailbox = rng.choice(
                ("info", "contact", "billing", "accounts", "hello", "admin")
            )
            email = f"{mailbox}@{company.domain}"
            search = f"{company.folded_display} {email} {company.folded_legal}"
            person = None
        else:
            first, last = rng.choice(pool.first_names), rng.choice(pool.last_names)
            name = f"{first.text} {last.text}"
            number = str(rng.randrange(100)) if rng.random() < 0.4 else ""
            email = f"{first.slug}.{last.slug}{number}@{rng.choice(pool.mail_domains)}"
            search = f"{first.folded} {last.folded} {email}"
            company_name = ""
            if rng.random() < 0.5:  # the employer, when they gave one
                employer = rng.choice(pool.companies)
                company_name = employer.legal
                search = f"{search} {employer.folded_legal}"
            company = None
            person = (first, last)
        address = rng.choice(pool.addresses)
        billing = address if rng.random() < 0.8 else rng.choice(pool.addresses)
        brand = rng.choices(CARD_BRANDS, cum_weights=self.brand_weights)[0][0]
        has_card = rng.random() < (0.85 if company else 0.97)
        active_until = s.status_changed_at or self.now
        orders = self.orders(s, active_until)
        return CustomerPlan(
            type=s.type,
            status=s.status,
            name=name,
            email=email,
            phone=rng.choice(pool.phones),
            address=address,
            company_name=company_name,
            card_brand=brand if has_card else "",
            card_last4=f"{rng.randrange(10_000):04d}" if has_card else "",
            card_exp_month=rng.randint(1, 12) if has_card else None,
            card_exp_year=self.this_year + rng.randrange(6) if has_card else None,
            billing_address=billing,
            created_at=s.created_at,
            search_text=search,
            users=self.users(s, pool, company, person, email, active_until),
            orders=orders,
            invoices=self.invoices(s, orders, active_until),
            tickets=self.tickets(s),
            status_change=self.status_change(s),
        )

    def _times(self, count: int, start: int, end: int) -> list[int]:
        """`count` sorted times in [start, end]."""
        rand, width = self.rng.random, max(end - start, 0)
        return sorted(start + int(width * rand()) for _ in range(count))

    def users(self, s, pool, company, person, customer_email, active_until):
        rng, now = self.rng, self.now
        pick = rng.choice
        joined = [s.created_at, *self._times(s.users - 1, s.created_at, active_until)]
        emails: set[str] = set()
        users = []
        for index, created in enumerate(joined):
            if index == 0 and person:  # an individual's first user is themself
                first, last = person
                email = customer_email
            else:
                team = pool if rng.random() < 0.9 else pick(self.pools)
                first = pick(team.first_names)
                last = person[1] if person else pick(team.last_names)
                domain = company.domain if company else pick(pool.mail_domains)
                email = f"{first.slug}.{last.slug}@{domain}"
                twin = 1
                while email in emails:  # two people of the same name in one tenant
                    twin += 1
                    email = f"{first.slug}.{last.slug}{twin}@{domain}"
            emails.add(email)
            role = (
                "owner"
                if index == 0
                else rng.choices(USER_ROLES, cum_weights=self.role_weights)[0][0]
            )
            last_seen = None
            if rng.random() < 0.92:
                idle = int(rng.expovariate(1 / (10 * DAY)))
                last_seen = max(created, min(active_until, now) - idle)
            users.append(
                UserPlan(
                    name=f"{first.text} {last.text}",
                    email=email,
                    role=role,
                    created_at=created,
                    last_seen_at=last_seen,
                    search_text=f"{first.folded} {last.folded} {email}",
                )
            )
        return users

    def orders(self, s: Skeleton, active_until: int) -> list[OrderPlan]:
        rng, now = self.rng, self.now
        rand = rng.random
        # Companies buy bigger: medians of $400 and $60, long tails.
        mu = math.log(40_000 if s.type == "company" else 6_000)
        orders = []
        for sequence, placed in enumerate(
            self._times(s.orders, s.created_at + HOUR, active_until), start=1
        ):
            draw = rand()
            if now - placed < 7 * DAY:
                status = "pending" if draw < 0.5 else "paid"
            else:
                status = (
                    "fulfilled"
                    if draw < 0.88
                    else (
                        "paid"
                        if draw < 0.91
                        else "cancelled"
                        if draw < 0.97
                        else "refunded"
                    )
                )
            total = min(5_000_000, int(rng.lognormvariate(mu, 1.0)))
            orders.append(OrderPlan(sequence, status, total, placed))
        return orders

    def invoices(
        self, s, orders: list[OrderPlan], active_until: int
    ) -> list[InvoicePlan]:
        rng, now = self.rng, self.now
        drafts = []
        for order in orders:
            issued = min(order.placed_at + int(2 * DAY * rng.random()), now)
            drafts.append((issued, order.sequence, order.total_minor, order.status))
        for issued in self._times(s.extra_invoices, s.created_at + HOUR, active_until):
            drafts.append(
                (issued, None, int(rng.lognormvariate(math.log(15_000), 0.8)), "")
            )
        drafts.sort(key=lambda draft: draft[0])  # numbered in issuing order
        return [
            self._invoice(sequence, *draft)
            for sequence, draft in enumerate(drafts, start=1)
        ]

    def _invoice(self, sequence, issued, order_sequence, amount, order_status):
        rng, now = self.rng, self.now
        due = issued + TERMS
        paid = overdue = voided = None
        draw = rng.random()
        if order_status == "cancelled":
            status = "void"
            voided = min(issued + HOUR + int(5 * DAY * draw), now)
        elif due > now:  # still within its payment terms
            if draw < 0.5:
                status = "paid"
                paid = issued + int((now - issued) * rng.random())
            else:
                status = "open" if draw < 0.85 else "draft"
        elif draw < 0.92:
            status = "paid"
            paid = min(issued + HOUR + int(rng.expovariate(1 / (12 * DAY))), now)
            if paid > due + DAY:  # paid late: it was overdue first
                overdue = due + DAY
        elif draw < 0.96:
            status = "overdue"
            overdue = min(due + DAY, now)
        else:
            status = "void"
            voided = min(due + DAY + int(30 * DAY * rng.random()), now)
        return InvoicePlan(
            sequence, order_sequence, status, amount, issued, due, paid, overdue, voided
        )

    def tickets(self, s: Skeleton) -> list[TicketPlan]:
        rng, now = self.rng, self.now
        tickets = []
        for sequence, opened in enumerate(
            self._times(s.tickets, s.created_at + HOUR, now), start=1
        ):
            subject, folded = rng.choice(TICKET_SUBJECTS)
            priority = rng.choices(TICKET_PRIORITIES, cum_weights=self.priority_weights)
            recent = now - opened < 14 * DAY
            closed = rng.random() < (0.45 if recent else 0.95)
            updated = opened
            if closed:
                updated = min(opened + HOUR + int(rng.expovariate(1 / (2 * DAY))), now)
            tickets.append(
                TicketPlan(
                    sequence,
                    subject,
                    folded,
                    priority[0][0],
                    "closed" if closed else "open",
                    opened,
                    updated,
                )
            )
        return tickets

    def status_change(self, s: Skeleton) -> StatusChange | None:
        if s.status_changed_at is None:
            return None
        reason = self.rng.choice(STATUS_REASONS[s.status])
        return StatusChange(s.status_changed_at, "active", s.status, reason)


def customer_plans(
    pools: tuple[LocalePool, ...], seed: int, customers: int, now: int
) -> Iterator[CustomerPlan]:
    """The first `customers` plans of a seed, in order."""
    for chunk, size in enumerate(chunk_sizes(customers)):
        skeletons = chunk_skeletons(seed, chunk, size, now)
        yield from Planner(pools, seed, chunk, now).plans(skeletons)
