"""Index-backed substring search over a folded `search_text` column, with a plan
chosen here rather than left to the planner (DESIGN.md rule 3).

1. Walk the list's own sort index over a bounded window of rows and filter them.
   Cheap whatever the piece; when the window yields a full page, the piece is
   common and those rows are exactly the first page.
2. Otherwise the piece is rare in that window (under ~1% of rows): find every
   match through the trigram index first (materialised, so the planner cannot
   fall back to walking the sort index through the whole table), then sort.
Pieces of one or two characters have no trigram, so only the bounded walk runs
and the result says it is not exhaustive.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from cloudfactory.search.indexes import fts_table
from cloudfactory.text import fold

# Rows of the sort index walked before switching to the trigram index.
WINDOW = 5_000
# Pieces shorter than this have no trigram: their search walks a bounded window.
MIN_INDEXED = 3
# How far a short piece is looked for, newest first.
SHORT_WINDOW = 20_000


@dataclass(frozen=True)
class SearchPage:
    rows: list
    # False when only a bounded part of the table was searched (short pieces).
    exhaustive: bool = True


def like_pattern(piece: str) -> str:
    escaped = piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _order_sql(qs: QuerySet, ordering: tuple[str, ...], alias: str) -> str:
    parts = []
    for field_name in ordering:
        descending = field_name.startswith("-")
        column = qs.model._meta.get_field(field_name.lstrip("-")).column
        parts.append(
            f"{alias}.{connection.ops.quote_name(column)}"
            f"{' DESC' if descending else ' ASC'}"
        )
    return ", ".join(parts)


def _window_search(qs, piece, ordering, limit, window) -> list:
    """Filter the first `window` rows of `qs` in list order; at most `limit` rows."""
    inner_sql, inner_params = qs.order_by(*ordering)[:window].query.sql_with_params()
    order = _order_sql(qs, ordering, "w")
    sql = (
        f"SELECT * FROM ({inner_sql}) w WHERE w.search_text LIKE %s ESCAPE '\\' "
        f"ORDER BY {order} LIMIT {int(limit)}"
    )
    return list(qs.model.objects.raw(sql, [*inner_params, like_pattern(piece)]))


def _indexed_search(qs, piece, ordering, limit) -> list:
    """All matches through the trigram index, then sorted; at most `limit` rows."""
    matches = _matches_sql(qs.model, piece)
    filtered_sql, filtered_params = qs.order_by().query.sql_with_params()
    order = _order_sql(qs, ordering, "f")
    sql = (
        f"WITH m AS {'MATERIALIZED ' if connection.vendor == 'postgresql' else ''}"
        f"({matches[0]}) "
        f"SELECT f.* FROM ({filtered_sql}) f JOIN m ON m.id = f.id "
        f"ORDER BY {order} LIMIT {int(limit)}"
    )
    return list(qs.model.objects.raw(sql, [*matches[1], *filtered_params]))


def search_page(
    qs: QuerySet, q: str, ordering: tuple[str, ...], limit: int
) -> SearchPage:
    """Rows of `qs` whose search_text contains folded `q`, in `ordering`, at most
    `limit` of them. Two queries at most."""
    if limit < 1:
        return SearchPage([])
    piece = fold(q)
    if len(piece) < MIN_INDEXED:
        rows = _window_search(qs, piece, ordering, limit, SHORT_WINDOW)
        if len(rows) >= limit:
            return SearchPage(rows)
        # A bounded look past the window's end (an index walk of SHORT_WINDOW rows).
        beyond = qs.order_by(*ordering)[SHORT_WINDOW : SHORT_WINDOW + 1].exists()
        return SearchPage(rows, exhaustive=not beyond)
    rows = _window_search(qs, piece, ordering, limit, WINDOW)
    if len(rows) >= limit:
        return SearchPage(rows)
    return SearchPage(_indexed_search(qs, piece, ordering, limit))


def _matches_sql(model, piece: str) -> tuple[str, list]:
    """SQL for the ids whose search_text contains `piece`, through the trigram index."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        sql = f"SELECT id FROM {table} WHERE search_text LIKE %s ESCAPE '\\'"
        return sql, [like_pattern(piece)]
    fts = fts_table(table)
    phrase = '"' + piece.replace('"', '""') + '"'
    return f"SELECT rowid AS id FROM {fts} WHERE {fts} MATCH %s", [phrase]


def search_count(qs: QuerySet, q: str, cap: int) -> tuple[int, bool]:
    """How many rows of `qs` match `q`, counted up to `cap`; and whether exact.

    Short pieces are counted within the bounded window their search walks.
    """
    piece = fold(q)
    if len(piece) < MIN_INDEXED:
        inner_sql, params = qs.order_by("-id")[:SHORT_WINDOW].query.sql_with_params()
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM ({inner_sql}) w "
            f"WHERE w.search_text LIKE %s ESCAPE '\\' LIMIT {int(cap) + 1}) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, like_pattern(piece)])
            counted = cursor.fetchone()[0]
        beyond = qs.order_by("-id")[SHORT_WINDOW : SHORT_WINDOW + 1].exists()
        return min(counted, cap), counted <= cap and not beyond
    sql, params = _matches_sql(qs.model, piece)
    counted = (
        qs.filter(id__in=RawSQL(sql, params))  # noqa: S611 - parameters bound
        .order_by()
        .values("id")[: cap + 1]
        .count()
    )
    return min(counted, cap), counted <= cap
