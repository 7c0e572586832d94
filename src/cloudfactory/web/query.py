"""The query half of the list contract: what a list declares about its rows,
and the one object that turns its filter into a page, a count and an export.

A list declares, as data, in its domain's `queries.py`:

    CUSTOMERS = ListQuery(
        model=Customer,
        filter=CustomerFilter,                  # frozen, plain values
        lookups={"type": "type", "status": "status"},
        sorts=Sorts(Sort("created", "created_at"), Sort("name", "name"),
                    default="-created"),
        search=TRIGRAM_SEARCH,
        counter=Counter(covers=("type", "status"), read=counted_in_totals),
    )

`matching(f)` is the filtered queryset (search aside) that the page, the count
and the export all narrow from. The count is read from a `Counter` only when
the filter sets nothing but what that counter covers, so a new filter can
never be answered with a total that ignores it.
"""

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.db.models import Model, QuerySet, prefetch_related_objects

from cloudfactory.web.keyset import keyset_after

PAGE_SIZE = 50
COUNT_CAP = 10_000


@dataclass(frozen=True)
class ListFilter:
    """What every list's filter has: the search and the sort ("" is the list's
    default). Subclasses add their filters as plain values (ids, choice values,
    instants), never model instances, so pages, exports, the audit log and saved
    views can all carry them."""

    q: str = ""
    sort: str = ""


F = TypeVar("F", bound=ListFilter)


@dataclass(frozen=True)
class Sort:
    """A sortable field: `key` in the URL ascends ("name"), `-key` descends."""

    key: str
    field: str


@dataclass(frozen=True)
class Sorts:
    """A list's sorts and its default; every ordering ends with the id, the
    same way, so a keyset cursor is unique."""

    sorts: tuple[Sort, ...]
    default: str

    def __init__(self, *sorts: Sort, default: str):
        object.__setattr__(self, "sorts", sorts)
        object.__setattr__(self, "default", default)
        if default not in self.keys:
            raise ValueError(f"The default sort {default!r} is not one of {self.keys}")

    @property
    def keys(self) -> tuple[str, ...]:
        """Every URL value, each ascending key followed by its descending one."""
        return tuple(k for s in self.sorts for k in (s.key, f"-{s.key}"))

    def field(self, key: str) -> str:
        """The model field that `key` (or "", the default) orders by."""
        bare = (key or self.default).lstrip("-")
        for sort in self.sorts:
            if sort.key == bare:
                return sort.field
        raise KeyError(f"Unknown sort {key!r}")

    def ordering(self, key: str) -> tuple[str, str]:
        """`key` as an ordering: "-name" -> ("-name", "-id")."""
        sign = "-" if (key or self.default).startswith("-") else ""
        return f"{sign}{self.field(key)}", f"{sign}id"

    def cursor(self, row: Model, key: str) -> tuple:
        """The keyset cursor `(value, id)` that continues after `row`."""
        return getattr(row, self.field(key)), row.pk


class Found(Protocol):
    """What a search returns for one page (see textsearch.queries.SearchPage)."""

    rows: Sequence
    exhaustive: bool
    total: int | None


class Search(Protocol):
    """How a list finds the rows that match its search box."""

    # Beside the count when a search looked through only part of the rows.
    partial_note: str

    def page(
        self,
        qs: QuerySet,
        q: str,
        ordering: tuple[str, str],
        limit: int,
        count_up_to: int | None,
    ) -> Found:
        """Up to `limit` rows of `qs` matching `q`, in `ordering`; with
        `count_up_to`, also how many match (`total`), if it can tell."""
        ...

    def count(
        self, qs: QuerySet, q: str, cap: int, ordering: tuple[str, str]
    ) -> tuple[int, bool]:
        """How many rows of `qs` match `q` up to `cap`, and whether exact, over
        the same rows `page` looks through in `ordering`."""
        ...

    def matching_all(self, qs: QuerySet, q: str) -> QuerySet:
        """`qs` narrowed to every row matching `q`: no page, no window."""
        ...

    def read_ahead(self, model: type[Model]) -> None:
        """Start reading, in the background, what the search keeps of
        `model`'s rows, so that the first search does not read it itself."""
        ...


@dataclass(frozen=True)
class Counter(Generic[F]):
    """Exact totals the services keep, read instead of counting rows.

    The list asks `read(f)` only when no search is set and the filter sets no
    attribute beyond `covers`; `read` may still answer None (say, two covered
    filters at once), and the rows are counted.
    """

    covers: tuple[str, ...]
    read: Callable[[Any], int | None]


@dataclass(frozen=True)
class Page:
    rows: list
    has_more: bool
    # False when a search only looked through a bounded part of the rows.
    exhaustive: bool = True
    # How many rows match in all (COUNT_CAP + 1: more than the cap), when
    # finding the page told; None: count them.
    total: int | None = None


# Every list query declared in this process (read_searches_ahead).
_DECLARED: list["ListQuery"] = []


def read_searches_ahead() -> None:
    """Every declared list's search starts reading what it keeps of its
    rows (at server start, once the URLconf has declared every list)."""
    for query in _DECLARED:
        query.search.read_ahead(query.model)


@dataclass(frozen=True)
class ListQuery(Generic[F]):
    """A list's rows: filtered through `lookups`, sorted by `sorts`, searched
    by `search`, counted from `counter` when it can answer."""

    model: type[Model]
    filter: type[F]
    # Filter attribute -> ORM lookup: {"customer_id": "customer_id",
    # "placed_since": "placed_at__gte"}. Every filter attribute but q and sort.
    lookups: Mapping[str, str]
    sorts: Sorts
    search: Search
    counter: Counter | None = None
    # Related rows each listed row shows, fetched with the page.
    related: tuple[str, ...] = ()

    def __post_init__(self):
        names = {f.name for f in dataclasses.fields(self.filter)} - {"q", "sort"}
        if set(self.lookups) != names:
            raise ValueError(
                f"{self.filter.__name__}: lookups must name exactly its filters "
                f"{sorted(names)}, not {sorted(self.lookups)}"
            )
        if self.counter and not set(self.counter.covers) <= names:
            raise ValueError(f"{self.filter.__name__}: the counter covers no filter")
        _DECLARED.append(self)

    def matching(self, f: F) -> QuerySet:
        """The rows `f`'s filters select, search aside; unordered, no query yet."""
        qs = self.model._default_manager.all()
        for attribute, lookup in self.lookups.items():
            value = getattr(f, attribute)
            if _is_set(value):
                qs = qs.filter(**{lookup: value})
        return qs

    def page(
        self,
        f: F,
        *,
        after: tuple | None = None,
        limit: int = PAGE_SIZE,
        count_cap: int | None = None,
    ) -> Page:
        """Up to `limit` rows matching `f` after the cursor `after`, in f.sort
        order, with their related rows. One query without a search; a first
        page of a search may also tell how many match, up to `count_cap`
        (COUNT_CAP unless given)."""
        ordering = self.sorts.ordering(f.sort)
        qs = self.matching(f)
        if after is not None:
            qs = keyset_after(qs, ordering, after)
        if not f.q.strip():
            rows = list(
                qs.select_related(*self.related).order_by(*ordering)[: limit + 1]
            )
            return Page(rows[:limit], has_more=len(rows) > limit)
        cap = COUNT_CAP if count_cap is None else count_cap
        count_up_to = cap + 1 if after is None else None
        found = self.search.page(qs, f.q, ordering, limit + 1, count_up_to)
        rows = list(found.rows)
        # A search reads the list's own table; related rows follow in one query.
        prefetch_related_objects(rows, *self.related)
        return Page(
            rows[:limit],
            has_more=len(rows) > limit,
            exhaustive=found.exhaustive,
            total=found.total if after is None else None,
        )

    def above(
        self, f: F, before: tuple, *, limit: int = PAGE_SIZE
    ) -> tuple[list, bool]:
        """The rows matching `f` that sort before the cursor `before` (rows
        added above the first one shown), nearest `limit` of them in f.sort
        order, and whether there are more."""
        ordering = self.sorts.ordering(f.sort)
        backwards = tuple(o[1:] if o.startswith("-") else f"-{o}" for o in ordering)
        qs = self.matching(f)
        if f.q.strip():
            qs = self.search.matching_all(qs, f.q)
        qs = keyset_after(qs, backwards, before)
        rows = list(qs.select_related(*self.related).order_by(*backwards)[: limit + 1])
        return rows[:limit][::-1], len(rows) > limit

    def count(
        self, f: F, page: Page | None = None, cap: int | None = None
    ) -> tuple[int, bool]:
        """How many rows match `f`, and whether exact ("10,000+" beyond the
        `cap`, COUNT_CAP unless given): what `page` already counted, else a
        counter, else a capped count."""
        cap = COUNT_CAP if cap is None else cap
        if page is not None and page.total is not None:
            exact = page.total <= cap and page.exhaustive
            return min(page.total, cap), exact
        if not f.q.strip() and self.counter is not None:
            beyond = [a for a in self.lookups if a not in self.counter.covers]
            if not any(_is_set(getattr(f, a)) for a in beyond):
                counted = self.counter.read(f)
                if counted is not None:
                    return counted, True
        qs = self.matching(f)
        if f.q.strip():
            return self.search.count(qs, f.q, cap, self.sorts.ordering(f.sort))
        return count_capped(qs, cap)

    def export_rows(self, f: F) -> QuerySet:
        """Every row matching `f`, in f.sort order: the list's query over all
        the rows, no page, no cursor, no search window."""
        qs = self.matching(f)
        if f.q.strip():
            qs = self.search.matching_all(qs, f.q)
        return qs.order_by(*self.sorts.ordering(f.sort))

    def cursor(self, row: Model, f: F) -> tuple:
        return self.sorts.cursor(row, f.sort)


def _is_set(value) -> bool:
    return value is not None and value != ""


def count_capped(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many rows `qs` has, counting no further than `cap`; and whether exact."""
    counted = qs.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted <= cap
