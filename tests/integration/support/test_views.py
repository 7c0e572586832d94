import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.support.services import ticket_close, ticket_open
from cloudfactory.web.cursor import cursor_encode
from tests.factories import CustomerFactory, StaffFactory, TicketFactory

EXPORTED = "tickets.exported"

pytestmark = pytest.mark.django_db

LIST = "/support"
EXPORT = "/support/export"
UNKNOWN_CUSTOMER = "Customer #999999 does not exist; it may have been removed."
NOT_A_CUSTOMER = "The customer filter must be a customer number, like customer=42."


@pytest.fixture
def viewer_client(client, viewer_staff):
    client.force_login(viewer_staff)
    return client


@pytest.fixture
def tickets(acme):
    other = CustomerFactory(name="Müller GmbH")
    now = timezone.now()
    made = [
        ticket_open(
            customer_id=customer.pk,
            subject=subject,
            priority=priority,
            created_at=now - timedelta(days=n + 1),
        )
        for n, (customer, subject, priority) in enumerate(
            [
                (acme, "Cannot export invoices", "urgent"),
                (other, "Résumé of our support plan", "low"),
                (acme, "Please raise our DNS quota", "normal"),
            ]
        )
    ]
    ticket_close(ticket_id=made[1].pk)
    return made


def rows_in(html: str) -> int:
    return html.count("data-row ")


def next_url(html: str) -> str | None:
    match = re.search(r'id="load-more">\s*<td[^>]*>\s*<a[^>]*href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_the_page_shows_columns_rows_pills_and_count(admin_client, tickets):
    html = admin_client.get(LIST).content.decode()
    for label in (
        "Number",
        "Subject",
        "Customer",
        "Status",
        "Priority",
        "Created",
        "Last updated",
        "Export",
        "Search number or subject",
    ):
        assert label in html
    assert rows_in(html) == 3
    assert "3 tickets" in html
    assert tickets[0].number in html and "Cannot export invoices" in html
    assert '<span class="pill pill-info">Open</span>' in html
    assert '<span class="pill pill-done">Closed</span>' in html
    assert '<span class="pill pill-danger">Urgent</span>' in html
    assert '<span class="pill pill-muted">Low</span>' in html


def test_a_pending_ticket_shows_an_amber_pill(admin_client, tickets):
    # No service moves a ticket to pending yet; the list must still show it.
    type(tickets[0]).objects.filter(pk=tickets[0].pk).update(status="pending")
    html = admin_client.get(LIST).content.decode()
    assert '<span class="pill pill-warning">Pending</span>' in html


def test_subjects_are_escaped(admin_client, acme):
    TicketFactory(customer_id=acme.pk, subject="<script>alert(1)</script>")
    html = admin_client.get(LIST, {"q": "script"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;<mark>script</mark>&gt;alert(1)" in html


def test_htmx_requests_get_the_results_fragment(admin_client, tickets):
    response = admin_client.get(LIST, {"q": "dns"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert html.lstrip().startswith('<section id="list-results"')
    assert "Please raise our <mark>DNS</mark> quota" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "open"}, ["Cannot export invoices", "Please raise our DNS quota"]),
        ({"priority": "low"}, ["Résumé of our support plan"]),
        ({"q": "resume"}, ["<mark>Résumé</mark> of our support plan"]),
        ({"q": "dns", "status": "open"}, ["Please raise our <mark>DNS</mark> quota"]),
        ({"sort": "created"}, ["Please raise", "Résumé", "Cannot export"]),
        ({"sort": "-updated"}, ["Résumé", "Cannot export", "Please raise"]),
    ],
)
def test_filters_search_and_sorts_come_from_the_url(
    admin_client, tickets, params, expected
):
    html = admin_client.get(LIST, params).content.decode()
    assert rows_in(html) == len(expected)
    positions = [html.index(subject) for subject in expected]
    assert positions == sorted(positions)


def test_a_customer_link_shows_its_chip_and_only_its_tickets(
    admin_client, tickets, acme
):
    html = admin_client.get(LIST, {"customer": acme.pk}).content.decode()
    assert "Customer: Acme Corp" in html
    assert 'aria-label="Remove filter Customer: Acme Corp"' in html
    assert f'<input type="hidden" name="customer" value="{acme.pk}">' in html
    assert rows_in(html) == 2 and "Résumé" not in html
    remove = re.search(r'class="chip-remove" href="([^"]*)"', html).group(1)
    assert "customer" not in remove
    everything = admin_client.get(remove).content.decode()
    assert rows_in(everything) == 3 and "Customer: " not in everything


def test_the_customer_filter_combines_with_search_and_filters(
    admin_client, tickets, acme
):
    html = admin_client.get(
        LIST, {"customer": acme.pk, "q": "dns", "priority": "normal"}
    ).content.decode()
    assert rows_in(html) == 1 and "Please raise our <mark>DNS</mark> quota" in html
    none = admin_client.get(LIST, {"customer": acme.pk, "status": "closed"})
    assert "No closed tickets for <bdi>Acme Corp</bdi>" in none.content.decode()


def listed_for(client, customer) -> tuple[int, str]:
    """Rows listed for the customer over every page, and the count shown."""
    html = client.get(LIST, {"customer": customer.pk}).content.decode()
    shown = re.search(r'id="result-count">\s*([\d,+]+) tickets', html).group(1)
    rows = rows_in(html)
    while url := next_url(html):
        html = client.get(LIST + url, headers={"HX-Request": "true"}).content.decode()
        rows += rows_in(html)
    return rows, shown


def test_the_rows_listed_for_a_customer_equal_its_tickets_badge(admin_client, acme):
    for n in range(57):
        TicketFactory(customer_id=acme.pk, subject=f"Question {n}")
    TicketFactory(subject="Somebody else's question")
    acme.refresh_from_db()
    rows, shown = listed_for(admin_client, acme)
    badge = admin_client.get(f"/customers/{acme.pk}/panel").content.decode()
    assert f'<span class="badge-figure">{acme.tickets_count}</span>' in badge
    assert rows == int(shown) == acme.tickets_count == 57


def test_a_ticket_just_opened_shows_in_the_list_and_on_the_badge(
    admin_client, tickets, acme
):
    assert listed_for(admin_client, acme) == (2, "2")
    ticket_open(customer_id=acme.pk, subject="One more question")
    acme.refresh_from_db()
    assert acme.tickets_count == 3
    assert listed_for(admin_client, acme) == (3, "3")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"customer": "999999"}, UNKNOWN_CUSTOMER),
        ({"customer": "abc"}, NOT_A_CUSTOMER),
        ({"customer": "0"}, NOT_A_CUSTOMER),
        ({"customer": "-4"}, NOT_A_CUSTOMER),
        ({"status": "solved"}, "Status must be All, Open, Pending or Closed."),
        ({"priority": "asap"}, "Priority must be All, Low, Normal, High or Urgent."),
        ({"sort": "subject"}, "Sort by one of: created, updated."),
        ({"cursor": "!!not-a-cursor"}, "This page link is damaged"),
        ({"selected": "abc"}, "The selected row must be a number."),
    ],
)
def test_bad_url_state_is_a_400_with_a_sentence(admin_client, params, message):
    response = admin_client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    partial = admin_client.get(LIST, params, headers={"HX-Request": "true"})
    assert partial.status_code == 400
    assert message in partial.content.decode()


def test_a_cursor_that_does_not_fit_the_sort_is_refused(admin_client, tickets):
    response = admin_client.get(LIST, {"cursor": cursor_encode("x", 1)})
    assert response.status_code == 400
    assert "This page link does not fit the sort order." in response.content.decode()


def test_load_more_continues_after_the_cursor(admin_client, acme):
    now = timezone.now()
    for n in range(55):
        TicketFactory(
            customer_id=acme.pk,
            subject=f"Question {n:02d}",
            created_at=now - timedelta(minutes=n),
        )
    first = admin_client.get(LIST).content.decode()
    assert "Question 49" in first and "Question 50" not in first
    more = admin_client.get(
        LIST + next_url(first), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Question 50" in more and "Question 54" in more and "Question 49" not in more
    assert "End of list" in more


def test_an_empty_result_says_what_matched_nothing(admin_client, tickets):
    html = admin_client.get(
        LIST, {"q": "zzz", "status": "open", "priority": "urgent"}
    ).content.decode()
    assert "No open urgent tickets match “<bdi>zzz</bdi>”" in html
    assert "Clear filters" in html


def test_the_panel_shows_the_ticket_and_links_to_its_customer(
    admin_client, tickets, acme
):
    ticket = tickets[0]
    response = admin_client.get(f"/support/{ticket.pk}/panel")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="panel-title">Cannot export invoices</h2>' in html
    assert f"Ticket {ticket.number}" in html
    assert f'href="/customers/?selected={acme.pk}">Acme Corp</a>' in html
    for fact in ("Open", "Urgent", "Created", "Last updated"):
        assert fact in html


def test_a_missing_ticket_panel_is_a_404_with_a_sentence(admin_client):
    response = admin_client.get("/support/999999/panel")
    assert response.status_code == 404
    assert "#999999 does not exist." in response.content.decode()


def test_a_selected_ticket_opens_its_panel_in_the_full_page(admin_client, tickets):
    html = admin_client.get(LIST, {"selected": tickets[2].pk}).content.decode()
    assert 'id="panel-title">Please raise our DNS quota</h2>' in html
    assert 'aria-selected="true"' in html


def test_a_selected_ticket_that_is_gone_says_so(admin_client, tickets):
    html = admin_client.get(LIST, {"selected": 999999}).content.decode()
    assert "Ticket #999999 does not exist." in html


def test_rows_open_the_panel_and_keep_the_list_state_in_the_url(
    admin_client, tickets, acme
):
    html = admin_client.get(LIST, {"customer": acme.pk, "q": "dns"}).content.decode()
    ticket = tickets[2]
    assert f'hx-get="/support/{ticket.pk}/panel"' in html
    assert f'hx-push-url="?customer={acme.pk}&amp;q=dns&amp;selected={ticket.pk}"' in (
        html
    )


def test_the_export_button_downloads_what_the_list_shows(admin_client, tickets, acme):
    html = admin_client.get(LIST, {"customer": acme.pk}).content.decode()
    assert f'href="/support/export?customer={acme.pk}"' in html
    response = admin_client.get(EXPORT, {"customer": acme.pk, "sort": "created"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[0] == [
        "Number",
        "Subject",
        "Customer",
        "Status",
        "Priority",
        "Created",
        "Last updated",
    ]
    assert [row[1] for row in rows[1:]] == [
        "Please raise our DNS quota",
        "Cannot export invoices",
    ]
    event = Event.objects.get(kind=EXPORTED)
    assert event.payload["filters"]["customer_id"] == acme.pk
    assert event.payload["rows"] == 2


def test_a_bad_export_link_is_a_400_with_a_sentence(admin_client):
    response = admin_client.get(EXPORT, {"customer": "999999"})
    assert response.status_code == 400
    assert response.content.decode() == UNKNOWN_CUSTOMER
    assert not Event.objects.filter(kind=EXPORTED).exists()


def test_support_staff_may_export(client, tickets):
    client.force_login(StaffFactory(role="support"))
    assert client.get(EXPORT).status_code == 200


@pytest.mark.parametrize("role", ["viewer", "billing"])
def test_roles_without_the_export_permission_see_no_button_and_get_403(
    client, tickets, role
):
    client.force_login(StaffFactory(role=role))
    html = client.get(LIST).content.decode()
    assert rows_in(html) == 3
    assert "Export" not in html
    assert client.get(EXPORT).status_code == 403
    assert not Event.objects.filter(kind=EXPORTED).exists()


@pytest.mark.parametrize("path", [LIST, EXPORT, "/support/{pk}/panel"])
def test_a_staff_member_without_a_role_gets_403(client, tickets, path):
    member = StaffFactory()
    member.groups.clear()
    client.force_login(member)
    assert client.get(path.format(pk=tickets[0].pk)).status_code == 403


@pytest.mark.parametrize("path", [LIST, EXPORT, "/support/{pk}/panel"])
def test_signed_out_visitors_are_sent_to_sign_in(client, tickets, path):
    response = client.get(path.format(pk=tickets[0].pk))
    assert response.status_code == 302
    assert "/login" in response["Location"]


@pytest.mark.parametrize("path", [LIST, EXPORT, "/support/{pk}/panel"])
def test_the_views_refuse_post(admin_client, tickets, path):
    assert admin_client.post(path.format(pk=tickets[0].pk)).status_code == 405


def test_the_list_takes_a_bounded_number_of_queries(
    admin_client, acme, django_assert_max_num_queries
):
    for n in range(30):
        TicketFactory(customer_id=acme.pk, subject=f"Question {n}")
    # Not one per row: session, staff member, permissions, then the page.
    with django_assert_max_num_queries(15):
        html = admin_client.get(LIST, {"q": "question"}).content.decode()
    assert rows_in(html) == 30
    with django_assert_max_num_queries(10):
        html = admin_client.get(LIST, {"customer": acme.pk}).content.decode()
    assert rows_in(html) == 30
