"""Index-backed substring search over a folded `search_text` column, with the
plan chosen here rather than left to the planner (DESIGN.md rule 3).

A piece of three characters or more is found one of two ways:

- walk: follow the list's sort index through the filtered rows and keep the
  ones holding the piece, stopping at a page. It reads about
  limit x filtered rows / matches rows: few for a common piece, all for a rare one.
- lookup: every row holding the piece through the trigram index (pg_trgm on
  PostgreSQL, FTS5 on SQLite), filtered, then sorted. It reads every holder:
  few for a rare piece, a fifth of the table for a very common one. On
  PostgreSQL, a table with a key table (textsearch.key_tables) may find the
  holders' ids there instead, by the piece's runs of four letters, and read
  their rows alone: where its trigrams are common but the piece is not.

Which reads fewer rows depends on how common the piece is among the filtered
rows, which the planners cannot know (PostgreSQL guesses 100 rows for any
pattern of six characters or more), so `estimate` measures it first on a
sample of about 5,000 rows, the same few hundred pages each time so they stay
cached: 2 ms at 1M customers. Measured there on PostgreSQL 15: 'nelson'
(2,452 holders) takes 6 ms by lookup and 80-140 ms by walk; 'smith' (12,880)
40-100 ms by lookup and 5 ms by walk.

The count uses the same sample: a piece the sample puts well above the cap is
"cap+" without counting; any other is counted through the trigram index, which
costs about 1.5 µs a holder (20 ms for a piece held by 10,000 of 1M rows).
A piece of three to five characters, on a table whose runs of that length
are counted (textsearch.gram_counts), is counted there instead: one index read.

Pieces of one or two characters have no trigram: they walk a bounded window
of the list and the result says it is not exhaustive.
"""

import math
from dataclasses import dataclass, replace

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import Col, RawSQL
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND, WhereNode

from cloudfactory.text import fold
from cloudfactory.textsearch.gram_counts import counts_runs_of, gram_table
from cloudfactory.textsearch.indexes import fts_table, search_key, search_key_sql
from cloudfactory.textsearch.key_tables import KEY_LETTERS, key_pairs, key_table
from cloudfactory.textsearch.sample import cached_sample, read_ahead

# Pieces shorter than this have no trigram: their search walks a bounded window.
MIN_INDEXED = 3
# How far a short piece is looked for, in list order, and counted.
SHORT_WINDOW = 2_000
# Rows of the table read to estimate how common a piece is (on SQLite in
# SAMPLE_RUNS runs of consecutive ids spread over the table).
SAMPLE_ROWS = 5_000
SAMPLE_RUNS = 10
# The walk reads up to WINDOW_FACTOR times the rows the estimate expects it to
# need, at least WINDOW, before it gives up and looks the piece up instead (a
# piece may be rarer in one part of the sort order than in the sample).
WINDOW_FACTOR = 4
WINDOW = 1_000
# A count is "cap+" without counting only when the sample puts it at the cap
# or more by this many deviations: a sample that met k holders is off by about
# the square root of k (200 of some 15,000 at 1M: give or take 14).
CAP_DEVIATIONS = 3.5
# What counting a holder through the index costs, as a share of looking it
# up (no sort, no row kept): measured at 1M customers on PostgreSQL 15, 5.8 µs
# a holder counted against 15 µs looked up.
COUNT_SHARE = 0.4
# Filters that keep at most this share of the holders of a piece are left
# to the planner, which may AND their index with the trigram index.
ANDED_SHARE = 0.1
# What a holder's entry in the key index costs, in rows walked, when the
# filters are ANDed inside that index (equality on columns it holds): the
# entries are read, the rows of the holders the filters keep alone fetched.
# Measured at 1M customers on PostgreSQL 15: the 102,000 entries of 'tac'
# ANDed with type=individual in 10 ms (0.1 µs each); a walk of individuals
# 2 µs a row.
ENTRY_COST = 0.05
# What a row found by lookup costs, in rows walked. Measured at 1M customers
# on PostgreSQL 15, the whole first page: a walk reads about 0.5 µs a row, a
# lookup 4.5 µs a holder ('kra', 3,836 holders: walked 9.8 ms, looked up 20.6;
# docs/decisions.md); at 100k on SQLite, 0.9-1.7 µs and 1.6-2.4 µs.
LOOKUP_COST = {"postgresql": 9.0, "sqlite": 1.5}
# What a holder costs, in rows walked, when the key table finds the holders
# and sorts them by the columns it carries, and the rows of one page alone
# are read (PostgreSQL). Measured at 1M customers: about 2 µs a holder against
# 0.4 µs a row walked (`Vane`, 1,872 holders: 4.5 ms; docs/decisions.md).
KEYED_SORT_COST = 6.0
# PostgreSQL reads the trigram index for the first characters of a piece only:
# every trigram of a long piece costs its posting list, and the tail of an
# email is the commonest ('andrea.wade@gmail.com' 13-35 ms in the index,
# 'andrea.wade@' 3 ms, same rows). The whole piece is checked on the rows
# (the index is on the column's key, textsearch.indexes, not on the column).
INDEXED_CHARS = 12
# The column a lookup adds to each row: how many rows it found in all.
TOTAL = "search_total"


@dataclass(frozen=True)
class SearchPage:
    rows: list
    # False when only a bounded part of the table was searched (short pieces).
    exhaustive: bool = True
    # Every row holding the piece, when the lookup saw them all, or counted up
    # to the count_up_to asked for: the count the list would otherwise query.
    total: int | None = None


@dataclass(frozen=True)
class Estimate:
    """How many rows a search meets, from a sample, or exact when the sample is
    the whole table."""

    rows: float  # rows the filters select
    matches: float  # of those, rows holding the piece
    holders: float  # rows of the whole table holding the piece
    exact: bool = False
    # Rows of the whole table a lookup through the index finds and checks,
    # when known (PostgreSQL, a large table): holders, or more.
    found: float = 0.0
    # Rows of the sample that matched: how sure `matches` is.
    met: int = 0
    # Whether the filters are ANDed with the piece inside the key index, so a
    # lookup fetches the rows of `matches`, not of `holders`.
    anded: bool = False
    # Whether a lookup finds the holders' ids in the table's key table.
    keyed: bool = False


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


def _where_sql(qs: QuerySet) -> tuple[str, list] | None:
    """`qs`'s filters as SQL over its own table; None when they need a join."""
    if len(qs.query.alias_map) > 1:
        return None
    compiler = qs.query.get_compiler(using=qs.db)
    try:
        sql, params = compiler.compile(qs.query.where)
    except FullResultSet:
        return "", []
    except EmptyResultSet:
        return "1 = 0", []
    return sql, list(params)


def _filters_on(qs: QuerySet, columns: tuple[str, ...]) -> bool:
    """Whether every filter of `qs` is an equality on one of `columns`."""
    return bool(_equalities(qs, columns))


def _equalities(
    qs: QuerySet, columns: tuple[str, ...]
) -> list[tuple[str, object]] | None:
    """`qs`'s filters as (column, value) pairs, ANDed: [] when it has none,
    None when any is not an equality on one of `columns`."""
    found = []

    def on_columns(node) -> bool:
        if isinstance(node, WhereNode):
            return (
                node.connector == AND
                and not node.negated
                and all(on_columns(child) for child in node.children)
            )
        if (
            isinstance(node, Exact)
            and isinstance(node.lhs, Col)
            and node.lhs.target.model is qs.model
            and node.lhs.target.column in columns
            and not hasattr(node.rhs, "resolve_expression")
        ):
            value = node.lhs.output_field.get_db_prep_value(
                node.rhs, connection, prepared=True
            )
            found.append((node.lhs.target.column, value))
            return True
        return False

    where = qs.query.where
    if not where.children:
        return []
    return found if on_columns(where) else None


def estimate(
    qs: QuerySet, piece: str, indexed: tuple[str, ...] = (), keyed: bool = False
) -> Estimate | None:
    """How many rows of `qs` hold `piece`, judged on about SAMPLE_ROWS rows of
    the table: the process's sample of a large table when `qs` has no filter
    or equalities on the `indexed` columns it holds, else one query. None when
    `qs`'s filters need a join. `indexed`: the
    columns the key index holds beside the key (PostgreSQL); `keyed`: the
    table's key table can look the piece up (`_keyed`), which the estimate
    weighs against the table's own index (`Estimate.keyed`)."""
    where = _where_sql(qs)
    if where is None:
        return None
    filters, filter_params = where
    kept = cached_sample(qs.model._meta.db_table, indexed)
    if kept is not None and not filters:
        met, read = kept.holding(piece)
        holders = met / max(read, 1) * kept.size
        return _looked_up(
            Estimate(kept.size, holders, holders, met=met), kept, piece, keyed
        )
    equalities = _equalities(qs, indexed) if kept is not None else None
    if equalities and (counted := kept.filtered(piece, equalities)) is not None:
        rows, matches = counted
        met, read = kept.holding(piece)
        scale = kept.size / max(len(kept.texts), 1)
        est = Estimate(
            rows * scale,
            matches * scale,
            met / max(read, 1) * kept.size,
            met=matches,
            anded=connection.vendor == "postgresql",
        )
        return _looked_up(est, kept, piece, keyed)
    holds = "search_text LIKE %s ESCAPE '\\'"
    pattern = like_pattern(piece)
    if filters:
        counted = (
            f"SUM(CASE WHEN {filters} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {filters} AND {holds} THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN {holds} THEN 1 ELSE 0 END)"
        )
        params = [*filter_params, *filter_params, pattern, pattern]
    else:
        counted = f"COUNT(*), SUM(CASE WHEN {holds} THEN 1 ELSE 0 END)"
        params = [pattern]
    size, scale, sample = _sample_sql(qs.model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {size}, {scale}, {counted} FROM {sample}", params)
        table_size, scale, *found = (value or 0 for value in cursor.fetchone())
    rows, matches, holders = found if filters else (found[0], found[1], found[1])
    anded = (
        bool(indexed) and connection.vendor == "postgresql" and _filters_on(qs, indexed)
    )
    if table_size <= SAMPLE_ROWS:  # the sample was the whole table
        est = Estimate(rows, matches, holders, exact=True, anded=anded)
        return _looked_up(est, kept, piece, keyed)
    est = Estimate(
        rows * scale,
        matches * scale,
        holders * scale,
        found=holders * scale,
        met=int(matches),
        anded=anded,
    )
    return _looked_up(est, kept, piece, keyed)


def _looked_up(est: Estimate, kept, piece: str, keyed: bool) -> Estimate:
    """`est` with what a lookup finds, judged on the table's sample `kept`
    (PostgreSQL): the holders alone when the key table can find them and
    costs less there (`keyed`), else the rows the trigram index finds."""
    if kept is None or connection.vendor != "postgresql":
        return est
    head = piece[:INDEXED_CHARS]
    share = est.holders / max(kept.size, 1)
    filtered = est.matches / max(est.holders, 1)  # the holders the filters keep
    if keyed and kept.keyed_lookup_cheaper(head, share, filtered):
        return replace(est, found=est.holders, keyed=True)
    found = kept.key_segments(head)[1] * kept.size
    return replace(est, found=max(found, est.holders))


def _sample_sql(table: str) -> tuple[str, str, str]:
    """SQL for the table's size, the rows each sampled row stands for, and a
    FROM clause reading about SAMPLE_ROWS rows of it (the same ones each time,
    so they stay cached): the whole table when its size is SAMPLE_ROWS or less.
    """
    if connection.vendor == "postgresql":
        # SYSTEM sampling reads whole pages: some 200 of them at 1M rows.
        size = f"(SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass)"
        share = f"LEAST(100, 100.0 * {SAMPLE_ROWS} / GREATEST({size}, 1))"
        scale = f"{size} / GREATEST(COUNT(*), 1)"
        return size, scale, f"{table} TABLESAMPLE SYSTEM ({share}) REPEATABLE (0)"
    # SQLite: SAMPLE_RUNS runs of consecutive ids spread over the table, a
    # few pages each and every era of the data, each a range of the rowid: the
    # runs are joined to the table, first (CROSS JOIN keeps that order).
    size = f"(SELECT MAX(id) FROM {table})"
    width = SAMPLE_ROWS // SAMPLE_RUNS
    steps = ", ".join(f"({n})" for n in range(SAMPLE_RUNS))
    whole = f"n <= {SAMPLE_ROWS}"
    sample = (
        f"(WITH size(n) AS (SELECT {size}), step(k) AS (VALUES {steps}), "
        f"runs(first, last) AS (SELECT "
        f"CASE WHEN {whole} THEN 1 ELSE n * k / {SAMPLE_RUNS} + 1 END, "
        f"CASE WHEN {whole} THEN n ELSE n * k / {SAMPLE_RUNS} + {width} END "
        f"FROM size, step WHERE k = 0 OR NOT {whole}) "
        f"SELECT t.* FROM runs CROSS JOIN {table} t "
        f"ON t.id BETWEEN runs.first AND runs.last) {table}"
    )
    return size, f"{size} * 1.0 / {SAMPLE_ROWS}", sample


def walk_window(
    est: Estimate | None,
    limit: int,
    lookup_cost: float = 1.0,
    count_up_to: int | None = None,
) -> int:
    """How many rows to walk before looking the piece up; 0: look it up at once.

    The walk is expected to read limit x rows / matches rows; the lookup reads
    the holders of the piece or the rows the filters select, the fewer, each
    costing `lookup_cost` walked rows: walk when that costs less. With
    `count_up_to`, a walk still owes the count (up to that many matches,
    through the index) unless the sample puts it well above, which the
    lookup tells at no cost: it is added to the walk's side.
    """
    if est is None:
        return WINDOW
    expected = limit * est.rows / max(est.matches, 1)
    walk = expected
    if count_up_to is not None and not _counts_beyond(est, count_up_to):
        walk += min(est.matches, count_up_to) * lookup_cost * COUNT_SHARE
    lookup = _lookup_cost(est, lookup_cost)
    if walk >= lookup or (est.exact and est.matches < limit):
        return 0
    return max(WINDOW, math.ceil(WINDOW_FACTOR * expected))


def _lookup_cost(est: Estimate, lookup_cost: float) -> float:
    """What looking the piece up costs, in rows walked: every row the index
    finds is fetched, or, with the filters ANDed inside the index, every
    entry read and the rows the filters keep fetched."""
    found = max(est.holders, est.found)
    if est.anded:
        kept = found * est.matches / max(est.holders, 1)
        return kept * lookup_cost + found * ENTRY_COST
    return min(found, est.rows) * lookup_cost


def further_window(est: Estimate | None, window: int, lookup_cost: float) -> int:
    """How far a walk that came up short goes on before the lookup; 0: look
    it up now.

    The piece was rarer in the first `window` rows than in the sample (the
    newest 1,000 of 4.7M users held 4 of "hotm", which 121,000 hold: looked
    up, 375 ms). Walking as many rows as the lookup would cost, no more,
    finds such a page for a little, and costs at most the lookup again when
    the piece is truly rare.
    """
    if est is None:
        return 0
    lookup = _lookup_cost(est, lookup_cost)
    return math.ceil(lookup) if lookup > 2 * window else 0


def _window_search(qs, piece, ordering, limit, window) -> list:
    """Filter the first `window` rows of `qs` in list order; at most `limit` rows.

    The window reads the sort's columns, the id and the search column only,
    which an index holding them all serves without reading the rows
    (textsearch.indexes.walked_index); the rows found are then read by id.
    """
    if connection.vendor == "sqlite":
        bounded = _bounded_walk(qs, piece, ordering, limit, window)
        if bounded is not None:
            return bounded
    columns = ["id", *(field.lstrip("-") for field in ordering), "search_text"]
    window_rows = qs.order_by(*ordering).values(*dict.fromkeys(columns))[:window]
    inner_sql, inner_params = window_rows.query.sql_with_params()
    table = connection.ops.quote_name(qs.model._meta.db_table)
    sql = (
        f"SELECT t.* FROM (SELECT w.id FROM ({inner_sql}) w "
        f"WHERE w.search_text LIKE %s ESCAPE '\\' "
        f"ORDER BY {_order_sql(qs, ordering, 'w')} LIMIT {int(limit)}) m "
        f"JOIN {table} t ON t.id = m.id ORDER BY {_order_sql(qs, ordering, 't')}"
    )
    return list(qs.model.objects.raw(sql, [*inner_params, like_pattern(piece)]))


def _bounded_walk(qs, piece, ordering, limit, window) -> list | None:
    """SQLite: the first `limit` rows holding `piece` among the first `window`
    of `qs` in list order, read in that order from the list's index up to the
    window's last row, which its index tells first: the walk stops at `limit`.
    SQLite sorts a window's rows again before it keeps the first that hold the
    piece, so the window above reads them all (13,100 companies for `l.com` at
    100k customers, 35 ms). None when a sort value of the window's last row is
    NULL, which a row value cannot bound."""
    fields = [field.lstrip("-") for field in ordering]
    ordered = qs.order_by(*ordering)
    last = list(ordered.values_list(*fields)[window - 1 : window])
    holding = ordered.filter(search_text__contains=piece)
    if not last:
        return list(holding[:limit])
    if None in last[0]:
        return None
    columns = [qs.model._meta.get_field(field) for field in fields]
    quote = connection.ops.quote_name
    table = quote(qs.model._meta.db_table)
    names = ", ".join(f"{table}.{quote(column.column)}" for column in columns)
    within = ">=" if ordering[0].startswith("-") else "<="
    values = [
        column.get_db_prep_value(value, connection)
        for column, value in zip(columns, last[0], strict=True)
    ]
    marks = ", ".join(["%s"] * len(values))
    bound = RawSQL(  # noqa: S611 - parameters bound
        f"({names}) {within} ({marks})", values, output_field=BooleanField()
    )
    return list(holding.filter(bound)[:limit])


def _holding(qs: QuerySet, piece: str) -> QuerySet:
    """PostgreSQL: `qs` narrowed to rows holding `piece`, the trigram index
    asked for the key of its first INDEXED_CHARS characters."""
    key_sql, key_params = _key_condition(qs.model, piece)
    by_key = RawSQL(key_sql, key_params, output_field=BooleanField())  # noqa: S611
    return qs.filter(by_key, search_text__contains=piece).order_by()


def _key_condition(model, piece: str) -> tuple[str, list]:
    """PostgreSQL: the condition its trigram index serves, on the search key."""
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote('search_text')}"
    return f"{search_key_sql(column)} LIKE %s ESCAPE '\\'", [_key_pattern(model, piece)]


def _key_pattern(model, piece: str) -> str:
    """PostgreSQL: the LIKE pattern its trigram index is asked, on the key:
    the parts of the key of the piece's first INDEXED_CHARS characters the
    table's sample finds cheapest to look up (the whole key without a sample)."""
    head = piece[:INDEXED_CHARS]
    kept = cached_sample(model._meta.db_table)
    segments = kept.key_segments(head)[0] if kept else [search_key(head)]
    return "%" + "%".join(like_pattern(part)[1:-1] for part in segments) + "%"


def _holders_sql(
    qs: QuerySet, piece: str, est: Estimate | None, keyed: tuple[str, ...] | None
):
    """PostgreSQL: a SELECT of every column of the rows of `qs` holding `piece`.
    `keyed`: the filter columns of the table's key table, when it has one."""
    equalities = _keyed(qs, piece, keyed) if est is not None and est.keyed else None
    if equalities is not None:
        # The holders' ids from the key table, which checks the piece and the
        # filters on its narrow rows; the rows of those alone are read.
        where, params = _keys_where(qs.model, piece, equalities, by_pairs=True)
        table = connection.ops.quote_name(qs.model._meta.db_table)
        in_keys = RawSQL(  # noqa: S611 - parameters bound
            f"{table}.id = ANY(ARRAY(SELECT k.id FROM "
            f"{key_table(qs.model._meta.db_table)} k WHERE {where}))",
            params,
            output_field=BooleanField(),
        )
        return qs.filter(in_keys).order_by().query.sql_with_params()
    where = _where_sql(qs)
    if (
        est is None
        or est.anded
        or not where
        or not where[0]
        or est.rows <= est.holders
        or est.matches <= ANDED_SHARE * est.holders
    ):
        # No filters, or the key index ANDs them with the piece
        # (type=individual, 'tac': 1,192 of 102,000 holders, 250 ms -> 15 ms),
        # or they select fewer rows than hold the piece, or few enough that
        # their index is worth ANDing with the trigram index (status=suspended,
        # 3 %: 'sso' 70 ms -> 15 ms): one scan, which the planner may start
        # from a filter's index.
        return _holding(qs, piece).query.sql_with_params()
    # The piece is the narrower and the filters select much of the table:
    # its holders through the trigram index alone, the filters checked on
    # each (IS TRUE hides them from the planner, which would otherwise AND in
    # a filter's index: 400,000 entries for type=individual, 70 ms).
    filters, params = where
    checked = RawSQL(  # noqa: S611 - parameters bound
        f"({filters}) IS TRUE", params, output_field=BooleanField()
    )
    holders = _holding(qs.model._base_manager.filter(checked), piece)
    return holders.query.sql_with_params()


def _indexed_search(qs, piece, ordering, limit, est, keyed) -> list:
    """Every holder through the trigram index, filtered and sorted; at most
    `limit` rows, each with how many were found (TOTAL)."""
    order = _order_sql(qs, ordering, "f")
    if connection.vendor == "postgresql":
        # MATERIALIZED keeps the planner from walking the sort index instead.
        found, params = _holders_sql(qs, piece, est, keyed)
        sql = (
            f"WITH f AS MATERIALIZED ({found}) "
            f"SELECT *, COUNT(*) OVER () AS {TOTAL} FROM f "
            f"ORDER BY {order} LIMIT {int(limit)}"
        )
        return list(qs.model.objects.raw(sql, list(params)))
    matches, match_params = _matches_sql(qs.model, piece)
    filtered, filtered_params = qs.order_by().query.sql_with_params()
    # The FTS5 table first (CROSS JOIN fixes SQLite's join order): each match
    # is then one lookup by rowid.
    sql = (
        f"WITH m AS ({matches}) "
        f"SELECT f.*, COUNT(*) OVER () AS {TOTAL} "
        f"FROM m CROSS JOIN ({filtered}) f ON f.id = m.id "
        f"ORDER BY {order} LIMIT {int(limit)}"
    )
    return list(qs.model.objects.raw(sql, [*match_params, *filtered_params]))


def search_page(
    qs: QuerySet,
    q: str,
    ordering: tuple[str, ...],
    limit: int,
    count_up_to: int | None = None,
    indexed: tuple[str, ...] = (),
    key_table: bool = False,
    gram_counts: bool = False,
    key_sorts: tuple[str, ...] = (),
) -> SearchPage:
    """Rows of `qs` whose search_text contains folded `q`, in `ordering`, at most
    `limit` of them. Three queries at most: the estimate, a walk, a lookup; a
    lookup also tells how many rows hold the piece (`total`).

    With `count_up_to`, a walk that fills the page is followed by a count of
    the holders up to that many, sharing the estimate (`total`). `indexed`:
    the columns the key index holds beside the key (PostgreSQL), whose
    equality filters it ANDs with the piece; `key_table`: the table has a key
    table holding the same (textsearch.key_tables), where the count is taken;
    `gram_counts`: the table's runs of three to five characters are counted
    per value of the same columns (textsearch.gram_counts), which answer such
    a piece's count at once. `key_sorts`: the columns the key table carries,
    by which it sorts the holders of a lookup in that order itself.
    """
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
    keyed = indexed if key_table else None
    counted = _counted(qs, piece, indexed if gram_counts else None)
    key_equalities = _keyed(qs, piece, keyed)
    est = estimate(qs, piece, indexed, keyed=key_equalities is not None)
    cost = LOOKUP_COST.get(connection.vendor, 1.0)
    looked_up = est
    sorted_keys = key_equalities if _sorts_in_keys(ordering, key_sorts) else None
    if sorted_keys is not None and est is not None:
        # The key table's index ANDs the filters; only its rows are read.
        looked_up = replace(est, found=est.holders, anded=True)
        cost = KEYED_SORT_COST
    # A count the counted runs answer costs the walk nothing.
    owed = count_up_to if counted is None else None
    window = walk_window(looked_up, limit, cost, owed)
    if window:
        rows = _window_search(qs, piece, ordering, limit, window)
        if len(rows) < limit and (further := further_window(looked_up, window, cost)):
            rows = _window_search(qs, piece, ordering, limit, further)
        if len(rows) >= limit:
            if count_up_to is None:
                return SearchPage(rows)
            total = _holders_up_to(qs, piece, count_up_to, est, keyed, counted)
            return SearchPage(rows, total=total)
    if sorted_keys is not None:
        rows = _keyed_sorted_search(qs, piece, ordering, limit, sorted_keys)
    else:
        rows = _indexed_search(qs, piece, ordering, limit, est, keyed)
    return SearchPage(rows, total=getattr(rows[0], TOTAL) if rows else 0)


def _sorts_in_keys(ordering: tuple[str, ...], key_sorts: tuple[str, ...]) -> bool:
    """Whether the key table carries every field of `ordering` (or it is the id)."""
    fields = {field.lstrip("-") for field in ordering}
    return bool(key_sorts) and fields <= {"id", *key_sorts}


def _keyed_sorted_search(qs, piece, ordering, limit, equalities) -> list:
    """PostgreSQL: the holders of `piece` equal to `equalities` found in the
    key table and sorted there; the rows of the first `limit` alone read from
    the table, each with how many were found (TOTAL)."""
    where, params = _keys_where(qs.model, piece, equalities, by_pairs=True)
    quote = connection.ops.quote_name
    table = qs.model._meta.db_table
    columns = dict.fromkeys(
        ["id", *(qs.model._meta.get_field(f.lstrip("-")).column for f in ordering)]
    )
    on_page = RawSQL(  # noqa: S611 - no parameters
        f"{quote(table)}.id = ANY(ARRAY(SELECT id FROM p))",
        [],
        output_field=BooleanField(),
    )
    rows, row_params = qs.filter(on_page).order_by().query.sql_with_params()
    sql = (
        f"WITH k AS MATERIALIZED (SELECT {', '.join(f'k.{quote(c)}' for c in columns)} "
        f"FROM {key_table(table)} k WHERE {where}), "
        f"p AS (SELECT k.id FROM k ORDER BY {_order_sql(qs, ordering, 'k')} "
        f"LIMIT {int(limit)}) "
        f"SELECT f.*, (SELECT COUNT(*) FROM k) AS {TOTAL} FROM ({rows}) f "
        f"ORDER BY {_order_sql(qs, ordering, 'f')}"
    )
    return list(qs.model.objects.raw(sql, [*params, *row_params]))


def _matches_sql(model, piece: str) -> tuple[str, list]:
    """SQL for the ids whose search_text contains `piece`, through the trigram index."""
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        key_sql, key_params = _key_condition(model, piece)
        sql = (
            f"SELECT id FROM {table} WHERE {key_sql} "
            f"AND search_text LIKE %s ESCAPE '\\'"
        )
        return sql, [*key_params, like_pattern(piece)]
    fts = fts_table(table)
    phrase = '"' + piece.replace('"', '""') + '"'
    return f"SELECT rowid AS id FROM {fts} WHERE {fts} MATCH %s", [phrase]


def search_count(
    qs: QuerySet,
    q: str,
    cap: int,
    ordering: tuple[str, ...] = ("-id",),
    indexed: tuple[str, ...] = (),
    key_table: bool = False,
    gram_counts: bool = False,
) -> tuple[int, bool]:
    """How many rows of `qs` match `q`, counted up to `cap`; and whether exact.

    Short pieces are counted within the bounded window of `ordering` their
    search walks (pass the list's ordering so both look at the same rows).
    """
    piece = fold(q)
    if len(piece) < MIN_INDEXED:
        window = qs.order_by(*ordering).values("search_text")[:SHORT_WINDOW]
        inner_sql, params = window.query.sql_with_params()
        sql = (
            f"SELECT COUNT(*) FROM (SELECT 1 FROM ({inner_sql}) w "
            f"WHERE w.search_text LIKE %s ESCAPE '\\' LIMIT {int(cap) + 1}) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, like_pattern(piece)])
            counted = cursor.fetchone()[0]
        beyond = qs.order_by(*ordering)[SHORT_WINDOW : SHORT_WINDOW + 1].exists()
        return min(counted, cap), counted <= cap and not beyond
    if (
        equalities := _counted(qs, piece, indexed if gram_counts else None)
    ) is not None:
        counted = _count_grams(qs.model, piece, equalities, cap + 1)
        return min(counted, cap), counted <= cap
    keyed = indexed if key_table else None
    est = estimate(qs, piece, indexed, keyed=_keyed(qs, piece, keyed) is not None)
    counted = _holders_up_to(qs, piece, cap + 1, est, keyed)
    return min(counted, cap), counted <= cap


def _counted(qs: QuerySet, piece: str, columns: tuple[str, ...] | None):
    """The equalities of `qs`'s filters when the table's counts of its runs
    answer how many rows hold `piece` (PostgreSQL, a piece as long as the runs
    counted, every filter an equality on their `columns`); else None."""
    if (
        columns is None
        or connection.vendor != "postgresql"
        or not counts_runs_of(piece)
    ):
        return None
    return _equalities(qs, columns)


def _count_grams(model, piece: str, equalities, up_to: int) -> int:
    """Rows holding `piece` (as long as a run counted) and equal to
    `equalities`, up to `up_to`, from the table's counts (textsearch.gram_counts)."""
    quote = connection.ops.quote_name
    where = ["gram = %s", *(f"{quote(column)} = %s" for column, _ in equalities)]
    sql = (
        f"SELECT COALESCE(SUM(holders), 0) FROM {gram_table(model._meta.db_table)} "
        f"WHERE {' AND '.join(where)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [piece, *(value for _, value in equalities)])
        return min(cursor.fetchone()[0], up_to)


def _holders_up_to(
    qs: QuerySet,
    piece: str,
    up_to: int,
    est,
    keyed: tuple[str, ...] | None = None,
    counted=None,
) -> int:
    """Rows of `qs` holding `piece`, counted up to `up_to`; `up_to` without
    counting when the sample puts them well above it. `keyed`: the filter
    columns of the table's key table, when it has one (PostgreSQL); `counted`:
    the equalities the table's counts of short runs answer for (`_counted`)."""
    if est is not None and _counts_beyond(est, up_to):
        return up_to
    if counted is not None:
        return _count_grams(qs.model, piece, counted, up_to)
    equalities = _keyed(qs, piece, keyed)
    if equalities is not None:
        by_pairs = est is not None and est.keyed
        return _count_keys(qs.model, piece, equalities, up_to, by_pairs)
    return _count_holders(qs, piece, up_to, est)


def _count_keys(model, piece: str, equalities, up_to: int, by_pairs: bool) -> int:
    """Rows holding `piece` and equal to `equalities`, counted up to `up_to`
    in the table's key table (textsearch.key_tables). `piece` holds no key
    letter."""
    where, params = _keys_where(model, piece, equalities, by_pairs)
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {key_table(model._meta.db_table)} k "
        f"WHERE {where} LIMIT {int(up_to)}) c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _keys_where(model, piece: str, equalities, by_pairs: bool) -> tuple[str, list]:
    """The condition on the key table `k` of the rows holding `piece` and
    equal to `equalities`: a key holds the piece's key exactly when its text
    holds the piece, unless the text holds a key letter itself (`odd`,
    checked instead). The index is asked for the key of the piece's first
    INDEXED_CHARS characters: `by_pairs`, its runs of four letters (a piece of
    four or more whose trigrams the sample finds a poor way in, as a lookup
    judges it: `Estimate.keyed`), else its trigrams. `piece` holds no key
    letter."""
    key = search_key(piece)
    quote = connection.ops.quote_name
    where = [f"k.{quote(column)} = %s" for column, _ in equalities]
    params = [value for _, value in equalities]
    pairs = key_pairs(search_key(piece[:INDEXED_CHARS]))
    if by_pairs and len(pairs) >= 3:
        where.append("k.pairs LIKE %s ESCAPE '\\'")
        params.append(like_pattern(pairs))
    else:
        where.append("k.key LIKE %s ESCAPE '\\'")
        params.append(_key_pattern(model, piece))
    if params[-1] != like_pattern(key):
        # The index was asked for parts of the key, or for its head alone.
        where.append("strpos(k.key, %s) > 0")
        params.append(key)
    where.append("(k.odd IS NULL OR strpos(k.odd, %s) > 0)")
    params.append(piece)
    return " AND ".join(where), params


def _keyed(qs: QuerySet, piece: str, keyed: tuple[str, ...] | None):
    """The equalities of `qs`'s filters when its key table can find the
    holders of `piece` (PostgreSQL, every filter an equality on its columns,
    no key letter in the piece); else None."""
    if keyed is None or connection.vendor != "postgresql" or KEY_LETTERS.search(piece):
        return None
    return _equalities(qs, keyed)


def _counts_beyond(est: Estimate, up_to: int) -> bool:
    """Whether the sample puts the matches above `up_to` - 1 by CAP_DEVIATIONS
    of its own error at least: "cap+"."""
    if est.exact or est.met < 1:
        return False
    least = est.matches * (1 - CAP_DEVIATIONS / math.sqrt(est.met))
    return least >= up_to - 1


def _count_holders(qs: QuerySet, piece: str, up_to: int, est) -> int:
    """Rows of `qs` holding `piece`, counted up to `up_to` through the trigram index."""
    if connection.vendor == "postgresql":
        found, params = _holders_sql(qs, piece, est, None)
        sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM ({found}) f LIMIT {int(up_to)}) c"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    matches, match_params = _matches_sql(qs.model, piece)
    filtered, filtered_params = qs.order_by().values("id").query.sql_with_params()
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM ({matches}) m "
        f"CROSS JOIN ({filtered}) f ON f.id = m.id LIMIT {int(up_to)}) c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*match_params, *filtered_params])
        return cursor.fetchone()[0]


def search_filter(qs: QuerySet, q: str) -> QuerySet:
    """`qs` narrowed to every row whose folded search_text contains folded `q`:
    no page, no window (an export's rows).

    Pieces of three characters or more go through the trigram index; shorter
    ones scan, which an export of the whole table does anyway.
    """
    piece = fold(q)
    if not piece:
        return qs
    if len(piece) >= MIN_INDEXED:
        sql, params = _matches_sql(qs.model, piece)
        return qs.filter(id__in=RawSQL(sql, params))  # noqa: S611 - parameters bound
    return qs.filter(search_text__contains=piece)


@dataclass(frozen=True)
class TrigramSearch:
    """The search of a list whose rows keep a folded `search_text` column: the
    plan above, as the list engine asks for it (web.query.Search).
    `indexed`: the columns the table's key index holds beside the key
    (textsearch.indexes.filtered_key_index); `key_table`: whether the table has
    a key table holding them too (textsearch.key_tables); `gram_counts`: whether
    its short runs are counted per value of them (textsearch.gram_counts)."""

    indexed: tuple[str, ...] = ()
    key_table: bool = False
    gram_counts: bool = False
    # The columns the key table carries (textsearch.key_tables), which sort
    # a lookup's holders there.
    key_sorts: tuple[str, ...] = ()
    partial_note: str = (
        f"among the first {SHORT_WINDOW:,} in this order; type three or more "
        "characters to search them all"
    )

    def page(self, qs, q, ordering, limit, count_up_to) -> SearchPage:
        return search_page(
            qs,
            q,
            ordering,
            limit,
            count_up_to,
            self.indexed,
            self.key_table,
            self.gram_counts,
            self.key_sorts,
        )

    def count(self, qs, q, cap, ordering) -> tuple[int, bool]:
        return search_count(
            qs, q, cap, ordering, self.indexed, self.key_table, self.gram_counts
        )

    def matching_all(self, qs: QuerySet, q: str) -> QuerySet:
        return search_filter(qs, q)

    def read_ahead(self, model) -> None:
        read_ahead(model._meta.db_table, self.indexed)


TRIGRAM_SEARCH = TrigramSearch()
