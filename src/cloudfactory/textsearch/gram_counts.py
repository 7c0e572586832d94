"""PostgreSQL: how many rows of a searched table hold each piece of three to
five characters, per value of the list's filters.

Counting the holders of a piece reads each one's row to check it, 4 to 5 µs a
holder in the key table: the short pieces thousands of customers hold ('nch',
'Phil', 'Brown': 4,000-10,000 of 1M) were counted in most of a keystroke of
40-55 ms. A piece of n characters is held by a row exactly when it is one of
the row's runs of n characters, so the table `<table>_grams` keeps, per run of
three to five and per value of the filters, how many rows hold it: such a
count is one index read (docs/decisions.md).

Triggers keep it in step with the table, as the key table's do (every insert,
every update of the text or a filter, every delete, a truncate); one update
changes all its runs in one statement, in the table's key order, so two
updates never wait on each other's rows crosswise. A bulk load pauses them
and refills the table once (`paused_sql`, `refill`).
"""

from django.db import migrations

from cloudfactory.textsearch import synced_tables

GRAMS_SUFFIX = "_grams"
GRAMS_FUNCTION = "search_grams"
# The lengths of the runs counted: a piece of one of them is counted at once.
SHORTEST, LONGEST = 3, 5
# For the migration's transaction: the counts' grouping kept in memory takes
# half the time of one spilled to disk (1M customers: 75 s against 138).
COUNTING_MEMORY_SQL = "SET LOCAL work_mem = '512MB'"

GRAMS_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {GRAMS_FUNCTION}(text text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT DISTINCT substr(text, i, n)
    FROM generate_series({SHORTEST}, {LONGEST}) n,
        generate_series(1, length(text) - n + 1) i
$$
"""


def counts_runs_of(piece: str) -> bool:
    """Whether `piece` is as long as the runs counted."""
    return SHORTEST <= len(piece) <= LONGEST


def gram_table(table: str) -> str:
    return table + GRAMS_SUFFIX


def _changes(row: str, filters: tuple[str, ...], column: str, sign: int) -> str:
    """The runs of `row`'s text, each with `row`'s filters and `sign`."""
    values = ", ".join(f"{row}.{name}" for name in filters)
    return (
        f"SELECT gram, {values}, {sign} AS holders "
        f"FROM {GRAMS_FUNCTION}({row}.{column}) gram"
    )


def _apply(grams: str, filters: tuple[str, ...], changes: list[str]) -> str:
    """An INSERT adding `changes` (SELECTs of gram, filters, holders) to the
    counts, in key order."""
    key = ", ".join(["gram", *filters])
    return (
        f"INSERT INTO {grams} ({key}, holders) "
        f"SELECT {key}, SUM(holders) FROM ({' UNION ALL '.join(changes)}) c "
        f"GROUP BY {key} HAVING SUM(holders) <> 0 ORDER BY {key} "
        f"ON CONFLICT ({key}) DO UPDATE "
        f"SET holders = {grams}.holders + EXCLUDED.holders"
    )


def create_sql(table: str, filters: tuple[str, ...], column: str) -> list[str]:
    """The counts' table, its triggers and its rows."""
    grams = gram_table(table)
    sync = synced_tables.sync_function(grams)
    changed = " OR ".join(
        f"OLD.{name} IS DISTINCT FROM NEW.{name}" for name in [column, *filters]
    )
    added = _apply(grams, filters, [_changes("NEW", filters, column, 1)])
    removed = _apply(grams, filters, [_changes("OLD", filters, column, -1)])
    moved = _apply(
        grams,
        filters,
        [_changes("OLD", filters, column, -1), _changes("NEW", filters, column, 1)],
    )
    return [
        GRAMS_FUNCTION_SQL,
        # The filters' types, as the table has them.
        f"CREATE TABLE {grams} AS SELECT ''::text AS gram, "
        f"{', '.join(filters)}, 0 AS holders FROM {table} WITH NO DATA",
        f"ALTER TABLE {grams} ADD PRIMARY KEY (gram, {', '.join(filters)}), "
        "ALTER COLUMN holders SET NOT NULL",
        f"""
        CREATE FUNCTION {sync}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                TRUNCATE {grams};
            ELSIF TG_OP = 'INSERT' THEN
                {added};
            ELSIF TG_OP = 'DELETE' THEN
                {removed};
            ELSE
                {moved};
            END IF;
            RETURN NULL;
        END
        $$
        """,
        *synced_tables.triggers_sql(table, grams, changed),
        *refill_sql(table, filters, column),
    ]


def refill_sql(table: str, filters: tuple[str, ...], column: str) -> list[str]:
    """The counts emptied and taken again from the table."""
    grams = gram_table(table)
    key = ", ".join(["gram", *filters])
    return [
        f"TRUNCATE {grams}",
        f"INSERT INTO {grams} ({key}, holders) "
        f"SELECT {key}, COUNT(*) FROM {table}, {GRAMS_FUNCTION}({table}.{column}) gram "
        f"GROUP BY {key}",
        f"ANALYZE {grams}",
    ]


def drop_sql(table: str) -> list[str]:
    return synced_tables.drop_sql(gram_table(table))


def gram_counts_operation(
    table: str, filters: tuple[str, ...], column: str = "search_text"
) -> migrations.RunPython:
    """A migration operation that creates PostgreSQL's counts of `table`'s
    short runs (nothing on SQLite)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(COUNTING_MEMORY_SQL)
            for sql in create_sql(table, filters, column):
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in drop_sql(table):
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def with_gram_counts(cursor, tables: list[str]) -> list[str]:
    """Those of `tables` whose short runs are counted."""
    return synced_tables.tables_with(cursor, tables, GRAMS_SUFFIX)


def paused_sql(table: str, pause: bool = True) -> str:
    """The counts' triggers disabled (a bulk load; `refill` after it) or
    enabled again."""
    return synced_tables.paused_sql(table, gram_table(table), pause)


def refill(cursor, table: str, column: str = "search_text") -> None:
    """The counts taken again from `table` and their triggers enabled: after
    a bulk load that paused them."""
    for sql in refill_statements(cursor, table, column):
        cursor.execute(sql)


def refill_statements(cursor, table: str, column: str = "search_text") -> list[str]:
    """What `refill` runs, in order, for the counts' table as it is now."""
    names = synced_tables.column_names(cursor, gram_table(table))
    filters = tuple(name for name in names if name not in ("gram", "holders"))
    return [*refill_sql(table, filters, column), paused_sql(table, pause=False)]
