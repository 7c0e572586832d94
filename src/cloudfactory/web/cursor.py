"""Opaque keyset cursors for URLs: the sort value and id of the last row shown."""

import base64
import json
from datetime import datetime


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
            value = datetime.fromisoformat(value["t"])
    except (ValueError, TypeError, KeyError) as exc:
        raise BadCursor("This page link is damaged; start again from the top.") from exc
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise BadCursor("This page link is damaged; start again from the top.")
    if not isinstance(value, str | int | datetime) or isinstance(value, bool):
        raise BadCursor("This page link is damaged; start again from the top.")
    return value, pk
