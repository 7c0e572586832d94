"""Fetching one page of any list: keyset seek, optional search, capped count."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet, prefetch_related_objects

from cloudfactory.web.keyset import keyset_after

COUNT_CAP = 10_000


@dataclass(frozen=True)
class Page:
    rows: list
    has_more: bool
    # False when a search only looked through a bounded part of the table.
    exhaustive: bool = True
    # How many rows match in all (COUNT_CAP + 1: more than the cap), when
    # finding the page told (a search from the top of the list); None: the
    # list counts them itself.
    total: int | None = None


def fetch_page(
    qs: QuerySet,
    *,
    ordering: tuple[str, str],
    after: tuple | None,
    limit: int,
    q: str = "",
    search: Callable | None = None,
) -> Page:
    """Up to `limit` rows of `qs` after the cursor, in `ordering`.

    With `q`, `search(qs, q, ordering, limit, count_up_to)` finds the rows and
    returns an object with `rows`, `exhaustive` and `total`, which on the first
    page counts the matches up to COUNT_CAP + 1 (see search.queries.search_page).
    """
    if after is not None:
        qs = keyset_after(qs, ordering, after)
    total = None
    if q.strip() and search is not None:
        # A search reads the list's own table; related rows follow in one query.
        related = list(qs.query.select_related or {})
        count_up_to = COUNT_CAP + 1 if after is None else None
        found = search(qs.select_related(None), q, ordering, limit + 1, count_up_to)
        rows, exhaustive = list(found.rows), found.exhaustive
        prefetch_related_objects(rows, *related)
        if after is None:
            total = found.total
    else:
        rows, exhaustive = list(qs.order_by(*ordering)[: limit + 1]), True
    return Page(
        rows[:limit], has_more=len(rows) > limit, exhaustive=exhaustive, total=total
    )


def filter_by(qs: QuerySet, f, lookups: dict[str, str]) -> QuerySet:
    """`qs` narrowed by each attribute of the filter `f` that is set, through its
    lookup: {"status": "status", "placed_since": "placed_at__gte"}."""
    for attribute, lookup in lookups.items():
        value = getattr(f, attribute)
        if value is not None and value != "":
            qs = qs.filter(**{lookup: value})
    return qs


def count_capped(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows `qs` has, counting no further than `cap`; and whether exact."""
    counted = qs.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted <= cap
