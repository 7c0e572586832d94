"""What a live event says: one log entry as JSON, shaped for the member who
receives it.

The log knows no domain. The domains describe what they own when the app
starts (`describe`): a snapshot of the customers a batch touches, figures
every message carries (the platform totals), and the fields a member sees
only with a given permission (card details need `customers.view_billing`).
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from cloudfactory.activity.models import Event

# Which list's rows an entry changes or adds, by the first part of its kind,
# and the payload field holding that row's id. Customers own every entry
# about them: its row changes too (a user added changes its Users count).
RECORD_LISTS = {
    "customer": ("customers", None),
    "user": ("users", "user_id"),
    "order": ("orders", "order_id"),
    "invoice": ("invoices", "invoice_id"),
    "ticket": ("support", "ticket_id"),
}
# Lists whose records an entry names by number ("INV-1184-0098").
NUMBERED_LISTS = frozenset({"orders", "invoices", "support"})
# Kinds that add a row to their list; the others change one in place.
ADDING_KINDS = frozenset(
    {
        "customer.created",
        "user.added",
        "order.placed",
        "invoice.issued",
        "ticket.opened",
    }
)


@dataclass
class Descriptions:
    """What the domains have declared; see `describe`."""

    # Customer ids -> {id: snapshot}; one query for a whole batch.
    customers: Callable[[set[int]], Mapping[int, dict]] | None = None
    # Figures every message of a batch carries: {"totals": {...}}.
    figures: list[Callable[[], dict]] = field(default_factory=list)
    # Permission -> the fields shown only to members who have it.
    restricted: dict[str, frozenset[str]] = field(default_factory=dict)


DESCRIPTIONS = Descriptions()


def describe(
    *,
    customers: Callable[[set[int]], Mapping[int, dict]] | None = None,
    figures: Callable[[], dict] | None = None,
    restricted: Mapping[str, Iterable[str]] | None = None,
) -> None:
    """Declare, once at start-up, what live messages say about a domain."""
    if customers is not None:
        DESCRIPTIONS.customers = customers
    if figures is not None:
        DESCRIPTIONS.figures.append(figures)
    for permission, names in (restricted or {}).items():
        DESCRIPTIONS.restricted[permission] = frozenset(names)


def audience(permissions: Iterable[str]) -> tuple[str, ...]:
    """The restricted permissions a member lacks: members with the same
    answer get the same bytes."""
    held = set(permissions)
    return tuple(sorted(p for p in DESCRIPTIONS.restricted if p not in held))


def batch_messages(events: list[Event]) -> list["Message"]:
    """The messages of a batch of log entries, in log order: one snapshot
    query for the customers they touch, the figures read once."""
    if not events:
        return []
    customer_ids = {e.customer_id for e in events if e.customer_id is not None}
    snapshots = (
        DESCRIPTIONS.customers(customer_ids)
        if DESCRIPTIONS.customers and customer_ids
        else {}
    )
    figures = {}
    for read in DESCRIPTIONS.figures:
        figures.update(read())
    return [Message(e.pk, event_body(e, snapshots, figures)) for e in events]


def event_body(event: Event, snapshots: Mapping[int, dict], figures: dict) -> dict:
    """One entry as the whole of what any member may see of it."""
    prefix = event.kind.split(".", 1)[0]
    body = {
        "id": event.pk,
        "kind": event.kind,
        "label": event.label,
        "at": event.created_at.isoformat(),
        "actor": event.actor.display_name if event.actor_id else None,
        "customer": snapshots.get(event.customer_id)
        or ({"id": event.customer_id} if event.customer_id else None),
        "record": _record(prefix, event),
        "adds": RECORD_LISTS[prefix][0]
        if event.kind in ADDING_KINDS and prefix in RECORD_LISTS
        else None,
        "payload": event.payload,
        **figures,
    }
    return body


def _record(prefix: str, event: Event) -> dict | None:
    """The list row the entry is about: {"list": "orders", "id": 7}."""
    if prefix not in RECORD_LISTS:
        return None
    list_name, id_field = RECORD_LISTS[prefix]
    record_id = event.customer_id if id_field is None else event.payload.get(id_field)
    return {"list": list_name, "id": record_id} if record_id is not None else None


def reference_url(event: Event) -> str | None:
    """Where the record an entry names by number opens: its list searched for
    that number, with its panel open (/invoices/?q=INV-1184-0098&selected=7);
    None when the entry names none."""
    number = event.payload.get("number")
    record = _record(event.kind.split(".", 1)[0], event)
    if not number or record is None or record["list"] not in NUMBERED_LISTS:
        return None
    query = urlencode({"q": number, "selected": record["id"]})
    return f"{reverse(record['list'] + ':list')}?{query}"


def customer_url(customer_id: int) -> str:
    """The Customers page with this customer's panel open."""
    return f"{reverse('customers:list')}?{urlencode({'selected': customer_id})}"


class Message:
    """One entry, encoded once per audience as a Server-Sent Event frame."""

    __slots__ = ("id", "body", "_frames")

    def __init__(self, id: int, body: dict):
        self.id = id
        self.body = body
        self._frames: dict[tuple[str, ...], bytes] = {}

    def frame(self, audience: tuple[str, ...]) -> bytes:
        frame = self._frames.get(audience)
        if frame is None:
            hidden = set().union(*(DESCRIPTIONS.restricted[p] for p in audience))
            data = json.dumps(_without(self.body, hidden), separators=(",", ":"))
            # json.dumps escapes every line break (and, in ASCII, U+2028), so
            # the data is one line whatever the payload's text holds.
            frame = f"id: {self.id}\ndata: {data}\n\n".encode()
            self._frames[audience] = frame
        return frame


def _without(value, hidden: set[str]):
    """`value` with every key in `hidden` left out, at any depth."""
    if not hidden:
        return value
    if isinstance(value, dict):
        return {k: _without(v, hidden) for k, v in value.items() if k not in hidden}
    if isinstance(value, list):
        return [_without(v, hidden) for v in value]
    return value
