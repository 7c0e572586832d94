import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.support.lists import TICKET_LIST_PAGE
from cloudfactory.support.models import Ticket
from cloudfactory.support.queries import TICKETS, TicketFilter
from cloudfactory.support.services import ticket_open
from cloudfactory.textsearch import queries as search_queries
from cloudfactory.web.export import BOM
from tests.factories import TicketFactory

EXPORTED = "tickets.exported"

pytestmark = pytest.mark.django_db

HEADER = [
    "Number",
    "Subject",
    "Customer",
    "Status",
    "Priority",
    "Created",
    "Last updated",
]


def download(f: TicketFilter | None = None, actor=None) -> bytes:
    response = TICKET_LIST_PAGE.export_response(f or TicketFilter(), actor=actor)
    return b"".join(response.streaming_content)


def table(body: bytes) -> list[list[str]]:
    assert body.startswith(BOM)
    text = body[len(BOM) :].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def quoted(cells: list[str]) -> bytes:
    """A line's cells as the export writes them: each one quoted."""
    return ",".join(f'"{cell}"' for cell in cells).encode()


def exported_numbers(f: TicketFilter) -> list[str]:
    return [row[0] for row in table(download(f))[1:]]


def listed_numbers(f: TicketFilter) -> list[str]:
    return [t.number for t in TICKETS.page(f, limit=1_000).rows]


def test_the_file_has_a_bom_the_header_and_crlf_row_ends(tickets):
    body = download()
    assert body.startswith(BOM + quoted(HEADER) + b"\r\n")
    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert len(lines) == 1 + len(tickets) + 1


def test_a_row_holds_labels_quotes_and_utc_dates(acme):
    created = datetime(2025, 3, 12, 15, 3, 0, 999, tzinfo=timezone(timedelta(hours=1)))
    ticket = ticket_open(
        customer_id=acme.pk,
        subject='Invoice "March", again',
        priority="high",
        created_at=created,
    )
    # An update at a known time: no service sets one yet.
    Ticket.objects.filter(pk=ticket.pk).update(
        status="pending", updated_at=datetime(2025, 3, 13, 9, 30, tzinfo=UTC)
    )

    body = download()

    # The same bytes from both databases: COPY on PostgreSQL, csv on SQLite.
    assert body.endswith(
        f'"{ticket.number}","Invoice ""March"", again","Acme Corp",'.encode()
        + b'"Pending","High","2025-03-12T14:03:00Z","2025-03-13T09:30:00Z"\r\n'
    )


def test_statuses_and_priorities_read_as_their_labels(tickets):
    rows = {row[1]: row for row in table(download())[1:]}
    assert rows["Cannot export invoices"][2:5] == ["Acme Corp", "Open", "Urgent"]
    assert rows["Backups usage is high"][2:5] == ["Müller GmbH", "Closed", "High"]
    assert rows["Résumé of our support plan"][4] == "Low"


@pytest.mark.parametrize(
    ("subject", "cell"),
    [
        (
            '=HYPERLINK("http://evil.test","Click")',
            '\'=HYPERLINK("http://evil.test","Click")',
        ),
        ("+1 555 call me", "'+1 555 call me"),
        ("-2 credits left", "'-2 credits left"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("Line\nbreak", "Line break"),
        ("Error 502 = bad gateway", "Error 502 = bad gateway"),
    ],
)
def test_subjects_a_spreadsheet_would_run_are_neutralised(acme, subject, cell):
    # Written past the service, which refuses line breaks in a subject: rows
    # stored some other way must stay safe too.
    ticket = TicketFactory(customer_id=acme.pk)
    Ticket.objects.filter(pk=ticket.pk).update(subject=subject)
    assert table(download())[1][1] == cell


def test_customer_names_are_neutralised_too(acme):
    # The service strips names; a row written some other way must stay safe.
    Customer.objects.filter(pk=acme.pk).update(name="=cmd|' /C calc'!A0")
    TicketFactory(customer_id=acme.pk)
    assert table(download())[1][2] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "f",
    [
        TicketFilter(),
        TicketFilter(status="open"),
        TicketFilter(status="closed"),
        TicketFilter(priority="urgent"),
        TicketFilter(status="open", priority="normal"),
        TicketFilter(q="dns"),
        TicketFilter(q="RESUME"),
        TicketFilter(q="dns", priority="urgent"),
        TicketFilter(q="tkt-"),
        TicketFilter(q="nothing like it"),
        TicketFilter(sort="created"),
        TicketFilter(sort="-updated"),
        TicketFilter(sort="updated", q="s"),
    ],
    ids=repr,
)
def test_the_export_has_the_lists_rows_in_the_lists_order(tickets, f):
    assert exported_numbers(f) == listed_numbers(f)


def test_the_customer_filter_exports_that_customers_tickets(tickets, acme):
    named = Customer.objects.only("id", "name").get(pk=acme.pk)
    f = TicketFilter(customer_id=named.pk, sort="created")
    assert exported_numbers(f) == listed_numbers(f)
    acme.refresh_from_db()
    assert len(exported_numbers(f)) == acme.tickets_count == 3


def test_short_pieces_are_looked_for_in_the_whole_table(tickets, monkeypatch):
    # The list looks for a short piece in a bounded window of the newest rows;
    # the export is complete.
    monkeypatch.setattr(search_queries, "SHORT_WINDOW", 2)
    assert len(exported_numbers(TicketFilter(q="s"))) == 6


def test_the_response_is_a_dated_attachment_never_cached():
    response = TICKET_LIST_PAGE.export_response(TicketFilter(), actor=None)
    today = datetime.now(UTC).date().isoformat()
    assert response.streaming is True
    assert response["Content-Disposition"] == (
        f'attachment; filename="tickets-{today}.csv"'
    )
    assert response["Cache-Control"] == "no-store"


def test_the_export_is_logged_with_actor_filters_and_rows_once_read(
    tickets, acme, admin_staff
):
    named = Customer.objects.only("id", "name").get(pk=acme.pk)
    f = TicketFilter(q="dns", customer_id=named.pk, status="open", sort="created")
    response = TICKET_LIST_PAGE.export_response(f, actor=admin_staff)
    assert not Event.objects.filter(kind=EXPORTED).exists()

    b"".join(response.streaming_content)

    event = Event.objects.get(kind="tickets.exported")
    assert event.actor == admin_staff
    assert event.payload == {
        "filters": {
            "q": "dns",
            "customer_id": acme.pk,
            "status": "open",
            "priority": "",
            "sort": "created",
        },
        "rows": 1,
        "complete": True,
    }
