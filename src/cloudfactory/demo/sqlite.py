"""Bulk load into SQLite: executemany INSERTs in one transaction on bare tables.

The tables' secondary indexes and full-text triggers are dropped for the load
(a trigger per row would feed the FTS5 index one row at a time), then the
indexes are recreated and each FTS5 table is rebuilt in one pass. The whole
load is one transaction, so a failure leaves the database as it was.
"""

from collections.abc import Callable, Iterable

from django.db import connection

from cloudfactory.demo.bulk_rows import TABLES
from cloudfactory.demo.chunks import Chunk
from cloudfactory.textsearch.indexes import (
    sqlite_drop_trigger_sql,
    sqlite_rebuild_sql,
    sqlite_trigger_sql,
)

# Tables with a trigram FTS5 table over their search_text column.
SEARCHABLE = ("customers_customer", "users_tenantuser", "support_ticket")


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"


def load_sqlite(
    chunks: Iterable[Chunk],
    on_chunk: Callable[[Chunk], None],
    on_rebuild_start: Callable[[int], None],
    on_rebuild_step: Callable[[], None],
) -> None:
    connection.ensure_connection()
    db = connection.connection  # the sqlite3 connection: no per-row ORM work
    inserts = {table: _insert_sql(table, columns) for table, columns in TABLES.items()}
    tables = ", ".join(f"'{table}'" for table in TABLES)
    indexes = db.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' "
        f"AND tbl_name IN ({tables}) AND sql IS NOT NULL"
    ).fetchall()
    # foreign_keys cannot change inside a transaction; all three are restored below.
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA cache_size = -500000")  # KiB: the index builds sort in memory
    db.execute("BEGIN IMMEDIATE")
    try:
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        for table in SEARCHABLE:
            for sql in sqlite_drop_trigger_sql(table):
                db.execute(sql)
        for chunk in chunks:
            for table, rows in chunk.tables.items():
                db.executemany(inserts[table], rows)
            on_chunk(chunk)
        on_rebuild_start(len(indexes) + len(SEARCHABLE))
        for _, sql in indexes:
            db.execute(sql)
            on_rebuild_step()
        for table in SEARCHABLE:
            db.execute(sqlite_rebuild_sql(table))
            for sql in sqlite_trigger_sql(table, "search_text"):
                db.execute(sql)
            on_rebuild_step()
        # What PostgreSQL's VALIDATE CONSTRAINT does after its load.
        if broken := db.execute("PRAGMA foreign_key_check").fetchone():
            raise RuntimeError(f"Demo rows break a foreign key: {broken}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA cache_size = -2000")
