"""The Invoices page (/invoices): filters, search, sort, pages, panel, export,
permissions, and the customer badge's promise that the list counts the same."""

from datetime import UTC, datetime, timedelta

import pytest

from cloudfactory.activity.models import Event
from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.services import (
    invoice_issue,
    invoice_mark_overdue,
    invoice_pay,
    invoice_void,
)
from tests.factories import CustomerFactory, InvoiceFactory, OrderFactory, StaffFactory
from tests.integration.orders.pages import (
    csv_rows,
    ids_in_sort,
    listed_for_customer,
    row_ids,
    row_links,
    shown_count,
    walk,
)

pytestmark = pytest.mark.django_db

LIST = "/invoices"
EXPORT = "/invoices/export"


def at(day: str, time: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def inv(customer, sequence: int) -> str:
    return f"INV-{customer.pk}-{sequence:04d}"


@pytest.fixture
def acme():
    customer = CustomerFactory(name="Acme Corp")
    order = OrderFactory(customer_id=customer.pk, total_minor=12_500)
    paid = InvoiceFactory(
        customer_id=customer.pk,
        order_id=order.pk,
        amount_minor=12_500,
        issued_at=at("2025-03-01", "10:00"),
    )
    invoice_pay(invoice_id=paid.pk, paid_at=at("2025-03-05", "09:00"))
    InvoiceFactory(
        customer_id=customer.pk,
        amount_minor=99_900,
        issued_at=at("2025-03-12", "14:03"),
    )
    InvoiceFactory(
        customer_id=customer.pk,
        amount_minor=5_000,
        status="draft",
        issued_at=at("2025-03-20", "09:00"),
        due_at=at("2025-03-25", "09:00"),
    )
    return customer


@pytest.fixture
def muller():
    customer = CustomerFactory(name="Müller GmbH")
    late = InvoiceFactory(
        customer_id=customer.pk,
        amount_minor=250_000,
        issued_at=at("2025-03-15", "23:30"),
    )
    invoice_mark_overdue(invoice_id=late.pk)
    voided = InvoiceFactory(
        customer_id=customer.pk,
        amount_minor=12_500,
        issued_at=at("2025-04-02", "08:00"),
    )
    invoice_void(invoice_id=voided.pk, reason="Issued twice")
    return customer


def expect(customers: dict, expected: list[tuple[str, int]]) -> list[str]:
    return [inv(customers[name], n) for name, n in expected]


def test_the_page_lists_every_invoice_newest_first(admin_client, acme, muller):
    response = admin_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    headers = ("Number", "Customer", "Status", "Amount", "Issued", "Due", "Paid")
    for header in (*headers, "Export"):
        assert header in html
    customers = {"acme": acme, "muller": muller}
    assert row_links(html) == expect(
        customers,
        [("muller", 2), ("acme", 3), ("muller", 1), ("acme", 2), ("acme", 1)],
    )
    assert shown_count(html, "invoices") == "5"
    assert "$2,500.00" in html and "$999.00" in html
    assert "5 Mar 2025" in html and 'title="5 Mar 2025, 09:00:00 UTC"' in html
    assert '<span class="pill pill-danger">Overdue</span>' in html
    assert 'aria-current="page"' in html.split('data-label="Invoices"')[1][:40]


def test_htmx_gets_the_results_fragment(admin_client, acme):
    response = admin_client.get(
        LIST, {"status": "open"}, headers={"HX-Request": "true"}
    )
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="list-results"')
    assert row_links(html) == [inv(acme, 2)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "draft"}, [("acme", 3)]),
        ({"status": "open"}, [("acme", 2)]),
        ({"status": "paid"}, [("acme", 1)]),
        ({"status": "void"}, [("muller", 2)]),
        ({"status": "overdue"}, [("muller", 1)]),
        (
            {"issued_from": "2025-03-12", "issued_to": "2025-03-15"},
            [("muller", 1), ("acme", 2)],
        ),
        ({"issued_from": "2025-03-20"}, [("muller", 2), ("acme", 3)]),
        ({"issued_to": "2025-03-01"}, [("acme", 1)]),
        (
            {"status": "open", "issued_from": "2025-03-01", "issued_to": "2025-03-31"},
            [("acme", 2)],
        ),
    ],
)
def test_status_and_issued_filters(admin_client, acme, muller, params, expected):
    html = admin_client.get(LIST, params).content.decode()
    assert row_links(html) == expect({"acme": acme, "muller": muller}, expected)
    assert shown_count(html, "invoices") == str(len(expected))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("muller", [("muller", 2), ("muller", 1)]),  # accents folded
        ("MÜLLER", [("muller", 2), ("muller", 1)]),
        ("acme corp", [("acme", 3), ("acme", 2), ("acme", 1)]),
        ("INV-{acme}-0003", [("acme", 3)]),
        ("inv-{acme}-3", [("acme", 3)]),
        ("INV-{muller}", [("muller", 2), ("muller", 1)]),
        ("{muller}-000", [("muller", 2), ("muller", 1)]),
        ("no such customer", []),
    ],
)
def test_search_by_number_or_customer_name(admin_client, acme, muller, q, expected):
    q = q.format(acme=acme.pk, muller=muller.pk)
    html = admin_client.get(LIST, {"q": q}).content.decode()
    assert row_links(html) == expect({"acme": acme, "muller": muller}, expected)
    assert shown_count(html, "invoices") == str(len(expected))


def test_search_combines_with_the_filters(admin_client, acme, muller):
    params = {"q": "muller", "status": "overdue"}
    assert row_links(admin_client.get(LIST, params).content.decode()) == [
        inv(muller, 1)
    ]
    params = {"customer": muller.pk, "q": "acme"}
    html = admin_client.get(LIST, params).content.decode()
    assert row_links(html) == []
    assert "No invoices of <bdi>Müller GmbH</bdi> match “<bdi>acme</bdi>”" in html
    params = {"customer": acme.pk, "issued_from": "2025-03-10", "q": f"INV-{acme.pk}"}
    assert row_links(admin_client.get(LIST, params).content.decode()) == [
        inv(acme, 3),
        inv(acme, 2),
    ]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "issued",
            [("acme", 1), ("acme", 2), ("muller", 1), ("acme", 3), ("muller", 2)],
        ),
        ("due", [("acme", 3), ("acme", 1), ("acme", 2), ("muller", 1), ("muller", 2)]),
        ("-due", [("muller", 2), ("muller", 1), ("acme", 2), ("acme", 1), ("acme", 3)]),
    ],
)
def test_sorting(admin_client, acme, muller, sort, expected):
    html = admin_client.get(LIST, {"sort": sort}).content.decode()
    assert row_links(html) == expect({"acme": acme, "muller": muller}, expected)


@pytest.fixture
def many():
    """113 invoices over two customers, issued at only four instants and due at
    three (so the keyset must break ties by id)."""
    first, second = CustomerFactory(name="Busy One"), CustomerFactory(name="Busy Two")
    start = at("2025-05-01")
    for n in range(113):
        issued = start + timedelta(hours=n % 4)
        InvoiceFactory(
            customer_id=(first if n % 3 else second).pk,
            issued_at=issued,
            due_at=start + timedelta(days=30 + n % 3),
        )
    return first, second


@pytest.mark.parametrize("sort", ["-issued", "issued", "due", "-due"])
def test_load_more_walks_every_invoice_once_in_order(admin_client, many, sort):
    ids, first = walk(admin_client, LIST, {"sort": sort}, "invoices")
    assert ids == ids_in_sort(Invoice, sort, {"issued": "issued_at", "due": "due_at"})
    assert len(row_ids(first, "invoices")) == 50
    assert shown_count(first, "invoices") == "113"


def test_the_customer_filter_lists_exactly_the_badge_count(admin_client, many):
    first, _ = many
    counts = [listed_for_customer(admin_client, LIST, "invoices", c) for c in many]
    assert counts == [75, 38]

    invoice_issue(customer_id=first.pk, amount_minor=1)
    assert listed_for_customer(admin_client, LIST, "invoices", first) == 76


def test_removing_the_chip_shows_every_invoice(admin_client, acme, muller):
    params = {"customer": acme.pk, "q": "inv"}
    html = admin_client.get(LIST, params).content.decode()
    assert "Customer: Acme Corp" in html
    assert 'href="/invoices?q=inv"' in html  # the × keeps the search
    html = admin_client.get(LIST).content.decode()
    assert "Customer: Acme Corp" not in html
    assert len(row_ids(html, "invoices")) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"customer": "999999"}, "Customer #999999 does not exist"),
        ({"customer": "1.5"}, "The customer filter must be a customer number"),
        ({"status": "late"}, "Choose an invoice status from the list."),
        (
            {"issued_from": "soon"},
            "Issued from must be a day like 12 Mar 2025 or 2025-03-12.",
        ),
        (
            {"issued_to": "2025-13-01"},
            "Issued to must be a day like 12 Mar 2025 or 2025-03-12.",
        ),
        (
            {"issued_from": "2025-04-01", "issued_to": "2025-03-01"},
            "The start date must be on or before the end date.",
        ),
        ({"sort": "amount"}, "Sort by one of: issued, due."),
        ({"cursor": "eyJ4Ijox"}, "This page link is damaged"),
    ],
)
def test_bad_url_state_is_a_400_with_a_sentence(admin_client, acme, params, message):
    response = admin_client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    partial = admin_client.get(LIST, params, headers={"HX-Request": "true"})
    assert partial.status_code == 400
    assert message in partial.content.decode()
    export = admin_client.get(EXPORT, params)
    assert export.status_code == 400
    assert message in export.content.decode()


def test_the_panel_shows_the_invoice_its_customer_and_order(admin_client, acme):
    invoice = acme.invoices.get(number=inv(acme, 1))
    html = admin_client.get(f"/invoices/{invoice.pk}/panel").content.decode()
    assert inv(acme, 1) in html
    assert "$125.00" in html
    assert "1 Mar 2025" in html and "31 Mar 2025" in html and "5 Mar 2025" in html
    assert f'href="/customers/?selected={acme.pk}">Acme Corp</a>' in html
    order_link = f"/orders?customer={acme.pk}&amp;selected={invoice.order_id}"
    assert f'href="{order_link}">{invoice.order.number}</a>' in html
    draft = acme.invoices.get(number=inv(acme, 3))
    html = admin_client.get(f"/invoices/{draft.pk}/panel").content.decode()
    assert "Not paid" in html and "Draft" in html
    assert "<dt>Order</dt><dd>None</dd>" in html
    assert admin_client.get("/invoices/999999/panel").status_code == 404


def test_a_selected_invoice_opens_with_the_page(admin_client, acme):
    invoice = acme.invoices.get(number=inv(acme, 2))
    params = {"customer": acme.pk, "selected": invoice.pk}
    html = admin_client.get(LIST, params).content.decode()
    assert f'data-panel data-row-id="{invoice.pk}"' in html
    assert f'data-row-id="{invoice.pk}" tabindex="-1" aria-selected="true"' in html


def test_the_page_costs_the_same_queries_for_30_rows(
    admin_client, django_assert_max_num_queries
):
    for n in range(30):
        InvoiceFactory(customer_id=CustomerFactory(name=f"Shop {n}").pk)
    # The page also reads the member's columns and saved views: one query each.
    with django_assert_max_num_queries(9):
        html = admin_client.get(LIST).content.decode()
    assert len(row_ids(html, "invoices")) == 30
    with django_assert_max_num_queries(9):
        admin_client.get(LIST, {"status": "open", "sort": "due"})


def test_export_streams_every_matching_invoice_and_is_logged(
    admin_client, admin_staff, acme, muller
):
    response = admin_client.get(EXPORT, {"customer": acme.pk, "sort": "issued"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="invoices-')
    rows = csv_rows(response)
    order = acme.orders.get().number
    assert rows[0] == [
        "Number",
        "Customer",
        "Status",
        "Amount",
        "Currency",
        "Issued",
        "Due",
        "Paid",
        "Order",
    ]
    assert rows[1:] == [
        [
            inv(acme, 1),
            "Acme Corp",
            "Paid",
            "125.00",
            "USD",
            "2025-03-01T10:00:00Z",
            "2025-03-31T10:00:00Z",
            "2025-03-05T09:00:00Z",
            order,
        ],
        [
            inv(acme, 2),
            "Acme Corp",
            "Open",
            "999.00",
            "USD",
            "2025-03-12T14:03:00Z",
            "2025-04-11T14:03:00Z",
            "",
            "",
        ],
        [
            inv(acme, 3),
            "Acme Corp",
            "Draft",
            "50.00",
            "USD",
            "2025-03-20T09:00:00Z",
            "2025-03-25T09:00:00Z",
            "",
            "",
        ],
    ]
    event = Event.objects.get(kind="invoices.exported")
    assert event.actor == admin_staff
    assert event.payload["rows"] == 3
    assert event.payload["complete"] is True
    assert event.payload["filters"]["customer_id"] == acme.pk


def test_export_follows_search_status_and_dates(admin_client, acme, muller):
    params = {"q": "muller", "issued_from": "2025-04-01"}
    rows = csv_rows(admin_client.get(EXPORT, params))
    assert [(row[0], row[2]) for row in rows[1:]] == [(inv(muller, 2), "Void")]
    filters = Event.objects.get(kind="invoices.exported").payload["filters"]
    assert filters["issued_since"] == "2025-04-01T00:00:00+00:00"
    assert filters["issued_before"] is None
    rows = csv_rows(admin_client.get(EXPORT, {"status": "overdue"}))
    assert [row[0] for row in rows[1:]] == [inv(muller, 1)]


def test_export_neutralises_formulas(admin_client):
    sly = CustomerFactory(name="@SUM(1+1)*cmd|' /C calc'!A0")
    InvoiceFactory(customer_id=sly.pk)
    rows = csv_rows(admin_client.get(EXPORT, {"q": "cmd"}))
    assert rows[1][1] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_a_viewer_sees_invoices_but_cannot_export(client, acme):
    client.force_login(StaffFactory(role="viewer"))
    html = client.get(LIST).content.decode()
    assert len(row_ids(html, "invoices")) == 3
    assert 'id="export-link"' not in html
    assert client.get(EXPORT).status_code == 403


def test_support_staff_may_not_export_invoices(client, acme):
    client.force_login(StaffFactory(role="support"))
    assert 'id="export-link"' not in client.get(LIST).content.decode()
    assert client.get(EXPORT).status_code == 403


def test_a_member_without_the_view_permission_gets_403(client, acme):
    nobody = StaffFactory()
    nobody.groups.clear()
    client.force_login(nobody)
    invoice = acme.invoices.first()
    assert client.get(LIST).status_code == 403
    assert client.get(f"/invoices/{invoice.pk}/panel").status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    for url in (LIST, EXPORT, f"/invoices/{acme.invoices.first().pk}/panel"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login")


def test_only_get_is_allowed(admin_client, acme):
    invoice = acme.invoices.first()
    for url in (LIST, EXPORT, f"/invoices/{invoice.pk}/panel"):
        assert admin_client.post(url).status_code == 405
