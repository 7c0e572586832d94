"""The one set of filters that formats numbers, money and times everywhere,
and links a list's rows to their panels."""

from datetime import datetime, timedelta
from functools import lru_cache

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince
from markupsafe import Markup, escape

from cloudfactory import money
from cloudfactory.text import fold

register = template.Library()


@register.filter
def number(value) -> str:
    """1284 -> "1,284"."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}"


@register.filter
def money_exact(minor, currency=None) -> str:
    if minor is None:
        return ""
    return money.format_money(int(minor), currency or None)


@register.filter
def money_compact(minor, currency=None) -> str:
    if minor is None:
        return ""
    return money.format_money_compact(int(minor), currency or None)


@register.filter
def day(value: datetime | None) -> str:
    """ "12 Mar 2025" in the staff member's time zone."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %b %Y")


@register.filter
def moment(value: datetime | None) -> str:
    """ "12 Mar 2025, 14:03 CET": the exact time, for tooltips."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%-d %b %Y, %H:%M:%S %Z")


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 days ago"."""
    if value is None:
        return ""
    if timezone.now() - value < timedelta(minutes=1):
        return "just now"
    return f"{timesince(value).split(',')[0]} ago"


@register.filter
def timestamp(value: datetime | None, style: str = "day") -> str:
    """`<time>` of `value` in the staff member's time zone, the exact moment on
    hover, shown as its day ("12 Mar 2025") or, with "ago", as "3 days ago"."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    shown = ago(value) if style == "ago" else local.strftime("%-d %b %Y")
    exact = local.strftime("%-d %b %Y, %H:%M:%S %Z")
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', local.isoformat(), exact, shown
    )


@register.filter
def panel_url(pk: int, list_page) -> str:
    """The URL of row `pk`'s detail panel on `list_page` (a web.listing.ListPage)."""
    return list_page.panel_url(pk)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def highlight(value, q) -> str:
    """Escape `value` and wrap the first match of folded `q` in <mark>."""
    text = "" if value is None else str(value)
    piece = _folded_query(q or "")
    if not piece:
        return escape(text)
    if text.isascii():
        # Folding plain ASCII only lowers it: positions stay where they are.
        begin = text.lower().find(piece)
        end = begin + len(piece)
        if begin < 0:
            return escape(text)
        return _marked(text, begin, end)
    # Fold character by character, remembering where each folded char came from.
    folded, origin = [], []
    for index, char in enumerate(text):
        for folded_char in _folded_char(char):
            folded.append(folded_char)
            origin.append(index)
    start = "".join(folded).find(piece)
    if start < 0:
        return escape(text)
    begin, end = origin[start], origin[start + len(piece) - 1] + 1
    return _marked(text, begin, end)


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    # Names repeat their letters: fold each once.
    return fold(char) or (" " if char.isspace() else "")


@lru_cache(maxsize=256)
def _folded_query(q: str) -> str:
    # The same query highlights every cell of a page: fold it once.
    return fold(q)


def _marked(text: str, begin: int, end: int) -> str:
    return Markup(  # noqa: S704 - every part is escaped
        f"{escape(text[:begin])}<mark>{escape(text[begin:end])}</mark>{escape(text[end:])}"
    )


# Every status and priority value, as the colour of its pill. One table, so the
# same word looks the same on every page, and each tone means one thing:
# success done well, info waiting (open), warning held up, attention ahead of
# the rest, danger act now, done finished, neutral ordinary, muted set aside,
# draft not issued yet.
TONES = {
    "active": "success",
    "paid": "success",
    "fulfilled": "success",
    "open": "info",
    "suspended": "warning",
    "pending": "warning",
    "high": "attention",
    "overdue": "danger",
    "urgent": "danger",
    "closed": "done",
    "refunded": "done",
    "normal": "neutral",
    "inactive": "neutral",
    "low": "muted",
    "void": "muted",
    "cancelled": "muted",
    "draft": "draft",
}


@register.filter
def tone(value: str) -> str:
    """ "overdue" -> "danger": the `pill-<tone>` class of a status or priority."""
    return TONES.get(value, "neutral")


@register.simple_tag(takes_context=True)
def list_rows(context, rows=(), row=None, oob=False, selected_id=None) -> str:
    """`rows` (or the one `row`) as table rows of the context's `list` (a
    web.listing.ListPage), as the list with `filter` shows them: its
    `columns`, its search highlighted, links keeping its state
    (`select_prefix`); `oob` to replace rows already on screen."""
    found = context.get("filter")
    selected = selected_id if selected_id is not None else context.get("selected_id")
    return context["list"].render_rows(
        [row] if row is not None else rows,
        columns=context.get("columns"),
        q=getattr(found, "q", ""),
        select_url=context.get("select_prefix") or "?selected=",
        selected_id=selected,
        oob=oob,
    )
