"""Trigram indexes on a folded search column, one kind per database.

PostgreSQL: a pg_trgm GIN index, which serves `LIKE '%piece%'`.
SQLite: an external-content FTS5 table with the trigram tokenizer, kept in step by
triggers, which serves `MATCH` and `LIKE` on pieces of three characters or more.
"""

from django.db import migrations


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
