"""Bulk load into PostgreSQL: COPY into bare tables, then build their indexes.

An index kept during a load is updated row by row; one built afterwards sorts
once. So the secondary indexes, unique constraints and foreign keys of the
loaded tables are read from the catalogue and dropped, each table is filled by
its own COPY (one connection each, in parallel, FREEZE so nothing rewrites the
pages later), and the indexes are rebuilt two at a time with a large
maintenance_work_mem. Foreign keys come back NOT VALID and are then validated,
which locks less and runs in parallel. If the load fails, the loaded rows are
removed and the schema is restored just the same.
"""

import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import psycopg
from django.db import connection

from cloudfactory.demo.bulk_rows import TABLES
from cloudfactory.demo.chunks import Chunk
from cloudfactory.textsearch import gram_counts, key_tables

# Two builds at a time on two cores: measured at 1M customers, 56 s against 63 s
# with three (and 101 s inside a load that had three).
BUILD_CONNECTIONS = 2
BUILD_SESSION = (
    "SET maintenance_work_mem = '1GB'",
    "SET max_parallel_maintenance_workers = 2",
    # The counts of short runs are grouped in memory (textsearch.gram_counts).
    "SET work_mem = '512MB'",
)
EVENTS = "activity_event"


def _connect() -> psycopg.Connection:
    params = connection.get_connection_params()
    for django_only in ("cursor_factory", "context"):
        params.pop(django_only, None)
    return psycopg.connect(**params, autocommit=True)


@dataclass
class Schema:
    """What is dropped before the load and rebuilt after it."""

    indexes: list[tuple[str, str]]  # (table, CREATE INDEX ...)
    unique_constraints: list[tuple[str, str, str]]  # (table, name, definition)
    foreign_keys: list[tuple[str, str, str]]  # (table, name, definition)


def read_schema(cursor, tables: list[str]) -> Schema:
    cursor.execute(
        """
        SELECT c.conrelid::regclass::text, c.conname, c.contype,
               pg_get_constraintdef(c.oid), c.condeferrable
        FROM pg_constraint c
        WHERE c.contype IN ('u', 'f')
          AND (c.conrelid = ANY(%(tables)s::regclass[])
               OR c.confrelid = ANY(%(tables)s::regclass[]))
        ORDER BY c.conname
        """,
        {"tables": tables},
    )
    constraints = cursor.fetchall()
    # A deferrable unique constraint cannot adopt a prebuilt index.
    unique = [
        (t, name, d) for t, name, kind, d, deferrable in constraints if kind == "u"
    ]
    adopted = {
        name
        for t, name, kind, d, deferrable in constraints
        if kind == "u" and not deferrable
    }
    cursor.execute(
        """
        SELECT i.tablename, i.indexname, i.indexdef
        FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(%(tables)s)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conname = i.indexname AND c.contype = 'p')
        ORDER BY i.tablename, i.indexname
        """,
        {"tables": tables},
    )
    constraint_names = {c[1] for c in constraints}
    indexes = [
        (table, definition)
        for table, name, definition in cursor.fetchall()
        if name in adopted or name not in constraint_names
    ]
    return Schema(
        indexes=indexes,
        unique_constraints=unique,
        foreign_keys=[
            (t, name, d) for t, name, kind, d, _ in constraints if kind == "f"
        ],
    )


def drop_schema(cursor, schema: Schema) -> None:
    for table, name, _ in schema.foreign_keys + schema.unique_constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT IF EXISTS "{name}"')
    for _, definition in schema.indexes:
        cursor.execute(f"DROP INDEX IF EXISTS {_index_name(definition)}")


def _index_name(definition: str) -> str:
    return definition.split(" ON ", 1)[0].split()[-1]


def _run_parallel(
    statements: list[str | tuple[str, ...]],
    workers: int,
    session: Iterable[str] = (),
    on_done: Callable[[], None] = lambda: None,
) -> None:
    """Runs the statements on `workers` connections, in list order (a tuple's
    one after the other on one connection); raises the first failure once
    every worker has stopped."""
    todo: queue.SimpleQueue[str | tuple[str, ...]] = queue.SimpleQueue()
    for statement in statements:
        todo.put(statement)
    errors: list[BaseException] = []

    def work():
        try:
            with _connect() as conn:
                for setting in session:
                    conn.execute(setting)
                while not errors:
                    try:
                        statement = todo.get_nowait()
                    except queue.Empty:
                        return
                    for sql in (
                        (statement,) if isinstance(statement, str) else statement
                    ):
                        conn.execute(sql)
                    on_done()
        except BaseException as exc:  # re-raised in the calling thread
            errors.append(exc)

    threads = [
        threading.Thread(target=work) for _ in range(min(workers, len(statements)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def _longest_first(indexes: list[tuple[str, str]]) -> list[str]:
    """Trigram (GIN) builds cannot use parallel workers and take longest: they
    start first, the biggest table's first, so no build is left alone at the end.
    """
    with _connect() as conn:
        sizes = {
            table: conn.execute("SELECT pg_relation_size(%s)", [table]).fetchone()[0]
            for table in {table for table, _ in indexes}
        }
    ranked = sorted(
        indexes, key=lambda i: (" USING gin " in i[1], sizes[i[0]]), reverse=True
    )
    return [definition for _, definition in ranked]


def rebuild_schema(schema: Schema, on_step: Callable[[], None] = lambda: None) -> None:
    _run_parallel(
        _longest_first(schema.indexes), BUILD_CONNECTIONS, BUILD_SESSION, on_step
    )
    adopted = {_index_name(d) for _, d in schema.indexes}
    with _connect() as conn:
        for table, name, definition in schema.unique_constraints:
            if name in adopted:
                conn.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" '
                    f'UNIQUE USING INDEX "{name}"'
                )
            else:
                conn.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                )
            on_step()
        for table, name, definition in schema.foreign_keys:
            conn.execute(
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID'
            )
    _run_parallel(
        [
            f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"'
            for table, name, _ in schema.foreign_keys
        ],
        BUILD_CONNECTIONS,
        BUILD_SESSION,
        on_step,
    )


def rebuild_steps(schema: Schema) -> int:
    return (
        len(schema.indexes) + len(schema.unique_constraints) + len(schema.foreign_keys)
    )


class _Abort(Exception):
    pass


_END, _ABORT = object(), object()


class TableCopy(threading.Thread):
    """One table's COPY on its own connection, fed chunk by chunk.

    An empty table is truncated in the COPY's transaction, which allows FREEZE:
    the rows are written frozen and visible, so no later read or vacuum
    rewrites every page to set hint bits.
    """

    def __init__(self, table: str, columns: tuple[str, ...], freeze: bool):
        super().__init__(name=f"copy-{table}", daemon=True)
        self.table, self.columns, self.freeze = table, columns, freeze
        self.blobs: queue.Queue = queue.Queue(maxsize=4)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with _connect() as conn, conn.transaction():
                conn.execute("SET LOCAL synchronous_commit = off")
                if self.freeze:
                    conn.execute(f"TRUNCATE {self.table}")
                options = " WITH (FREEZE)" if self.freeze else ""
                columns = ", ".join(self.columns)
                with conn.cursor().copy(
                    f"COPY {self.table} ({columns}) FROM STDIN{options}"
                ) as copy:
                    while (blob := self.blobs.get()) is not _END:
                        if blob is _ABORT:
                            raise _Abort  # fails the COPY: the transaction rolls back
                        copy.write(blob)
        except BaseException as exc:  # re-raised by feed() or finish()
            self.error = exc

    def feed(self, blob: bytes) -> None:
        if not self._put(blob):
            raise self.error

    def finish(self, commit: bool) -> BaseException | None:
        """Ends the COPY (rolled back unless commit); returns its failure if any."""
        self._put(_END if commit else _ABORT)
        self.join()
        return None if isinstance(self.error, _Abort) else self.error

    def _put(self, item) -> bool:
        """False if the COPY has stopped (then self.error says why)."""
        while self.is_alive():
            try:
                self.blobs.put(item, timeout=1)
                return True
            except queue.Full:
                continue
        return False


def _table_is_empty(cursor, table: str) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {table})")
    return cursor.fetchone()[0]


def load_postgresql(
    chunks: Iterable[Chunk],
    on_chunk: Callable[[Chunk], None],
    on_rebuild_start: Callable[[int], None],
    on_rebuild_step: Callable[[], None],
) -> None:
    """COPY every chunk into the (empty) tables, then rebuild indexes and keys."""
    tables = list(TABLES)
    with _connect() as conn, conn.cursor() as cursor:
        schema = read_schema(cursor, tables)
        events_were_empty = _table_is_empty(cursor, EVENTS)
        drop_schema(cursor, schema)
        # Filled once after the load, not row by row through their triggers.
        keyed = key_tables.with_key_tables(cursor, tables)
        counted = gram_counts.with_gram_counts(cursor, tables)
        for table in keyed:
            cursor.execute(key_tables.paused_sql(table))
        for table in counted:
            cursor.execute(gram_counts.paused_sql(table))
    try:
        copies = {
            table: TableCopy(
                table, columns, freeze=table != EVENTS or events_were_empty
            )
            for table, columns in TABLES.items()
        }
        for copy in copies.values():
            copy.start()
        loaded = False
        try:
            for chunk in chunks:
                for table, blob in chunk.tables.items():
                    copies[table].feed(blob)
                on_chunk(chunk)
            loaded = True
        finally:
            errors = [copy.finish(commit=loaded) for copy in copies.values()]
        if error := next(filter(None, errors), None):
            raise error
    except BaseException:
        _remove_loaded_rows(tables, events_were_empty)
        rebuild_schema(schema)
        _refill(keyed, counted)
        raise
    on_rebuild_start(rebuild_steps(schema) + len(keyed) + len(counted))
    rebuild_schema(schema, on_rebuild_step)
    _refill(keyed, counted, on_rebuild_step)
    _finish(tables)


def _refill(
    keyed: list[str],
    counted: list[str],
    on_step: Callable[[], None] = lambda: None,
) -> None:
    """The key tables of `keyed` and the counts of short runs of `counted` taken
    again from their tables, their triggers enabled: side by side, the largest
    table's first."""
    with _connect() as conn, conn.cursor() as cursor:
        refills = [
            (table, tuple(key_tables.refill_statements(cursor, table)))
            for table in keyed
        ] + [
            (table, tuple(gram_counts.refill_statements(cursor, table)))
            for table in counted
        ]
        sizes = {
            table: conn.execute("SELECT pg_relation_size(%s)", [table]).fetchone()[0]
            for table, _ in refills
        }
    largest_first = sorted(refills, key=lambda refill: sizes[refill[0]], reverse=True)
    _run_parallel(
        [statements for _, statements in largest_first],
        BUILD_CONNECTIONS,
        BUILD_SESSION,
        on_step,
    )


def _remove_loaded_rows(tables: list[str], events_were_empty: bool) -> None:
    with _connect() as conn:
        if events_were_empty:
            conn.execute(f"TRUNCATE {', '.join(tables)}")
        else:  # only its customers' events are ours: there were no customers
            conn.execute(f"DELETE FROM {EVENTS} WHERE customer_id IS NOT NULL")
            conn.execute(f"TRUNCATE {', '.join(t for t in tables if t != EVENTS)}")


def _finish(tables: list[str]) -> None:
    """Sequences past the explicit ids, and fresh planner statistics."""
    with _connect() as conn:
        for table in tables:
            if table != EVENTS:  # events took their ids from the sequence
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE(max(id), 1), max(id) IS NOT NULL) FROM {table}"
                )
    _run_parallel([f"ANALYZE {table}" for table in tables], BUILD_CONNECTIONS)
