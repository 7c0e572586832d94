"""What the command palette finds for a query, for one staff member.

Each kind of record is found by its own list's query (the same search, the
same count), so "See all 1,234 in Customers" opens the Customers page with
the search applied and that page shows the same 1,234. An exact identifier
(`INV-4211-0007`, `#4211`, a whole email) comes first, alone, as the best
match. Kinds the member may not see are not asked; actions they may not take
are not offered.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.customers.models import Customer
from cloudfactory.customers.panel import status_actions
from cloudfactory.invoices.lists import INVOICE_LIST_PAGE
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.lists import ORDER_LIST_PAGE
from cloudfactory.orders.models import Order
from cloudfactory.support.lists import TICKET_LIST_PAGE
from cloudfactory.support.models import Ticket
from cloudfactory.users.lists import USER_LIST_PAGE
from cloudfactory.web.context_processors import NAVIGATION
from cloudfactory.web.cursor import MAX_BIGINT
from cloudfactory.web.listing import ListPage
from cloudfactory.web.side_by_side import side_by_side

PER_GROUP = 4
MAX_QUERY = 200  # characters the palette searches for; the rest is ignored
COUNT_UP_TO = 1_000  # "See all 1,000+"
NUMBERED = {"ORD": (Order, ORDER_LIST_PAGE), "INV": (Invoice, INVOICE_LIST_PAGE)}
NUMBERED["TKT"] = (Ticket, TICKET_LIST_PAGE)
IDENTIFIER = re.compile(r"^(ORD|INV|TKT)-\d{1,19}-\d{1,8}$", re.IGNORECASE)
CUSTOMER_ID = re.compile(r"^#(\d{1,19})$")
# A record number or its start: what the orders and invoices lists search by.
NUMBER_LIKE = re.compile(r"^(?:[a-z]{3}-?)?\d", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Result:
    """One option: a record, "See all", or a command."""

    title: str
    url: str = ""
    meta: str = ""
    # Commands that need more than a link ("status": ask for a reason).
    action: str = ""
    data: dict = field(default_factory=dict)
    highlight: bool = True
    # The record itself (a Customer, an Order...), for the commands on it.
    record: object = field(default=None, compare=False)


@dataclass(frozen=True)
class Group:
    label: str
    results: list[Result]
    # The commands, which the page adds its own to.
    commands: bool = False


@dataclass(frozen=True)
class Source:
    """A kind of record the palette finds, through its list."""

    list_page: ListPage
    describe: Callable[[object], tuple[str, str]]  # row -> (title, meta)
    asks: Callable[[str], bool] = lambda q: True  # worth asking for this query?


def _names(q: str) -> bool:
    """Whether `q` may be part of a name or an email: not a record number
    (`INV-4211-0007`) nor a customer id (`#4211`), which the best match finds."""
    return not (IDENTIFIER.match(q) or CUSTOMER_ID.match(q))


SOURCES = (
    Source(CUSTOMER_LIST_PAGE, lambda c: (c.name, c.email), asks=_names),
    Source(
        USER_LIST_PAGE,
        lambda u: (u.name, f"{u.email} · {u.customer.name}"),
        asks=_names,
    ),
    Source(
        ORDER_LIST_PAGE,
        lambda o: (o.number, o.customer.name),
        asks=lambda q: bool(NUMBER_LIKE.match(q)),
    ),
    Source(
        INVOICE_LIST_PAGE,
        lambda i: (i.number, i.customer.name),
        asks=lambda q: bool(NUMBER_LIKE.match(q)),
    ),
    Source(TICKET_LIST_PAGE, lambda t: (t.subject, f"{t.number} · {t.customer.name}")),
)


def palette_query(text: str) -> str:
    """What the palette searches for: no control characters, at most
    MAX_QUERY characters, no surrounding spaces."""
    return CONTROL.sub(" ", text)[:MAX_QUERY].strip()


def palette_results(user, q: str) -> list[Group]:
    """The groups the palette shows for `q`: the best match, each kind of
    record, then commands. The kinds are asked side by side; a whole email's
    best match is among what they found."""
    groups = []
    sources = [
        source
        for source in SOURCES
        if user.has_perm(source.list_page.permission) and source.asks(q)
    ]
    found = side_by_side([partial(_look, source, q) for source in sources])
    best = best_match(user, q) or _email_match(q, found)
    if best is not None:
        groups.append(Group("Best match", [best]))
    shown = best.url if best else ""
    groups += [group for group in map(partial(_group, shown=shown), found) if group]
    commands = _commands(user, q, groups)
    if commands:
        groups.append(Group("Commands", commands, commands=True))
    return groups


def best_match(user, q: str) -> Result | None:
    """The one record a customer id or a record number names, if the member
    may see it (a whole email's: `_email_match`)."""
    if match := CUSTOMER_ID.match(q):
        pk = int(match.group(1))
        customer = Customer.objects.filter(pk=pk).first() if pk <= MAX_BIGINT else None
        if customer and user.has_perm(CUSTOMER_LIST_PAGE.permission):
            return _record(CUSTOMER_LIST_PAGE, customer, customer.name, customer.email)
    if IDENTIFIER.match(q):
        model, page = NUMBERED[q[:3].upper()]
        row = model.objects.select_related("customer").filter(number=q.upper()).first()
        if row and user.has_perm(page.permission):
            return _record(page, row, row.number, row.customer.name)
    return None


@dataclass(frozen=True)
class Found:
    """The first rows of a source's list for a query, and how many it holds."""

    source: Source
    q: str
    rows: list
    count: int
    exact: bool


def _look(source: Source, q: str) -> Found:
    query = source.list_page.query
    f = query.filter(q=q)
    page = query.page(f, limit=PER_GROUP, count_cap=COUNT_UP_TO)
    count, exact = query.count(f, page, cap=COUNT_UP_TO) if page.rows else (0, True)
    return Found(source, q, page.rows, count, exact)


def _email_match(q: str, found: list[Found]) -> Result | None:
    """The customer, else the tenant user, whose email is exactly `q`, among
    the first rows their lists found for it (the folded column's index)."""
    if "@" not in q or not _is_email(q):
        return None
    wanted = q.casefold()
    for page in (CUSTOMER_LIST_PAGE, USER_LIST_PAGE):
        for kind in found:
            if kind.source.list_page is not page:
                continue
            for row in kind.rows:
                if row.email.casefold() == wanted:
                    return _record(page, row, *kind.source.describe(row))
    return None


def _group(found: Found, shown: str) -> Group | None:
    """A source's group: its first rows (but the one `shown` as the best
    match), and "See all N" when there are more."""
    page = found.source.list_page
    results = [_record(page, row, *found.source.describe(row)) for row in found.rows]
    results = [result for result in results if result.url != shown]
    if not results:
        return None
    if found.count > len(found.rows) or not found.exact:
        shown = f"{found.count:,}" if found.exact else f"{found.count:,}+"
        results.append(
            Result(
                title=f"See all {shown} in {page.title}",
                url=f"{page.list_url}?{_q(found.q)}",
                highlight=False,
            )
        )
    return Group(page.title, results)


def _record(page: ListPage, row, title: str, meta: str) -> Result:
    url = f"{page.list_url}?selected={row.pk}"
    return Result(
        title=title, url=url, meta=meta, data={"kind": page.namespace}, record=row
    )


def _commands(user, q: str, groups: list[Group]) -> list[Result]:
    commands = []
    words = q.casefold()
    for label, url_name, permission in NAVIGATION:
        if permission and not user.has_perm(permission):
            continue
        if words and (
            words in label.casefold() or words in f"go to {label}".casefold()
        ):
            commands.append(Result(title=f"Go to {label}", url=reverse(url_name)))
    customer = _first_customer(groups)
    if customer is not None:
        for action in status_actions(user, customer):
            commands.append(
                Result(
                    title=f"{action['label']}… {customer.name}",
                    action="status",
                    data={
                        "url": reverse("customers:change_status", args=[customer.pk]),
                        "status": action["status"],
                        "verb": action["label"],
                        "confirm": action["confirm"],
                        "consequence": action["consequence"],
                        "customer": customer.name,
                    },
                    highlight=False,
                )
            )
    return commands


def _first_customer(groups: list[Group]) -> Customer | None:
    """The customer the member is looking at: the best match, else the first
    customer found."""
    for group in groups:
        for result in group.results:
            if isinstance(result.record, Customer):
                return result.record
        if group.label == "Best match":
            break
    return None


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _q(q: str) -> str:
    return urlencode({"q": q})
