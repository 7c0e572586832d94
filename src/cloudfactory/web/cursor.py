"""Opaque keyset cursors for URLs: the sort value and id of the last row shown.

A cursor comes back from the URL, so whatever it holds is checked here before
any query sees it: an id or number that fits a 64-bit column, text that a
database can store (no NUL, valid UTF-8), an instant with its offset that
converts to UTC.
"""

import base64
import json
from datetime import UTC, datetime

# The largest value of a 64-bit signed column (BigAutoField, BigIntegerField).
MAX_BIGINT = 2**63 - 1
DAMAGED = "This page link is damaged; start again from the top."


class BadCursor(ValueError):
    pass


def cursor_encode(value, pk: int) -> str:
    if isinstance(value, datetime):
        value = {"t": value.isoformat()}
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(token: str) -> tuple:
    """The (value, id) pair of a cursor; BadCursor when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value, pk = json.loads(raw)
        if isinstance(value, dict):
            value = _instant(value["t"])
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise BadCursor(DAMAGED) from exc
    if not _is_bigint(pk):
        raise BadCursor(DAMAGED)
    if not (_is_bigint(value) or _is_storable(value) or isinstance(value, datetime)):
        raise BadCursor(DAMAGED)
    return value, pk


def _instant(text: str) -> datetime:
    """An ISO 8601 instant with its offset, in UTC. OverflowError when UTC
    takes it out of the years 1 to 9999 (0001-01-01T00:00+14:00)."""
    instant = datetime.fromisoformat(text)
    if instant.utcoffset() is None:
        raise ValueError("A cursor's instant carries its offset.")
    return instant.astimezone(UTC)


def _is_bigint(value) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and -MAX_BIGINT - 1 <= value <= MAX_BIGINT
    )


def _is_storable(value) -> bool:
    """Text a database can compare: PostgreSQL refuses NUL, and a lone
    surrogate (JSON's "\\ud800") has no UTF-8 form."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True
