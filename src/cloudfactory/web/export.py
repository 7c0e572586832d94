"""Streaming CSV exports, shared by every list (DESIGN.md rules 5 and 6).

A list declares its export as a queryset (its filter and its sort, no limit)
and a tuple of `ExportColumn`. Each column's cell is a SQL expression that
already yields the final text (labels, ISO 8601 dates, neutralised text), so
the rows reach the response without a Python step per cell:

- PostgreSQL: `COPY (SELECT ...) TO STDOUT (FORMAT csv, FORCE_QUOTE *)` on
  the request's own connection, its blocks joined into chunks of about
  CHUNK_BYTES.
- SQLite: the same SELECT read FETCH_ROWS at a time and written by the csv module.

Either way memory stays constant and the header goes out before the query runs.
A declaration, e.g. for orders (a `customer__name` field follows the join):

    ORDER_EXPORT_COLUMNS = (
        ExportColumn("Number", text_cell("number")),
        ExportColumn("Customer", text_cell("customer__name")),
        ExportColumn("Status", label_cell("status", Order.Status.choices)),
        ExportColumn("Placed", datetime_cell("placed_at")),
    )
    return export_response(
        ORDERS.export_rows(f), ORDER_EXPORT_COLUMNS, stem="orders",
        kind="orders.exported", actor=request.user, filters={"q": f.q, ...},
    )

`export_response` logs the export (DESIGN.md rule 7) once its stream ends;
`csv_stream` and `CsvStreamingResponse` are the pieces it is made of.

The file: UTF-8 with a byte-order mark (so spreadsheets read accents), RFC 4180
(CRLF row ends, quotes doubled), a header row first. Every cell is quoted, the
header's and empty ones too (`""`), and text is neutralised (`neutralise`): a
spreadsheet whose list separator is `;` must not find a formula in
`Acme;=1+1`. No cell is NULL (COPY writes NULL unquoted): empty text is ''.
Line breaks inside text cells become spaces: every row is then exactly one
line, which is what lets COPY's LF row ends become CRLF with a plain byte
replace, and the two databases write the same bytes.
"""

import csv
import dataclasses
import io
import logging
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    Func,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Left, LPad, Replace
from django.db.models.lookups import In
from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header

from cloudfactory import money
from cloudfactory.activity.models import Event
from cloudfactory.activity.services import event_append
from cloudfactory.web.export_slots import Slot

logger = logging.getLogger(__name__)

BOM = "\ufeff".encode()
# First characters that make a spreadsheet run a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A spreadsheet reading the file with `;` as its list separator starts a cell
# at every `;`, quoted or not, after the first cell of a line: what follows a
# `;` in text gets the leading quote too when it would start a formula (or a
# quote, which would hide one).
AFTER_SEMICOLON = ("=", "+", "-", "@", "\t", '"')
# About what one response write should carry: big enough to amortise the
# per-chunk cost, small enough that the first rows leave at once.
CHUNK_BYTES = 64 * 1024
# Rows per SQLite fetch; at ~100 bytes a row, one chunk of ~100 KB.
FETCH_ROWS = 1_000

# Called once when a stream ends: rows written, and whether it ran to the end.
OnFinish = Callable[[int, bool], None]


@dataclass(frozen=True)
class ExportColumn:
    header: str
    # SQL for the cell's final value: text ready to show, or a number.
    cell: Expression
    # The name of the list column this one follows: a staff member who shows
    # or hides that column shows or hides this one in their export. None: it
    # is only in the list's declared export (docs/decisions.md).
    column: str | None = None


def neutralise(text: str) -> str:
    """`text` as a cell a spreadsheet shows as text rather than running it,
    read with `,` or with `;` as the list separator."""
    for start in AFTER_SEMICOLON:
        text = text.replace(f";{start}", f";'{start}")
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def text_cell(field: str) -> Expression:
    """A text field on one line (each CR or LF a space), neutralised like
    `neutralise` (judged on the first character as stored); NULL as ''."""
    space = Value(" ")
    one_line = Replace(Replace(F(field), Value("\r"), space), Value("\n"), space)
    for start in AFTER_SEMICOLON:
        one_line = Replace(one_line, Value(f";{start}"), Value(f";'{start}"))
    is_formula = In(Left(F(field), 1), FORMULA_STARTS)
    safe = Case(
        When(is_formula, then=Concat(Value("'"), one_line)),
        default=one_line,
        output_field=CharField(),
    )
    return Coalesce(safe, Value(""))


def label_cell(field: str, choices: Iterable[tuple[str, str]]) -> Expression:
    """A choice field as its human label; an unknown value as safe text."""
    return Case(
        *(When(**{field: value}, then=Value(label)) for value, label in choices),
        default=text_cell(field),
        output_field=CharField(),
    )


def number_cell(field: str) -> Expression:
    """A number as its digits; NULL as ''."""
    return Coalesce(Cast(F(field), CharField()), Value(""))


class IsoUtc(Func):
    """A datetime as ISO 8601 in UTC to the second: 2025-03-12T14:03:00Z."""

    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        pattern = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'
        template = f"to_char(%(expressions)s AT TIME ZONE 'UTC', '{pattern}')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        # Django keeps SQLite datetimes as UTC text. %%%% survives the template
        # as %%, which the backend turns into % once parameters are bound.
        template = "strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%SZ', %(expressions)s)"
        return self.as_sql(compiler, connection, template=template, **extra)


def datetime_cell(field: str) -> Expression:
    """An instant as `IsoUtc`; NULL (say, never seen) as ''."""
    return Coalesce(IsoUtc(F(field)), Value(""))


def csv_filename(stem: str, today: date | None = None) -> str:
    """`stem-YYYY-MM-DD.csv`, dated today in UTC unless told otherwise."""
    day = today or datetime.now(UTC).date()
    return f"{stem}-{day.isoformat()}.csv"


def csv_lines(rows: Iterable[Sequence]) -> bytes:
    """Rows as RFC 4180 lines in UTF-8: CRLF ends, every cell quoted."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return buffer.getvalue().encode()


def csv_header(headers: Iterable[str]) -> bytes:
    """The byte-order mark and the header row: the first bytes of every export."""
    return BOM + csv_lines([[neutralise(header) for header in headers]])


def crlf_rows(blocks: Sequence[bytes | memoryview]) -> tuple[bytes, int]:
    """COPY output (LF row ends, no line break inside a cell) as CRLF lines,
    with the number of rows it holds, however the rows were split in blocks."""
    data = b"".join(blocks)
    return data.replace(b"\n", b"\r\n"), data.count(b"\n")


def export_sql(qs: QuerySet, columns: Sequence[ExportColumn]) -> tuple[str, list]:
    """The SELECT of the export's cells, in `qs`'s filter and order."""
    cells = {f"export_cell_{n}": column.cell for n, column in enumerate(columns)}
    rows = qs.annotate(**cells).values_list(*cells)
    # elide_empty=False: a filter that can match nothing (an empty IN) is
    # compiled to a WHERE that is false rather than raising EmptyResultSet,
    # and the file is the header alone.
    compiler = rows.query.get_compiler(using=rows.db, elide_empty=False)
    sql, params = compiler.as_sql()
    return sql, list(params)


def _copy_chunks(connection, sql: str, params: list) -> Iterator[tuple[bytes, int]]:
    # COPY takes no parameters: bind them client-side, as psycopg quotes them.
    select = connection.ops.compose_sql(sql, params)
    copy_sql = f"COPY ({select}) TO STDOUT (FORMAT csv, FORCE_QUOTE *)"
    # Ending a COPY early cancels it, which would abort a transaction around
    # it (a test's, say); a savepoint of its own keeps the connection usable
    # for logging the export. wrap_database_errors: psycopg's errors as
    # Django's, and a broken connection closed when the request finishes.
    with (
        transaction.atomic(using=connection.alias),
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.copy(copy_sql) as copy,
    ):
        blocks, size = [], 0
        for block in copy:
            blocks.append(block)
            size += len(block)
            if size >= CHUNK_BYTES:
                yield crlf_rows(blocks)
                blocks, size = [], 0
        if blocks:
            yield crlf_rows(blocks)


def _fetch_chunks(connection, sql: str, params: list) -> Iterator[tuple[bytes, int]]:
    # No transaction: one SELECT reads one snapshot, and a transaction here
    # would be BEGIN IMMEDIATE, holding the write lock for the whole download.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH_ROWS):
            yield csv_lines(batch), len(batch)


def _row_chunks(alias: str, sql: str, params: list) -> Iterator[tuple[bytes, int]]:
    # Looked up here, in the thread that reads the stream, not the one that made it.
    connection = connections[alias]
    if connection.vendor == "postgresql":
        return _copy_chunks(connection, sql, params)
    return _fetch_chunks(connection, sql, params)


def _report(on_finish: OnFinish, rows: int, complete: bool) -> None:
    try:
        on_finish(rows, complete)
    except Exception:
        # Raising here would hide how the stream itself ended, or fire inside a
        # generator being closed; the log keeps the export accountable.
        logger.exception("Could not record a CSV export of %d rows", rows)


def csv_stream(
    qs: QuerySet, columns: Sequence[ExportColumn], *, on_finish: OnFinish
) -> Generator[bytes, None, None]:
    """The export file in chunks: BOM and header at once (no query yet), then
    every row of `qs`, one query.

    `on_finish(rows, complete)` runs once at the end: complete=False when the
    client went away (the generator was closed early) or the query failed, with
    the rows handed out until then. Read it in one thread, whose database
    connection it uses (see CsvStreamingResponse).
    """
    # Compiled now: a mistake in a declaration fails the request with a 500
    # rather than a download cut short after its header.
    sql, params = export_sql(qs, columns)
    headers = [column.header for column in columns]
    return _stream(qs.db, sql, params, headers, on_finish)


def _stream(
    alias: str, sql: str, params: list, headers: list[str], on_finish: OnFinish
) -> Generator[bytes, None, None]:
    rows = 0
    complete = False
    try:
        yield csv_header(headers)
        with closing(_row_chunks(alias, sql, params)) as chunks:
            for chunk, count in chunks:
                rows += count
                yield chunk
        complete = True
    except Exception:
        logger.exception("CSV export failed after %d rows", rows)
        raise
    finally:
        _report(on_finish, rows, complete)


_END = object()


class CsvStreamingResponse(StreamingHttpResponse):
    """A CSV download streamed from a sync chunk generator, under WSGI or ASGI.

    Under ASGI, Django reads a sync iterator with `sync_to_async(list)`: the
    whole file in memory before the first byte. Here each chunk is pulled on
    its own, in the request's thread-sensitive thread: the thread that ran the
    view, so the generator uses that thread's connection to the exports
    database, which Django closes when the request finishes. A client that
    goes away cancels the pull; the generator is then closed in that same
    thread, and the download's slot is released (see export_slots.py).
    """

    def __init__(
        self,
        chunks: Generator[bytes, None, None],
        *,
        filename: str,
        slot: Slot | None = None,
    ):
        super().__init__(chunks, content_type="text/csv; charset=utf-8")
        self._chunks = chunks
        self._slot = slot
        if slot is not None:
            slot.bind(self)
        self["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=filename
        )
        self["Cache-Control"] = "no-store"
        self["X-Content-Type-Options"] = "nosniff"

    async def __aiter__(self):
        # streaming_content, not self._chunks: middleware may have wrapped it.
        parts = iter(self.streaming_content)
        pull = sync_to_async(next, thread_sensitive=True)
        await sync_to_async(_leave_page_connection, thread_sensitive=True)()
        try:
            while (part := await pull(parts, _END)) is not _END:
                yield part
        finally:
            await sync_to_async(self._chunks.close, thread_sensitive=True)()
            self._release()

    def close(self):
        super().close()
        self._release()

    def _release(self) -> None:
        if self._slot is not None:
            self._slot.release()


def filter_payload(f) -> dict:
    """A list's filter object as the audit entry records it: plain JSON values,
    instants in ISO 8601. No query, no transaction."""
    payload = {}
    for field in dataclasses.fields(f):
        value = getattr(f, field.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        payload[field.name] = value
    return payload


@transaction.atomic
def export_log(*, kind: str, actor, filters: dict, rows: int, complete: bool) -> Event:
    """Log one export in the event log, in a transaction of its own: who, with
    which filters, how many rows, and whether the download ran to its end."""
    payload = {"filters": filters, "rows": rows, "complete": complete}
    return event_append(kind=kind, actor=actor, payload=payload)


def export_response(
    qs: QuerySet,
    columns: Sequence[ExportColumn],
    *,
    stem: str,
    kind: str,
    actor,
    filters: dict,
    slot: Slot | None = None,
) -> CsvStreamingResponse:
    """Every row of `qs` as the download `stem-YYYY-MM-DD.csv`, logged as `kind`
    when its stream ends (see `csv_stream`), read through the exports database.
    No query until it is read; `slot` is released when the response is done."""

    def log(rows: int, complete: bool) -> None:
        export_log(
            kind=kind, actor=actor, filters=filters, rows=rows, complete=complete
        )

    chunks = csv_stream(qs.using(export_database()), columns, on_finish=log)
    return CsvStreamingResponse(chunks, filename=csv_filename(stem), slot=slot)


def _leave_page_connection() -> None:
    """Give the request's own connection (sign-in, session) back to the pages'
    pool while the download streams: the log entry at its end takes one for a
    moment. Inside a transaction (a test's) it stays."""
    page = connections[DEFAULT_DB_ALIAS]
    if export_database() != DEFAULT_DB_ALIAS and not page.in_atomic_block:
        page.close()


def export_database() -> str:
    """The database alias downloads read through: a pool of their own when the
    settings declare one ("exports"), so they never hold a page's connection."""
    return "exports" if "exports" in settings.DATABASES else DEFAULT_DB_ALIAS


def money_cell(field: str, currency_field: str = "currency") -> Expression:
    """An amount in minor units as a plain decimal, e.g. 12500 USD -> "125.00":
    what a spreadsheet reads as a number, to its currency's decimal places.

    Integer arithmetic in SQL, so both databases write the same text (amounts
    are never negative: a check constraint on every money column).
    """
    by_places: dict[int, list[str]] = {}
    for currency, places in money.EXPONENTS.items():
        by_places.setdefault(places, []).append(currency)
    return Case(
        *(
            When(**{f"{currency_field}__in": currencies}, then=_decimal(field, places))
            for places, currencies in by_places.items()
        ),
        default=_decimal(field, 2),
        output_field=CharField(),
    )


def _decimal(field: str, places: int) -> Expression:
    if places == 0:
        return Cast(F(field), CharField())
    scale = 10**places
    units = Cast(F(field) / scale, CharField())
    fraction = LPad(Cast(F(field) % scale, CharField()), places, Value("0"))
    return Concat(units, Value("."), fraction, output_field=CharField())
