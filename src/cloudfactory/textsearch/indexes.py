"""Trigram indexes on a folded search column, one kind per database.

PostgreSQL: a pg_trgm GIN index, which serves `LIKE '%piece%'`. pg_trgm makes
trigrams of each word's letters and digits only, so a piece around a separator
("o@a", "r.m", "e ta") gives it only the start of the next word ("  a": every
row with a word starting with a), and a lookup rechecks most of the table. The
index is therefore built on the column's key (`search_key`), where each usual
separator is spelled as one letter no text is expected to hold ("o@a" ->
"oɑa"), so the trigrams across it keep a character of each side ("e ta": "eɐt",
"ɐta") and every character of a piece narrows the lookup; the piece itself is
then checked on the column.
SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step by
triggers, which serves `MATCH` and `LIKE` on pieces of three characters or more.
"""

from django.db import migrations, models

# How the key spells each separator: one letter each (IPA letters, which pg_trgm
# takes for letters under a UTF-8 locale). A piece is in a text only if its key
# is in the text's key (the spelling goes character by character), so a lookup
# by key misses no row; a text holding these letters may be found for a piece
# that it does not hold, and is rechecked.
SPELLED = {
    " ": "ɐ",
    "@": "ɑ",
    ".": "ɒ",
    "-": "ɓ",
    "_": "ɔ",
    "'": "ɕ",
    ",": "ɖ",
    "&": "ɗ",
    "+": "ɘ",
    "/": "ə",
}
_SPELLING = str.maketrans(SPELLED)


def search_key(text: str) -> str:
    """`text` with its separators spelled in letters: "o@a.b" -> "oɑaɒb"."""
    return text.translate(_SPELLING)


def search_key_sql(column: str) -> str:
    """PostgreSQL: the SQL of `column`'s key, as its index is built on it.

    Nested `replace()` calls, one per separator: every recheck of a lookup
    computes the key, and `translate()` with letters of two bytes costs
    about 2.7 µs a row where the ten replacements cost 0.9 (docs/decisions.md).
    """
    key = column
    for separator, letter in SPELLED.items():
        quoted = separator.replace("'", "''")
        key = f"replace({key}, '{quoted}', '{letter}')"
    return key


def fts_table(table: str) -> str:
    return f"{table}_fts"


def sqlite_trigger_sql(table: str, column: str) -> list[str]:
    fts = fts_table(table)
    forget_old = (
        f"INSERT INTO {fts}({fts}, rowid, {column}) "
        f"VALUES ('delete', old.id, old.{column}); "
    )
    return [
        f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN "
        f"{forget_old}END",
        f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {column} ON {table} BEGIN "
        f"{forget_old}"
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    ]


def sqlite_drop_trigger_sql(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_fts_{op}"
        for op in ("insert", "delete", "update")
    ]


def sqlite_rebuild_sql(table: str) -> str:
    fts = fts_table(table)
    return f"INSERT INTO {fts}({fts}) VALUES ('rebuild')"


def _create(table: str, column: str):
    def forwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm "
                f"ON {table} USING gin ({column} gin_trgm_ops)"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE {fts_table(table)} USING fts5("
                f"{column}, content='{table}', content_rowid='id', tokenize='trigram')"
            )
            for sql in sqlite_trigger_sql(table, column):
                schema_editor.execute(sql)
            schema_editor.execute(sqlite_rebuild_sql(table))

    return forwards


def _drop(table: str, column: str):
    def backwards(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
        elif vendor == "sqlite":
            for sql in sqlite_drop_trigger_sql(table):
                schema_editor.execute(sql)
            schema_editor.execute(f"DROP TABLE IF EXISTS {fts_table(table)}")

    return backwards


def trigram_index(table: str, column: str = "search_text") -> migrations.RunPython:
    """A migration operation that creates the trigram index this database supports."""
    return migrations.RunPython(_create(table, column), _drop(table, column))


def _key_index(table: str, column: str) -> str:
    return (
        f"CREATE INDEX IF NOT EXISTS {table}_search_key_trgm "
        f"ON {table} USING gin (({search_key_sql(column)}) gin_trgm_ops)"
    )


def key_trigram_index(table: str, column: str = "search_text") -> migrations.RunPython:
    """A migration operation that moves PostgreSQL's trigram index from the
    column to its key (SQLite's FTS5 table already indexes every character)."""

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_key_index(table, column))
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            _create(table, column)(apps, schema_editor)
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_key_trgm")

    return migrations.RunPython(forwards, backwards)


def _replace_index(schema_editor, name: str, definition: str) -> None:
    """PostgreSQL: the index `name` rebuilt as `CREATE INDEX name <definition>`
    beside the old one, CONCURRENTLY (writes go on; the migration must not be
    atomic), then put in its place."""
    built = f"{name}_new"
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {built}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {built} {definition}")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    schema_editor.execute(f"ALTER INDEX {built} RENAME TO {name}")


def _rebuild_key_index(
    schema_editor, table: str, column: str, filters: tuple[str, ...] = ()
) -> None:
    """PostgreSQL: the key index rebuilt beside the old one (`_replace_index`),
    on `filters` (btree_gin) and the key, then the table analyzed: without
    statistics of the new expression the planner guesses a fifth of the table
    for any piece, and plans a parallel scan with JIT compilation (30 ms) for
    two rows."""
    if schema_editor.connection.vendor != "postgresql":
        return
    if filters:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    indexed = ", ".join([*filters, f"({search_key_sql(column)}) gin_trgm_ops"])
    _replace_index(
        schema_editor, f"{table}_search_key_trgm", f"ON {table} USING gin ({indexed})"
    )
    schema_editor.execute(f"ANALYZE {table}")


def respelled_key_index(table: str, column: str = "search_text") -> list:
    """Migration operations that rebuild PostgreSQL's key index after the key's
    spelling changed, without locking the table's writes (CONCURRENTLY: the
    migration must not be atomic)."""

    def forwards(apps, schema_editor):
        _rebuild_key_index(schema_editor, table, column)

    return [migrations.RunPython(forwards, migrations.RunPython.noop)]


def filtered_key_index(
    table: str, filters: tuple[str, ...], column: str = "search_text"
) -> list:
    """Migration operations that rebuild PostgreSQL's key index to hold the
    list's filter columns too, so a filter and a piece are ANDed inside one
    index: the rows a lookup fetches are the holders the filters keep, not
    every holder. The key alone is looked up as before (a GIN index serves
    any of its columns). Built CONCURRENTLY: the migration must not be
    atomic."""

    def rebuild(columns: tuple[str, ...]):
        def run(apps, schema_editor):
            _rebuild_key_index(schema_editor, table, column, columns)

        return run

    return [migrations.RunPython(rebuild(filters), rebuild(()))]


def walked_index(
    model_name: str, table: str, name: str
) -> migrations.SeparateDatabaseAndState:
    """A migration operation that rebuilds the index `name` on `(created_at,
    id)`, the order a search walks by default, as one that also holds the
    search column (INCLUDE, PostgreSQL), so the walk reads the index alone:
    about a hundred rows a page instead of a page a row. Built CONCURRENTLY
    beside the old one, which it then replaces: the migration must not be
    atomic. SQLite keeps its index: it has no INCLUDE (Django builds the same
    index there without it)."""
    fields = ["created_at", "id"]

    def rebuild(include: str):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor != "postgresql":
                return
            _replace_index(
                schema_editor, name, f"ON {table} ({', '.join(fields)}){include}"
            )

        return run

    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunPython(rebuild(" INCLUDE (search_text)"), rebuild(""))
        ],
        state_operations=[
            migrations.RemoveIndex(model_name=model_name, name=name),
            migrations.AddIndex(
                model_name=model_name,
                index=models.Index(fields=fields, include=["search_text"], name=name),
            ),
        ],
    )
