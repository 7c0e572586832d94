"""PostgreSQL: a narrow copy of a searched table, for counting its holders.

Counting the holders of a piece reads each one's row to check it: on a wide
table (customers: 320 bytes a row, the search column its last) that is 3 to
5 µs a holder, 30 to 50 ms for the 10,000 a list counts up to. The key table
`<table>_key` holds, per row, the id, the list's filter columns, the search
key already spelled (`indexes.search_key_sql`, computed once per write instead
of once per row checked) and, for the rare text that holds one of the key's
letters itself, the text (`odd`); its own trigram index is on the filters and
the key. The same counts read 120 bytes a row and take about half the time
(docs/decisions.md). It may also carry columns to sort by (`carried`, after
the key columns, not indexed): a lookup then sorts its holders there and reads
the table's rows of one page alone.

A row's key holds a piece's key exactly when its text holds the piece, unless
the text holds a key letter itself: then `odd` is checked instead.

The index also holds the key's pairs (`pairs`): each two neighbouring letters
of the key spelled as one, so that its trigrams are the key's runs of four. A
piece of four letters or more is asked for those, which are far rarer than
its trigrams: 'illin' (1,063 of 4.7M tenant users) read three posting lists of
220,000-270,000 trigram entries (20 ms) and rechecked 4,667 rows; its runs of
four read a few thousand (docs/decisions.md).

Triggers keep it in step with the table: every insert, every update that
changes the text or a filter, every delete, and a truncate. A bulk load pauses
them and refills the table once (`paused_sql`, `refill`). The update trigger
fires only when the text, a filter or the id changed: the counters written on
every order or invoice do not wake it.
"""

import re

from django.db import migrations

from cloudfactory.textsearch import synced_tables
from cloudfactory.textsearch.indexes import SPELLED, search_key_sql

KEY_LETTERS = re.compile("[" + "".join(SPELLED.values()) + "]")

# A pair of letters (a, b) is spelled chr(PAIR_BASE + PAIR_SPAN * (ord(a) % PAIR_SPAN)
# + ord(b) % PAIR_SPAN): a CJK ideograph, which pg_trgm takes for a letter. The
# span keeps the letters a key is mostly made of (a-z, 0-9, the spelled
# separators) apart; other letters share their spelling with some of them,
# which finds a few more rows to check, never fewer.
PAIR_BASE = 0x4E00
PAIR_SPAN = 75
PAIRS_FUNCTION = "search_key_pairs"


def key_pairs(key: str) -> str:
    """`key` with each two neighbouring letters spelled as one (the SQL
    function PAIRS_FUNCTION does the same): its trigrams are `key`'s runs of
    four letters."""
    return "".join(
        chr(PAIR_BASE + PAIR_SPAN * (ord(a) % PAIR_SPAN) + ord(b) % PAIR_SPAN)
        for a, b in zip(key, key[1:], strict=False)
    )


PAIRS_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {PAIRS_FUNCTION}(key text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    letters int[] := array(
        SELECT mod(ascii(letter), {PAIR_SPAN})
        FROM unnest(string_to_array(key, NULL)) letter
    );
BEGIN
    RETURN array_to_string(array(
        SELECT chr({PAIR_BASE} + {PAIR_SPAN} * letters[i] + letters[i + 1])
        FROM generate_series(1, cardinality(letters) - 1) i
    ), '');
END
$$
"""


KEY_SUFFIX = "_key"


def key_table(table: str) -> str:
    return table + KEY_SUFFIX


def _key_index(table: str, filters: tuple[str, ...]) -> str:
    indexed = ", ".join([*filters, "key gin_trgm_ops", "pairs gin_trgm_ops"])
    keys = key_table(table)
    return f"CREATE INDEX {keys}_trgm ON {keys} USING gin ({indexed})"


def _row_values(
    alias: str, filters: tuple[str, ...], column: str, carried: tuple[str, ...]
) -> str:
    """The key table's columns computed from a row of the table."""
    text = f"{alias}.{column}"
    key = search_key_sql(text)
    return ", ".join(
        [
            f"{alias}.id",
            *(f"{alias}.{name}" for name in filters),
            key,
            f"{PAIRS_FUNCTION}({key})",
            f"CASE WHEN {text} ~ '{KEY_LETTERS.pattern}' THEN {text} END",
            *(f"{alias}.{name}" for name in carried),
        ]
    )


_KEY_COLUMNS = ("key", "pairs", "odd")


def _columns(filters: tuple[str, ...], carried: tuple[str, ...] = ()) -> str:
    return ", ".join(["id", *filters, *_KEY_COLUMNS, *carried])


def create_sql(
    table: str, filters: tuple[str, ...], column: str, carried: tuple[str, ...] = ()
) -> list[str]:
    """The key table, its triggers, its rows and its index. `carried`: columns
    of the table it keeps beside the key, after it, unindexed: a lookup sorts
    its holders by them there and reads the rows of one page alone."""
    keys = key_table(table)
    sync = synced_tables.sync_function(keys)
    updated = ", ".join(
        f"{name} = EXCLUDED.{name}" for name in [*filters, *_KEY_COLUMNS, *carried]
    )
    changed = " OR ".join(
        f"OLD.{name} IS DISTINCT FROM NEW.{name}"
        for name in ["id", column, *filters, *carried]
    )
    key_columns = [f"NULL::text AS {name}" for name in _KEY_COLUMNS]
    return [
        "CREATE EXTENSION IF NOT EXISTS btree_gin",
        PAIRS_FUNCTION_SQL,
        # The types of the columns taken from the table, as it has them.
        f"CREATE TABLE {keys} AS SELECT "
        f"{', '.join(['id', *filters, *key_columns, *carried])} "
        f"FROM {table} WITH NO DATA",
        f"ALTER TABLE {keys} ADD PRIMARY KEY (id), "
        "ALTER COLUMN key SET NOT NULL, ALTER COLUMN pairs SET NOT NULL",
        f"""
        CREATE FUNCTION {sync}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                TRUNCATE {keys};
                RETURN NULL;
            END IF;
            IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
                DELETE FROM {keys} WHERE id = OLD.id;
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO {keys} ({_columns(filters, carried)})
                VALUES ({_row_values("NEW", filters, column, carried)})
                ON CONFLICT (id) DO UPDATE SET {updated};
            END IF;
            RETURN NULL;
        END
        $$
        """,
        *synced_tables.triggers_sql(table, keys, changed),
        *refill_sql(table, filters, column, carried),
    ]


def refill_sql(
    table: str, filters: tuple[str, ...], column: str, carried: tuple[str, ...] = ()
) -> list[str]:
    """The key table emptied and filled from the table in the order of its
    filters, its index built after. A filtered count then reads the pages of
    its filters' rows only: `status=suspended` (a tenth of 1M customers), 'act@'
    rechecked its 10,001 holders on as many pages, 62-96 ms; sorted, 10-15 ms."""
    keys = key_table(table)
    return [
        f"DROP INDEX IF EXISTS {keys}_trgm",
        f"TRUNCATE {keys}",
        f"INSERT INTO {keys} ({_columns(filters, carried)}) "
        f"SELECT {_row_values(table, filters, column, carried)} FROM {table} "
        f"ORDER BY {', '.join([*filters, 'id'])}",
        _key_index(table, filters),
        f"ANALYZE {keys}",
    ]


def drop_sql(table: str) -> list[str]:
    return synced_tables.drop_sql(key_table(table))


def key_table_operation(
    table: str, filters: tuple[str, ...], column: str = "search_text"
) -> migrations.RunPython:
    """A migration operation that creates PostgreSQL's key table of `table`
    (nothing on SQLite, whose FTS5 table is already a narrow copy)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in create_sql(table, filters, column):
                schema_editor.execute(sql)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in drop_sql(table):
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, backwards)


def key_table_rebuild_operation(
    table: str,
    filters: tuple[str, ...],
    column: str = "search_text",
    carried: tuple[str, ...] = (),
) -> migrations.RunPython:
    """A migration operation that builds PostgreSQL's key table of `table`
    again from the table, with the columns and index it has now."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            statements = create_sql(table, filters, column, carried)
            for sql in [*drop_sql(table), *statements]:
                schema_editor.execute(sql)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def key_table_refill_operation(table: str) -> migrations.RunPython:
    """A migration operation that fills PostgreSQL's key table of `table`
    again (`refill`): in its filters' order, which a key table filled before
    that order was kept does not have."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                refill(cursor, table)

    return migrations.RunPython(forwards, migrations.RunPython.noop)


def with_key_tables(cursor, tables: list[str]) -> list[str]:
    """Those of `tables` that have a key table."""
    return synced_tables.tables_with(cursor, tables, KEY_SUFFIX)


def paused_sql(table: str, pause: bool = True) -> str:
    """The key table's triggers disabled (a bulk load; `refill` after it) or
    enabled again."""
    return synced_tables.paused_sql(table, key_table(table), pause)


def refill(cursor, table: str, column: str = "search_text") -> None:
    """The key table filled again from `table` and its triggers enabled: after
    a bulk load that paused them."""
    for sql in refill_statements(cursor, table, column):
        cursor.execute(sql)


def refill_statements(cursor, table: str, column: str = "search_text") -> list[str]:
    """What `refill` runs, in order, for the key table as it is now."""
    names = synced_tables.column_names(cursor, key_table(table))
    filters = tuple(names[1 : names.index(_KEY_COLUMNS[0])])
    carried = tuple(names[names.index(_KEY_COLUMNS[-1]) + 1 :])
    return [
        *refill_sql(table, filters, column, carried),
        paused_sql(table, pause=False),
    ]
