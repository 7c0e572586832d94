from datetime import UTC, datetime, timedelta, timezone

import pytest

from cloudfactory.web.cursor import (
    MAX_BIGINT,
    BadCursor,
    cursor_decode,
    cursor_encode,
)


@pytest.mark.parametrize(
    "value",
    [
        "Acme Corp",
        "Zoë 東京 \u202e",
        0,
        -5,
        MAX_BIGINT,
        -MAX_BIGINT - 1,
        datetime(2025, 3, 12, 14, 3, tzinfo=UTC),
    ],
)
def test_a_cursor_reads_back_what_it_was_made_of(value):
    assert cursor_decode(cursor_encode(value, 42)) == (value, 42)


def test_an_instant_reads_back_in_utc():
    paris = datetime(2025, 3, 12, 15, 3, tzinfo=timezone(timedelta(hours=1)))
    value, _ = cursor_decode(cursor_encode(paris, 1))
    assert value == paris
    assert value.tzinfo == UTC


@pytest.mark.parametrize(
    ("value", "pk"),
    [
        ("Acme", MAX_BIGINT + 1),
        ("Acme", True),
        (MAX_BIGINT + 1, 1),
        (-MAX_BIGINT - 2, 1),
        ("NUL\x00", 1),
        (1.5, 1),
        (None, 1),
        (False, 1),
    ],
)
def test_a_value_no_column_can_hold_is_refused(value, pk):
    with pytest.raises(BadCursor, match="damaged"):
        cursor_decode(cursor_encode(value, pk))


@pytest.mark.parametrize(
    "token",
    ["", "!!!", "é", "bm90IGpzb24", "W1td", "eyJ0IjoxfQ"],
)
def test_anything_else_is_a_damaged_link(token):
    with pytest.raises(BadCursor, match="start again from the top"):
        cursor_decode(token)
