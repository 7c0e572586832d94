from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cloudfactory.support.models import Ticket
from cloudfactory.support.queries import (
    TICKETS,
    TicketFilter,
    ticket_get,
)
from cloudfactory.support.services import ticket_close, ticket_open
from cloudfactory.textsearch import queries as search_queries
from tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db


def subjects(page) -> list[str]:
    return [t.subject for t in page.rows]


def ticket_list(f: TicketFilter, *, after=None, limit: int = 50):
    return TICKETS.page(f, after=after, limit=limit)


def ticket_count(f: TicketFilter):
    return TICKETS.count(f)


def set_status(ticket: Ticket, status: str) -> None:
    # No service moves a ticket to pending yet; the list must still show it.
    Ticket.objects.filter(pk=ticket.pk).update(status=status)


@pytest.fixture
def tickets(tickets):
    """The shared six, the second one pending."""
    set_status(tickets[1], "pending")
    return tickets


def test_newest_first_by_default(tickets):
    assert subjects(ticket_list(TicketFilter())) == [t.subject for t in tickets]


def test_oldest_first_when_sorted_by_created(tickets):
    page = ticket_list(TicketFilter(sort="created"))
    assert subjects(page) == [t.subject for t in reversed(tickets)]


def test_sorted_by_last_update_a_ticket_just_closed_comes_first(tickets):
    newest = subjects(ticket_list(TicketFilter(sort="-updated")))
    assert newest[0] == "Backups usage is high"
    assert newest[1:] == [t.subject for t in tickets if t != tickets[3]]
    oldest = subjects(ticket_list(TicketFilter(sort="updated")))
    assert oldest == list(reversed(newest))


@pytest.mark.parametrize(
    ("status", "priority", "expected"),
    [
        ("open", "", [0, 2, 4, 5]),
        ("pending", "", [1]),
        ("closed", "", [3]),
        ("", "urgent", [0, 5]),
        ("", "normal", [2, 4]),
        ("", "low", [1]),
        ("open", "urgent", [0, 5]),
        ("closed", "urgent", []),
    ],
)
def test_status_and_priority_filter_and_combine(tickets, status, priority, expected):
    page = ticket_list(TicketFilter(status=status, priority=priority))
    assert subjects(page) == [tickets[n].subject for n in expected]


def test_the_customer_filter_shows_that_customers_tickets_only(tickets, acme):
    page = ticket_list(TicketFilter(customer_id=acme.pk))
    assert subjects(page) == [
        "Cannot export invoices",
        "VAT number is wrong",
        "Please raise our DNS quota",
    ]
    both = ticket_list(TicketFilter(customer_id=acme.pk, priority="normal"))
    assert subjects(both) == ["VAT number is wrong", "Please raise our DNS quota"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("dns", ["Please raise our DNS quota", "Error 502 when calling DNS"]),
        ("DNS QUOTA", ["Please raise our DNS quota"]),
        ("resume", ["Résumé of our support plan"]),  # accents fold away
        ("RÉSUMÉ", ["Résumé of our support plan"]),
        ("502", ["Error 502 when calling DNS"]),
        ("ab", []),  # a short piece, looked for in the newest rows
        ("nothing like it", []),
    ],
)
def test_search_finds_subject_pieces_whatever_the_case_and_accents(
    tickets, q, expected
):
    assert subjects(ticket_list(TicketFilter(q=q))) == expected


def test_search_finds_a_ticket_by_its_number_or_the_start_of_it(tickets, acme):
    ticket = tickets[2]
    assert ticket.number == f"TKT-{acme.pk}-0002"
    assert subjects(ticket_list(TicketFilter(q=ticket.number))) == [ticket.subject]
    assert subjects(ticket_list(TicketFilter(q=ticket.number.lower()))) == [
        ticket.subject
    ]
    start = ticket_list(TicketFilter(q=f"TKT-{acme.pk}-"))
    assert subjects(start) == [t.subject for t in tickets if t.customer_id == acme.pk]


def test_search_combines_with_the_customer_and_the_filters(tickets, acme, muller):
    assert subjects(ticket_list(TicketFilter(q="dns", customer_id=acme.pk))) == [
        "Please raise our DNS quota"
    ]
    assert subjects(
        ticket_list(TicketFilter(q="dns", customer_id=muller.pk, priority="urgent"))
    ) == ["Error 502 when calling DNS"]
    assert subjects(ticket_list(TicketFilter(q="dns", status="closed"))) == []


def test_search_takes_the_sort_order(tickets):
    page = ticket_list(TicketFilter(q="dns", sort="created"))
    assert subjects(page) == [
        "Error 502 when calling DNS",
        "Please raise our DNS quota",
    ]


def walk(f: TicketFilter, limit: int) -> list[Ticket]:
    """Every page of `f`, following the cursors as the Load more link does."""
    seen, pages, after = [], 0, None
    while True:
        page = ticket_list(f, after=after, limit=limit)
        seen += page.rows
        pages += 1
        assert pages < 100, "the cursor does not move"
        if not page.has_more:
            return seen
        after = TICKETS.cursor(page.rows[-1], f)


@pytest.fixture
def many(acme, muller):
    """23 tickets; many created in the same second, so ids break the ties."""
    now = timezone.now().replace(microsecond=0)
    made = []
    for n in range(23):
        customer = acme if n % 3 else muller
        made.append(
            ticket_open(
                customer_id=customer.pk,
                subject=f"Question {n:02d} about billing",
                priority="urgent" if n % 2 else "normal",
                created_at=now - timedelta(hours=n // 4),
            )
        )
    for ticket in made[::5]:
        ticket_close(ticket_id=ticket.pk)
    return made


@pytest.mark.parametrize("sort", TICKETS.sorts.keys)
@pytest.mark.parametrize(
    ("f", "limit"),
    [
        (TicketFilter(), 5),
        (TicketFilter(priority="urgent"), 4),
        (TicketFilter(status="open"), 3),
        (TicketFilter(q="billing"), 5),
        (TicketFilter(q="question 1"), 2),
    ],
    ids=["all", "urgent", "open", "search", "search a piece"],
)
def test_walking_the_cursors_shows_every_row_once_in_order(many, acme, sort, f, limit):
    f = replace(f, sort=sort)
    walked = walk(f, limit)
    everything = ticket_list(f, limit=1_000).rows
    assert [t.pk for t in walked] == [t.pk for t in everything]
    assert len({t.pk for t in walked}) == len(walked) > limit
    field = TICKETS.sorts.field(sort)
    keys = [(getattr(t, field), t.pk) for t in walked]
    assert keys == sorted(keys, reverse=sort.startswith("-"))


def test_walking_a_customers_tickets_lists_as_many_as_its_badge(many, acme):
    walked = walk(TicketFilter(customer_id=acme.pk), limit=4)
    acme.refresh_from_db()
    assert len(walked) == acme.tickets_count == 15


def test_the_count_of_a_customers_tickets_is_its_badge_counter(tickets, acme):
    f = TicketFilter(customer_id=acme.pk)
    acme.refresh_from_db()
    assert ticket_count(f) == (acme.tickets_count, True) == (3, True)
    assert len(ticket_list(f).rows) == 3


def test_the_count_and_the_list_follow_a_ticket_just_opened(tickets, acme):
    f = TicketFilter(customer_id=acme.pk)
    ticket_open(customer_id=acme.pk, subject="One more question")
    acme.refresh_from_db()
    assert acme.tickets_count == 4
    assert ticket_count(f) == (4, True)
    assert len(ticket_list(f).rows) == 4
    assert ticket_list(f).rows[0].subject == "One more question"


def test_a_customer_without_tickets_counts_none(tickets):
    newcomer = CustomerFactory()
    f = TicketFilter(customer_id=newcomer.pk)
    assert ticket_count(f) == (0, True)
    assert ticket_list(f).rows == []


@pytest.mark.parametrize(
    ("f", "expected"),
    [
        (TicketFilter(), (6, True)),  # the platform totals
        (TicketFilter(status="open"), (4, True)),
        (TicketFilter(priority="urgent"), (2, True)),
        (TicketFilter(status="closed", priority="urgent"), (0, True)),
        (TicketFilter(q="dns"), (2, True)),
        (TicketFilter(q="resume", priority="low"), (1, True)),
    ],
    ids=repr,
)
def test_the_count_matches_the_rows(tickets, acme, f, expected):
    assert ticket_count(f) == expected
    assert len(ticket_list(f).rows) == expected[0]


def test_counts_beyond_the_cap_say_so(tickets, monkeypatch):
    monkeypatch.setattr("cloudfactory.web.query.COUNT_CAP", 3)
    assert ticket_count(TicketFilter(status="open")) == (3, False)
    assert ticket_count(TicketFilter(q="a")) == (3, False)


def test_a_short_piece_says_when_it_only_looked_at_the_newest(tickets, monkeypatch):
    monkeypatch.setattr(search_queries, "SHORT_WINDOW", 2)
    page = ticket_list(TicketFilter(q="dn"))
    assert page.exhaustive is False


def test_a_page_takes_one_query_and_a_search_a_few_whatever_the_rows(
    acme, django_assert_num_queries
):
    for n in range(3):
        TicketFactory(customer_id=acme.pk, subject=f"Question {n}")
    with django_assert_num_queries(1):
        rows = ticket_list(TicketFilter()).rows
        assert {t.customer.name for t in rows} == {"Acme Corp"}
    with CaptureQueriesContext(connection) as few:
        assert len(ticket_list(TicketFilter(q="question")).rows) == 3
    for n in range(30):
        TicketFactory(subject=f"Question {n}")
    with django_assert_num_queries(len(few)):
        rows = ticket_list(TicketFilter(q="question")).rows
        assert len({t.customer.name for t in rows}) == 31


def test_one_ticket_comes_with_its_customer(tickets, django_assert_num_queries):
    with django_assert_num_queries(1):
        ticket = ticket_get(tickets[0].pk)
        assert ticket.customer.name == "Acme Corp"
    assert ticket_get(999_999) is None
