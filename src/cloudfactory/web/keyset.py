"""Keyset pagination: seek past the last row shown instead of an OFFSET, so page
5,000 costs what page 1 does. Every ordering ends with the primary key.

The cursor is compared as a row value, `(created_at, id) < (x, y)`: both
databases serve that from the index on the two columns. The equivalent
`created_at < x OR (created_at = x AND id < y)` is no index condition on
PostgreSQL, which then walks from the first row and throws away every row
before the cursor.
"""

from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
)
from django.db.models.lookups import GreaterThan, LessThan


class _RowValueBefore(TupleLessThan):
    # Django writes the OR form on SQLite (its `supports_tuple_lookups` is off);
    # SQLite has compared row values since 3.15, with its indexes.
    def as_sql(self, compiler, connection):
        return LessThan.as_sql(self, compiler, connection)


class _RowValueAfter(TupleGreaterThan):
    def as_sql(self, compiler, connection):
        return GreaterThan.as_sql(self, compiler, connection)


def keyset_after(qs: QuerySet, ordering: tuple[str, str], after: tuple) -> QuerySet:
    """Rows after the cursor `(value, id)` in `ordering`, e.g. ("-placed_at", "-id")."""
    field = ordering[0].lstrip("-")
    compare = _RowValueBefore if ordering[0].startswith("-") else _RowValueAfter
    return qs.filter(compare(Tuple(F(field), F("id")), tuple(after)))
