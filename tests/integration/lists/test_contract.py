"""The list contract, held by every list the engine serves: the five pages and
a small list declared in these tests (trial.py). What a staff member sees, over
HTTP: bad input, a missing record, caching, counts that agree with the rows
listed, and exports that list exactly the rows of the page."""

import csv
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.invoices.lists import INVOICE_LIST_PAGE
from cloudfactory.orders.lists import ORDER_LIST_PAGE
from cloudfactory.support.lists import TICKET_LIST_PAGE
from cloudfactory.support.services import ticket_open
from cloudfactory.textsearch import queries as textsearch
from cloudfactory.users.lists import USER_LIST_PAGE
from cloudfactory.web.export import BOM
from cloudfactory.web.listing import ListPage
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
)
from tests.integration.lists.trial import COUNTER_FIGURE, TRIAL_PAGE
from tests.integration.orders.pages import row_ids, shown_count, walk

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration.lists.trial")]


@dataclass(frozen=True)
class Spec:
    page: ListPage
    path: str
    # The field the export's first column shows, to compare it with the rows.
    key: str
    # A piece of one or two characters and a longer one; each matches about
    # half the rows, spread over their creation order.
    short: str
    long: str

    def __str__(self) -> str:
        return self.page.namespace


SPECS = [
    Spec(CUSTOMER_LIST_PAGE, "/customers/", "name", "ac", "acme"),
    Spec(USER_LIST_PAGE, "/users", "name", "an", "ann"),
    Spec(ORDER_LIST_PAGE, "/orders", "number", "ac", "acme"),
    Spec(INVOICE_LIST_PAGE, "/invoices", "number", "ac", "acme"),
    Spec(TICKET_LIST_PAGE, "/support", "number", "qu", "question"),
    Spec(TRIAL_PAGE, "/trial", "number", "qu", "question"),
]
each_list = pytest.mark.parametrize("spec", SPECS, ids=str)


@pytest.fixture
def records():
    """Six customers, Acme and Zenith by turns, two of each record apiece:
    the short and long pieces of every list match every other row."""
    start = timezone.now() - timedelta(days=30)
    for n in range(6):
        name = f"Acme {n}" if n % 2 == 0 else f"Zenith {n}"
        customer = CustomerFactory(
            name=name, email=f"mail{n}@x.test", created_at=start + timedelta(days=n)
        )
        for k, (person, subject) in enumerate((("Ann", "Question"), ("Zed", "Refund"))):
            at = start + timedelta(days=n, hours=k)
            TenantUserFactory(
                customer_id=customer.pk,
                name=f"{person} {n}",
                email=f"{person.lower()}{n}@x.test",
                created_at=at,
            )
            ticket_open(
                customer_id=customer.pk, subject=f"{subject} {n}", created_at=at
            )
            OrderFactory(customer_id=customer.pk, total_minor=1_000 * (n + k + 1))
            InvoiceFactory(customer_id=customer.pk, amount_minor=500 * (n + k + 1))


def first_column(response) -> list[str]:
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM)
    rows = list(csv.reader(io.StringIO(body[len(BOM) :].decode(), newline="")))
    return [row[0] for row in rows[1:]]


def listed(spec: Spec, ids: list[int]) -> list[str]:
    """What the export's first column shows for these rows, in their order."""
    found = spec.page.query.model.objects.in_bulk(ids)
    return [getattr(found[pk], spec.key) for pk in ids]


def sort_sentence(spec: Spec) -> str:
    keys = ", ".join(sort.key for sort in spec.page.query.sorts.sorts)
    return f"Sort by one of: {keys}."


@each_list
def test_a_bad_value_answers_400_with_the_forms_sentence(admin_client, spec):
    bad = {"sort": "bogus"}
    page = admin_client.get(spec.path, bad)
    partial = admin_client.get(spec.path, bad, headers={"HX-Request": "true"})
    export = admin_client.get(f"{spec.path.rstrip('/')}/export", bad)
    for response in (page, partial, export):
        assert response.status_code == 400
        assert sort_sentence(spec) in response.content.decode()
    assert partial.content.decode().lstrip().startswith('<section id="list-results"')
    assert export["Content-Type"] == "text/plain; charset=utf-8"


@each_list
def test_a_damaged_cursor_is_a_400_not_a_500(admin_client, spec):
    response = admin_client.get(spec.path, {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "This page link is damaged" in response.content.decode()


@each_list
def test_a_missing_record_says_it_does_not_exist(admin_client, spec):
    sentence = f"{spec.page.record_name} #999999 does not exist."
    page = admin_client.get(spec.path, {"selected": 999999})
    assert page.status_code == 200
    assert sentence in page.content.decode()
    panel = admin_client.get(spec.page.panel_url(999999))
    assert panel.status_code == 404
    assert sentence in panel.content.decode()


@each_list
def test_a_page_and_its_fragment_vary_on_htmx(admin_client, spec):
    for headers in ({}, {"HX-Request": "true"}):
        response = admin_client.get(spec.path, headers=headers)
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]


@each_list
def test_only_a_sort_other_than_the_default_goes_into_the_url(admin_client, spec):
    # The page tells the toolbar which sort to keep in the URL (data-sort).
    sorts = spec.page.query.sorts
    html = admin_client.get(spec.path).content.decode()
    assert 'data-sort=""' in html
    other = next(key for key in sorts.keys if key != sorts.default)
    html = admin_client.get(spec.path, {"sort": other}).content.decode()
    assert f'data-sort="{other}"' in html


@each_list
@pytest.mark.parametrize("search", ["", "short", "long"])
def test_every_sort_counts_the_rows_it_lists_and_exports_them_in_order(
    admin_client, records, monkeypatch, spec, search
):
    # Two rows a page: "Load more" is followed page after page.
    monkeypatch.setattr("cloudfactory.web.listing.PAGE_SIZE", 2)
    q = getattr(spec, search) if search else ""
    for sort in spec.page.query.sorts.keys:
        params = {"q": q, "sort": sort}
        ids, html = walk(admin_client, spec.path, params, spec.page.namespace)
        assert len(ids) == len(set(ids)) > 2, (sort, q)
        assert shown_count(html, spec.page.noun) == f"{len(ids):,}", (sort, q)
        export = admin_client.get(f"{spec.path.rstrip('/')}/export", params)
        assert export.status_code == 200
        assert first_column(export) == listed(spec, ids), (sort, q)


@each_list
def test_a_short_search_counts_the_rows_it_looked_through(
    admin_client, records, monkeypatch, spec
):
    # A short piece is looked for among the first rows in the list's order
    # only; the count must look through those same rows, whatever the sort.
    monkeypatch.setattr(textsearch, "SHORT_WINDOW", 5)
    for sort in spec.page.query.sorts.keys:
        html = admin_client.get(spec.path, {"q": spec.short, "sort": sort})
        html = html.content.decode()
        shown = shown_count(html, spec.page.noun)
        assert shown.rstrip("+") == str(len(row_ids(html, spec.page.namespace))), sort


def test_the_counter_answers_only_for_the_filters_it_covers(admin_client, records):
    ticket = TRIAL_PAGE.query.model.objects.order_by("id").first()
    by_customer = admin_client.get("/trial", {"customer_id": ticket.customer_id})
    assert shown_count(by_customer.content.decode(), "trials") == f"{COUNTER_FIGURE:,}"
    # A filter the counter does not cover: the rows are counted.
    narrowed = admin_client.get(
        "/trial", {"customer_id": ticket.customer_id, "priority": ticket.priority}
    )
    html = narrowed.content.decode()
    assert shown_count(html, "trials") == str(len(row_ids(html, "trial"))) == "2"
