import csv
import io
import logging
from datetime import UTC, datetime, timedelta, timezone

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.exceptions import FieldError
from django.core.signals import request_finished
from django.db import DatabaseError, close_old_connections, connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone as django_timezone

from cloudfactory.activity.models import Event
from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import CUSTOMERS, CustomerFilter
from cloudfactory.text import fold
from cloudfactory.textsearch import queries as search_queries
from cloudfactory.web import export as engine
from cloudfactory.web.export import BOM, ExportColumn, csv_stream
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
)

EXPORTED = "customers.exported"

pytestmark = pytest.mark.django_db

HEADER = [
    "Name",
    "Type",
    "Status",
    "Email",
    "User count",
    "Order count",
    "Invoice count",
    "Creation date",
]


def download(f: CustomerFilter | None = None, actor=None) -> bytes:
    response = CUSTOMER_LIST_PAGE.export_response(f or CustomerFilter(), actor=actor)
    return b"".join(response.streaming_content)


def table(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    text = body[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def quoted(cells: list[str]) -> bytes:
    """A line's cells as the export writes them: each one quoted."""
    return ",".join(f'"{cell}"' for cell in cells).encode()


def exported_names(f: CustomerFilter) -> list[str]:
    return [row[0] for row in table(download(f))[1:]]


def listed_names(f: CustomerFilter) -> list[str]:
    return [c.name for c in CUSTOMERS.page(f, limit=1_000).rows]


def set_name(customer: Customer, raw: str) -> None:
    # The service strips names; rows written some other way (an import, a
    # shell) may still start with a tab or CR, and the export must stay safe.
    Customer.objects.filter(pk=customer.pk).update(name=raw)


@pytest.fixture
def customers():
    now = django_timezone.now()
    rows = [
        ("Müller GmbH", "company", "active", "info@mueller.de", "Müller GmbH"),
        ("Acme Corp", "company", "suspended", "ops@acme.test", "Acme Corporation"),
        ("Zoë O'Brien", "individual", "active", "zoe@obrien.ie", "Acme Corp"),
        ("Jan Kowalski", "individual", "inactive", "jan@poczta.pl", ""),
        ("Brûlerie 100%", "company", "active", "cafe@brulerie.fr", "Brûlerie SARL"),
        ("Muriel Dupont", "individual", "active", "muriel@dupont.fr", ""),
    ]
    made = [
        CustomerFactory(
            name=name,
            type=type_,
            status=status,
            email=email,
            company_name=company,
            created_at=now - timedelta(days=n),
        )
        for n, (name, type_, status, email, company) in enumerate(rows)
    ]
    # Distinct user counts, so the users sorts have one right answer.
    Customer.objects.update(users_count=F("id") % 4)
    return made


def test_the_file_has_a_bom_the_header_and_crlf_row_ends(customers):
    body = download()
    assert body.startswith(BOM + quoted(HEADER) + b"\r\n")
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert len(lines) == 1 + len(customers) + 1
    assert not any(b"\n" in line or b"\r" in line for line in lines)


def test_a_row_holds_labels_counts_and_the_utc_creation_date():
    customer = CustomerFactory(
        name='Smith, "Bob" & Co',
        type="individual",
        status="suspended",
        email="bob@example.com",
        # 15:03 at UTC+1 is 14:03 UTC; the microseconds are dropped.
        created_at=datetime(
            2025, 3, 12, 15, 3, 0, 999, tzinfo=timezone(timedelta(hours=1))
        ),
    )
    TenantUserFactory(customer_id=customer.pk)
    TenantUserFactory(customer_id=customer.pk)
    OrderFactory(customer_id=customer.pk)
    for _ in range(3):
        InvoiceFactory(customer_id=customer.pk)

    body = download()

    # The same bytes from both databases: COPY on PostgreSQL, csv on SQLite.
    assert body.endswith(
        b'"Smith, ""Bob"" & Co","Individual","Suspended","bob@example.com",'
        b'"2","1","3","2025-03-12T14:03:00Z"\r\n'
    )


def test_types_and_statuses_read_as_their_labels(customers):
    rows = {row[0]: row for row in table(download())[1:]}
    assert rows["Müller GmbH"][1:3] == ["Company", "Active"]
    assert rows["Acme Corp"][1:3] == ["Company", "Suspended"]
    assert rows["Jan Kowalski"][1:3] == ["Individual", "Inactive"]


def test_accents_and_other_scripts_round_trip():
    name = "Zoë Ångström 東京 🚀"
    # Django's validate_email takes an internationalised domain, not (yet) an
    # internationalised mailbox name.
    CustomerFactory(name=name, email="zoe@bücher.de")
    assert table(download())[1][0] == name
    assert table(download())[1][3] == "zoe@bücher.de"


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ('=HYPERLINK("http://evil.test")', '\'=HYPERLINK("http://evil.test")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "' cmd"),  # neutralised, then on one line
        ("Ann-Marie =1", "Ann-Marie =1"),
        ("'quoted", "'quoted"),
        ("Line\nbreak", "Line break"),
        ("Two\r\nlines", "Two  lines"),
        ("Acme;=1+1", "Acme;'=1+1"),
        ('Acme;"=1+1"', 'Acme;\'"=1+1"'),
        ("a;-b;@c;+d", "a;'-b;'@c;'+d"),
        ("Smith; Jones", "Smith; Jones"),
    ],
)
def test_text_a_spreadsheet_would_run_is_neutralised(raw, cell):
    set_name(CustomerFactory(), raw)
    body = download()
    assert table(body)[1][0] == cell
    assert engine.neutralise(raw).replace("\r", " ").replace("\n", " ") == cell


def test_email_cells_are_neutralised_too():
    CustomerFactory(email="-oops@example.com")
    assert table(download())[1][3] == "'-oops@example.com"


@pytest.mark.parametrize(
    "f",
    [
        CustomerFilter(),
        CustomerFilter(type="company"),
        CustomerFilter(type="individual", status="active"),
        CustomerFilter(status="suspended"),
        CustomerFilter(q="muller"),
        CustomerFilter(q="MÜLLER"),
        CustomerFilter(q="acm"),
        CustomerFilter(q="acm", type="individual"),
        CustomerFilter(q="100%"),
        CustomerFilter(q="mu"),
        CustomerFilter(q="ü"),
        CustomerFilter(q="nothing like it"),
        CustomerFilter(sort="created"),
        CustomerFilter(sort="name"),
        CustomerFilter(sort="-name"),
        CustomerFilter(sort="users"),
        CustomerFilter(sort="-users", q="mu"),
    ],
    ids=repr,
)
def test_the_export_has_the_lists_rows_in_the_lists_order(customers, f):
    assert exported_names(f) == listed_names(f)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("muller", ["Müller GmbH"]),
        ("mu", ["Müller GmbH", "Muriel Dupont"]),
        ("acm", ["Acme Corp", "Zoë O'Brien"]),
        ("100%", ["Brûlerie 100%"]),
    ],
)
def test_search_is_accent_insensitive_over_name_email_and_company(
    customers, q, expected
):
    assert exported_names(CustomerFilter(q=q, sort="name")) == sorted(expected)


def test_short_pieces_are_looked_for_in_the_whole_table(customers, monkeypatch):
    # The list looks for a short piece in a bounded window of the newest rows;
    # the export is complete.
    monkeypatch.setattr(search_queries, "SHORT_WINDOW", 2)
    everyone = [c.name for c in customers if "o" in fold(f"{c.name} {c.email}")]
    assert len(everyone) > 2
    assert exported_names(CustomerFilter(q="o", sort="-created")) == everyone


def test_the_response_is_a_dated_attachment_never_cached():
    response = CUSTOMER_LIST_PAGE.export_response(CustomerFilter(), actor=None)
    today = datetime.now(UTC).date().isoformat()
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="customers-{today}.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_header_goes_out_before_any_query(customers, django_assert_num_queries):
    chunks = iter(CUSTOMER_LIST_PAGE.export_response(CustomerFilter(), actor=None))
    with django_assert_num_queries(0):
        first = next(chunks)
    assert first == BOM + quoted(HEADER) + b"\r\n"


def test_the_export_is_logged_with_actor_filters_and_rows_once_read(
    customers, admin_staff
):
    f = CustomerFilter(q="acm", sort="name")
    response = CUSTOMER_LIST_PAGE.export_response(f, actor=admin_staff)
    assert not Event.objects.filter(kind=EXPORTED).exists()

    b"".join(response.streaming_content)

    event = Event.objects.get(kind=EXPORTED)
    assert event.actor == admin_staff
    assert event.customer is None
    assert event.payload == {
        "filters": {"q": "acm", "type": "", "status": "", "sort": "name"},
        "rows": 2,
        "complete": True,
    }


def close_as_a_server_does(response) -> None:
    # Without closing this test's connection, as Django's test client does.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture
def one_row_per_chunk(monkeypatch):
    monkeypatch.setattr(engine, "CHUNK_BYTES", 1)
    monkeypatch.setattr(engine, "FETCH_ROWS", 1)


def test_a_download_stopped_midway_is_logged_as_incomplete(
    customers, admin_staff, one_row_per_chunk
):
    response = CUSTOMER_LIST_PAGE.export_response(CustomerFilter(), actor=admin_staff)
    chunks = iter(response.streaming_content)
    next(chunks)  # the header
    first, second = next(chunks), next(chunks)
    assert first.count(b"\r\n") == second.count(b"\r\n") == 1

    close_as_a_server_does(response)  # when the client goes away

    event = Event.objects.get(kind=EXPORTED)
    assert (event.payload["rows"], event.payload["complete"]) == (2, False)
    # The stopped COPY left the connection usable (and the test's transaction).
    assert Customer.objects.count() == len(customers)


def test_under_asgi_chunks_are_pulled_one_at_a_time(customers, one_row_per_chunk):
    response = CUSTOMER_LIST_PAGE.export_response(CustomerFilter(), actor=None)

    async def read():
        parts = aiter(response)
        first = await anext(parts)
        logged_early = await sync_to_async(Event.objects.filter(kind=EXPORTED).exists)()
        return [first, *[part async for part in parts]], logged_early

    parts, logged_early = async_to_sync(read)()

    # Django would read a sync iterator whole before sending its first byte.
    assert logged_early is False
    assert len(parts) == 1 + len(customers)
    assert b"".join(parts) == download()


def test_under_asgi_a_client_going_away_closes_the_stream(customers, one_row_per_chunk):
    response = CUSTOMER_LIST_PAGE.export_response(CustomerFilter(), actor=None)

    async def read_two_then_leave():
        parts = aiter(response)
        await anext(parts)
        await anext(parts)
        await parts.aclose()

    async_to_sync(read_two_then_leave)()

    event = Event.objects.get(kind=EXPORTED)
    assert (event.payload["rows"], event.payload["complete"]) == (1, False)
    assert Customer.objects.count() == len(customers)


def test_a_failing_export_is_logged_and_still_reported(customers, caplog):
    finished = []
    broken = [ExportColumn("Oops", RawSQL("no_such_function()", []))]
    chunks = csv_stream(
        Customer.objects.all(), broken, on_finish=lambda *end: finished.append(end)
    )
    assert next(chunks) == BOM + b'"Oops"\r\n'

    with caplog.at_level(logging.ERROR), pytest.raises(DatabaseError):
        next(chunks)

    assert finished == [(0, False)]
    assert "CSV export failed after 0 rows" in caplog.text


def test_a_mistaken_declaration_fails_before_the_download_starts():
    with pytest.raises(FieldError, match="no_such_field"):
        csv_stream(
            Customer.objects.all(),
            [ExportColumn("Oops", F("no_such_field"))],
            on_finish=lambda rows, complete: None,
        )


def test_a_failure_to_record_the_export_is_logged(customers, caplog):
    def refuse(rows, complete):
        raise RuntimeError("the log is down")

    chunks = csv_stream(
        CUSTOMERS.export_rows(CustomerFilter()),
        CUSTOMER_LIST_PAGE.export.columns,
        on_finish=refuse,
    )
    with caplog.at_level(logging.ERROR):
        body = b"".join(chunks)

    assert len(table(body)) == 1 + len(customers)
    assert "Could not record a CSV export of 6 rows" in caplog.text


def test_the_audit_filters_are_read_without_a_query(django_assert_num_queries):
    # Not even a transaction: on SQLite one would wait for the write lock.
    f = CustomerFilter(q="acme", type="company", sort="name")
    with django_assert_num_queries(0):
        payload = engine.filter_payload(f)
    assert payload == {"q": "acme", "sort": "name", "type": "company", "status": ""}


@pytest.mark.django_db(transaction=True, databases=["default", "exports"])
def test_the_export_is_logged_in_a_transaction_of_its_own(customers):
    logged_in_transaction = []

    def watch(execute, sql, params, many, context):
        if sql.startswith("INSERT") and Event._meta.db_table in sql:
            logged_in_transaction.append(connection.in_atomic_block)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        download(CustomerFilter(q="acm"))
    assert logged_in_transaction == [True]
    assert Event.objects.get(kind=EXPORTED).payload["rows"] == 2
