"""The row id path converter (`f"<{ROW_ID}:pk>"`): an id as a 64-bit column
holds it.

Django's `<int:...>` matches any run of digits, and an id past 2**63 - 1
reaches the query: SQLite then fails to bind it. This converter does not
match it, so the URL answers 404 like any other that names nothing.
"""

from django.urls import register_converter

from cloudfactory.web.cursor import MAX_BIGINT


class RowIdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_BIGINT:
            raise ValueError(f"{value} is beyond any row id.")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


ROW_ID = "id"
register_converter(RowIdConverter, ROW_ID)
