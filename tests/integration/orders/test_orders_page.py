"""The Orders page (/orders): filters, search, sort, pages, panel, export,
permissions, and the customer badge's promise that the list counts the same."""

from datetime import UTC, datetime, timedelta

import pytest

from cloudfactory.activity.models import Event
from cloudfactory.orders.models import Order
from cloudfactory.orders.services import order_place
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

LIST = "/orders"
EXPORT = "/orders/export"


def at(day: str, time: str = "12:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=UTC)


def numbers(html: str) -> list[str]:
    return row_links(html)


@pytest.fixture
def acme():
    customer = CustomerFactory(name="Acme Corp")
    for status, total, placed in (
        ("pending", 12_500, at("2025-03-01", "10:00")),
        ("paid", 99_900, at("2025-03-12", "14:03")),
        ("fulfilled", 5_000, at("2025-03-20", "09:00")),
    ):
        OrderFactory(
            customer_id=customer.pk, status=status, total_minor=total, placed_at=placed
        )
    return customer


@pytest.fixture
def muller():
    customer = CustomerFactory(name="Müller GmbH")
    OrderFactory(
        customer_id=customer.pk,
        status="cancelled",
        total_minor=250_000,
        placed_at=at("2025-03-15", "23:30"),
    )
    OrderFactory(
        customer_id=customer.pk,
        status="fulfilled",
        total_minor=12_500,
        placed_at=at("2025-04-02", "08:00"),
    )
    return customer


def ord(customer, sequence: int) -> str:
    return f"ORD-{customer.pk}-{sequence:04d}"


def test_the_page_lists_every_order_newest_first(admin_client, acme, muller):
    response = admin_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    for header in ("Number", "Customer", "Status", "Total", "Placed", "Export"):
        assert header in html
    assert numbers(html) == [
        ord(muller, 2),
        ord(acme, 3),
        ord(muller, 1),
        ord(acme, 2),
        ord(acme, 1),
    ]
    assert shown_count(html, "orders") == "5"
    assert "$999.00" in html and "$2,500.00" in html
    assert "12 Mar 2025" in html and 'title="12 Mar 2025, 14:03:00 UTC"' in html
    assert '<span class="pill pill-muted">Cancelled</span>' in html
    assert 'aria-current="page"' in html.split('data-label="Orders"')[1][:40]


def test_htmx_gets_the_results_fragment(admin_client, acme):
    response = admin_client.get(
        LIST, {"status": "paid"}, headers={"HX-Request": "true"}
    )
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="list-results"')
    assert numbers(html) == [ord(acme, 2)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "fulfilled"}, [("muller", 2), ("acme", 3)]),
        ({"status": "pending"}, [("acme", 1)]),
        (
            {"placed_from": "2025-03-12", "placed_to": "2025-03-15"},
            [("muller", 1), ("acme", 2)],
        ),
        (
            {"placed_from": "12 Mar 2025", "placed_to": "15 march 2025"},
            [("muller", 1), ("acme", 2)],
        ),
        ({"placed_from": "2025-03-20"}, [("muller", 2), ("acme", 3)]),
        ({"placed_to": "2025-03-01"}, [("acme", 1)]),
        (
            {
                "status": "fulfilled",
                "placed_from": "2025-03-13",
                "placed_to": "2025-03-31",
            },
            [("acme", 3)],
        ),
    ],
)
def test_status_and_placed_filters(admin_client, acme, muller, params, expected):
    customers = {"acme": acme, "muller": muller}
    html = admin_client.get(LIST, params).content.decode()
    assert numbers(html) == [ord(customers[name], n) for name, n in expected]
    assert shown_count(html, "orders") == str(len(expected))


def test_placed_days_are_the_staff_members_own(client, acme):
    # 20:00 UTC on 11 March is already 12 March in Tokyo.
    late = OrderFactory(customer_id=acme.pk, placed_at=at("2025-03-11", "20:00"))
    day = {"placed_from": "2025-03-12", "placed_to": "2025-03-12"}
    tokyo = StaffFactory()
    tokyo.time_zone = "Asia/Tokyo"  # no service sets it yet
    tokyo.save(update_fields=["time_zone"])
    client.force_login(tokyo)
    assert late.number in numbers(client.get(LIST, day).content.decode())
    client.force_login(StaffFactory())
    assert late.number not in numbers(client.get(LIST, day).content.decode())


def test_rows_show_times_in_the_staff_members_own_zone(client, acme):
    OrderFactory(customer_id=acme.pk, placed_at=at("2025-03-11", "20:00"))
    tokyo = StaffFactory()
    tokyo.time_zone = "Asia/Tokyo"
    tokyo.save(update_fields=["time_zone"])
    client.force_login(tokyo)
    html = client.get(LIST).content.decode()
    assert '<time datetime="2025-03-12T05:00:00+09:00"' in html
    assert 'title="12 Mar 2025, 05:00:00 JST">12 Mar 2025</time>' in html
    client.force_login(StaffFactory())
    html = client.get(LIST).content.decode()
    assert 'title="11 Mar 2025, 20:00:00 UTC">11 Mar 2025</time>' in html


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("muller", [("muller", 2), ("muller", 1)]),  # accents folded
        ("MÜLLER gmbh", [("muller", 2), ("muller", 1)]),
        ("acme", [("acme", 3), ("acme", 2), ("acme", 1)]),
        ("{acme}", [("acme", 3), ("acme", 2), ("acme", 1)]),
        ("ORD-{acme}-0002", [("acme", 2)]),
        ("ord-{acme}-2", [("acme", 2)]),
        ("ORD-{acme}-000", [("acme", 3), ("acme", 2), ("acme", 1)]),
        ("{muller}-1", [("muller", 1)]),
        ("nobody at all", []),
    ],
)
def test_search_by_number_or_customer_name(admin_client, acme, muller, q, expected):
    customers = {"acme": acme, "muller": muller}
    q = q.format(acme=acme.pk, muller=muller.pk)
    html = admin_client.get(LIST, {"q": q}).content.decode()
    assert numbers(html) == [ord(customers[name], n) for name, n in expected]
    assert shown_count(html, "orders") == str(len(expected))


def test_search_marks_the_match_and_escapes_names(admin_client):
    customer = CustomerFactory(name="<b>Müller</b> & Co")
    OrderFactory(customer_id=customer.pk)
    html = admin_client.get(LIST, {"q": "muller"}).content.decode()
    assert "&lt;b&gt;<mark>Müller</mark>&lt;/b&gt; &amp; Co" in html
    assert "<b>Müller</b>" not in html


def test_search_combines_with_the_filters(admin_client, acme, muller):
    html = admin_client.get(LIST, {"q": "muller", "status": "cancelled"}).content
    assert numbers(html.decode()) == [ord(muller, 1)]
    params = {"customer": acme.pk, "q": "muller"}
    html = admin_client.get(LIST, params).content.decode()
    assert numbers(html) == []
    assert "No orders of <bdi>Acme Corp</bdi> match “<bdi>muller</bdi>”" in html
    params = {"customer": acme.pk, "status": "paid", "placed_to": "2025-03-31"}
    assert numbers(admin_client.get(LIST, params).content.decode()) == [ord(acme, 2)]


def test_an_empty_result_says_what_matched_nothing(admin_client, acme):
    html = admin_client.get(LIST, {"status": "refunded"}).content.decode()
    assert "No refunded orders" in html
    assert "Clear filters" in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "placed",
            [("acme", 1), ("acme", 2), ("muller", 1), ("acme", 3), ("muller", 2)],
        ),
        (
            "-placed",
            [("muller", 2), ("acme", 3), ("muller", 1), ("acme", 2), ("acme", 1)],
        ),
        # Equal totals follow the id, in the sort's direction.
        (
            "total",
            [("acme", 3), ("acme", 1), ("muller", 2), ("acme", 2), ("muller", 1)],
        ),
        (
            "-total",
            [("muller", 1), ("acme", 2), ("muller", 2), ("acme", 1), ("acme", 3)],
        ),
    ],
)
def test_sorting(admin_client, acme, muller, sort, expected):
    customers = {"acme": acme, "muller": muller}
    html = admin_client.get(LIST, {"sort": sort}).content.decode()
    assert numbers(html) == [ord(customers[name], n) for name, n in expected]


@pytest.fixture
def many():
    """122 orders over two customers, placed at only four instants (so the
    keyset must break ties by id) and with only three totals."""
    first, second = CustomerFactory(name="Busy One"), CustomerFactory(name="Busy Two")
    instants = [at("2025-05-01") + timedelta(hours=h) for h in range(4)]
    for n in range(122):
        OrderFactory(
            customer_id=(first if n % 3 else second).pk,
            placed_at=instants[n % 4],
            total_minor=(n % 3) * 1_000,
        )
    return first, second


@pytest.mark.parametrize("sort", ["-placed", "placed", "total", "-total"])
def test_load_more_walks_every_order_once_in_order(admin_client, many, sort):
    ids, first = walk(admin_client, LIST, {"sort": sort}, "orders")
    assert ids == ids_in_sort(
        Order, sort, {"placed": "placed_at", "total": "total_minor"}
    )
    assert len(row_ids(first, "orders")) == 50
    assert shown_count(first, "orders") == "122"


def test_the_customer_filter_lists_exactly_the_badge_count(admin_client, many):
    _, second = many
    counts = [listed_for_customer(admin_client, LIST, "orders", c) for c in many]
    assert counts == [81, 41]

    order_place(customer_id=second.pk, total_minor=1)
    assert listed_for_customer(admin_client, LIST, "orders", second) == 42


def test_a_customer_with_no_orders_shows_none(admin_client, acme):
    quiet = CustomerFactory(name="Quiet Ltd")
    html = admin_client.get(LIST, {"customer": quiet.pk}).content.decode()
    assert numbers(html) == []
    assert shown_count(html, "orders") == "0"
    assert "No orders of <bdi>Quiet Ltd</bdi>" in html


def test_removing_the_chip_shows_every_order(admin_client, acme, muller):
    params = {"customer": acme.pk, "status": "fulfilled"}
    html = admin_client.get(LIST, params).content.decode()
    assert "Customer: Acme Corp" in html
    assert 'href="/orders?status=fulfilled"' in html  # the × keeps the status
    html = admin_client.get(LIST, {"status": "fulfilled"}).content.decode()
    assert "Customer: Acme Corp" not in html
    assert numbers(html) == [ord(muller, 2), ord(acme, 3)]
    assert len(row_ids(admin_client.get(LIST).content.decode(), "orders")) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"customer": "999999"}, "Customer #999999 does not exist"),
        ({"customer": "abc"}, "The customer filter must be a customer number"),
        ({"customer": "-3"}, "The customer filter must be a customer number"),
        ({"status": "lost"}, "Choose an order status from the list."),
        (
            {"placed_from": "yesterday"},
            "Placed from must be a day like 12 Mar 2025 or 2025-03-12.",
        ),
        (
            {"placed_to": "2025-02-30"},
            "Placed to must be a day like 12 Mar 2025 or 2025-03-12.",
        ),
        (
            {"placed_from": "2025-03-15", "placed_to": "2025-03-12"},
            "The start date must be on or before the end date.",
        ),
        ({"sort": "price"}, "Sort by one of: placed, total."),
        ({"cursor": "!!"}, "This page link is damaged"),
        ({"selected": "x"}, "The selected row must be a number."),
    ],
)
def test_bad_url_state_is_a_400_with_a_sentence(admin_client, acme, params, message):
    response = admin_client.get(LIST, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    export = admin_client.get(EXPORT, params)
    assert export.status_code == 400
    assert message in export.content.decode()


def test_the_panel_shows_the_order_its_customer_and_invoices(admin_client, acme):
    order = acme.orders.get(number=ord(acme, 2))
    invoice = InvoiceFactory(
        customer_id=acme.pk, order_id=order.pk, amount_minor=99_900
    )
    html = admin_client.get(f"/orders/{order.pk}/panel").content.decode()
    assert ord(acme, 2) in html
    assert "Paid" in html and "$999.00" in html and "12 Mar 2025" in html
    assert f'href="/customers/?selected={acme.pk}">Acme Corp</a>' in html
    assert invoice.number in html
    assert f"/invoices?customer={acme.pk}&amp;selected={invoice.pk}" in html
    other = acme.orders.get(number=ord(acme, 1))
    html = admin_client.get(f"/orders/{other.pk}/panel").content.decode()
    assert "No invoices for this order yet." in html


def test_the_panel_of_a_missing_order_is_a_404(admin_client):
    response = admin_client.get("/orders/999999/panel")
    assert response.status_code == 404
    assert "#999999 does not exist" in response.content.decode()


def test_a_selected_order_opens_with_the_page(admin_client, acme):
    order = acme.orders.get(number=ord(acme, 3))
    html = admin_client.get(LIST, {"selected": order.pk}).content.decode()
    panel = 'class="detail-panel" aria-labelledby="panel-title" data-panel'
    assert f'{panel} data-row-id="{order.pk}">' in html
    assert f'data-row-id="{order.pk}" tabindex="-1" aria-selected="true"' in html
    html = admin_client.get(LIST, {"selected": 999999}).content.decode()
    assert "Order #999999 does not exist." in html


def test_the_page_costs_the_same_queries_for_30_rows(
    admin_client, django_assert_max_num_queries
):
    for n in range(30):
        OrderFactory(customer_id=CustomerFactory(name=f"Shop {n}").pk)
    # The page also reads the member's columns and saved views: one query each.
    with django_assert_max_num_queries(9):
        html = admin_client.get(LIST).content.decode()
    assert len(row_ids(html, "orders")) == 30
    customer = Order.objects.first().customer_id
    # The name search looks the customers up for the page and for the count,
    # and the page's customers follow its rows in one query.
    with django_assert_max_num_queries(13):
        admin_client.get(LIST, {"customer": customer, "q": "shop"})


def test_export_streams_every_matching_order_and_is_logged(
    admin_client, admin_staff, acme, muller
):
    response = admin_client.get(EXPORT, {"customer": acme.pk, "sort": "placed"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="orders-')
    rows = csv_rows(response)
    assert rows[0] == ["Number", "Customer", "Status", "Total", "Currency", "Placed"]
    assert rows[1:] == [
        [ord(acme, 1), "Acme Corp", "Pending", "125.00", "USD", "2025-03-01T10:00:00Z"],
        [ord(acme, 2), "Acme Corp", "Paid", "999.00", "USD", "2025-03-12T14:03:00Z"],
        [
            ord(acme, 3),
            "Acme Corp",
            "Fulfilled",
            "50.00",
            "USD",
            "2025-03-20T09:00:00Z",
        ],
    ]
    event = Event.objects.get(kind="orders.exported")
    assert event.actor == admin_staff
    assert event.payload["rows"] == 3
    assert event.payload["complete"] is True
    assert event.payload["filters"]["customer_id"] == acme.pk
    assert event.payload["filters"]["sort"] == "placed"


def test_export_follows_search_status_and_dates(admin_client, acme, muller):
    params = {"q": "müller", "placed_from": "2025-03-15", "placed_to": "2025-03-15"}
    rows = csv_rows(admin_client.get(EXPORT, params))
    assert [row[0] for row in rows[1:]] == [ord(muller, 1)]
    assert rows[1][3] == "2500.00"
    filters = Event.objects.get(kind="orders.exported").payload["filters"]
    assert filters["q"] == "müller"
    assert filters["placed_since"] == "2025-03-15T00:00:00+00:00"
    assert filters["placed_before"] == "2025-03-16T00:00:00+00:00"
    rows = csv_rows(admin_client.get(EXPORT, {"status": "fulfilled"}))
    assert [row[0] for row in rows[1:]] == [ord(muller, 2), ord(acme, 3)]


def test_export_takes_every_matching_customer_the_list_only_samples(
    admin_client, monkeypatch
):
    # The list looks through at most CUSTOMERS_MATCHED customers for a name.
    monkeypatch.setattr("cloudfactory.customers.records.CUSTOMERS_MATCHED", 1)
    for name in ("Nordwind A", "Nordwind B"):
        OrderFactory(customer_id=CustomerFactory(name=name).pk)
    html = admin_client.get(LIST, {"q": "nordwind"}).content.decode()
    assert shown_count(html, "orders") == "1+"
    rows = csv_rows(admin_client.get(EXPORT, {"q": "nordwind"}))
    assert sorted(row[1] for row in rows[1:]) == ["Nordwind A", "Nordwind B"]


def test_export_neutralises_formulas_and_keeps_each_currencys_places(admin_client):
    sly = CustomerFactory(name='=HYPERLINK("http://evil.test","Open")')
    order = OrderFactory(customer_id=sly.pk, total_minor=1_234_567)
    yen = OrderFactory(customer_id=sly.pk, total_minor=1_500)
    Order.objects.filter(pk=yen.pk).update(currency="JPY")
    rows = csv_rows(admin_client.get(EXPORT, {"customer": sly.pk, "sort": "placed"}))
    assert rows[1][:5] == [
        order.number,
        '\'=HYPERLINK("http://evil.test","Open")',
        "Pending",
        "12345.67",
        "USD",
    ]
    assert rows[2][3:5] == ["1500", "JPY"]


def test_a_viewer_sees_orders_but_cannot_export(client, acme):
    client.force_login(StaffFactory(role="viewer"))
    html = client.get(LIST).content.decode()
    assert len(row_ids(html, "orders")) == 3
    assert 'id="export-link"' not in html
    assert client.get(EXPORT).status_code == 403
    assert not Event.objects.filter(kind="orders.exported").exists()


def test_a_billing_member_may_export(client, acme):
    client.force_login(StaffFactory(role="billing"))
    assert 'id="export-link"' in client.get(LIST).content.decode()
    assert client.get(EXPORT).status_code == 200


def test_a_member_without_the_view_permission_gets_403(client, acme):
    nobody = StaffFactory()
    nobody.groups.clear()
    client.force_login(nobody)
    order = acme.orders.first()
    assert client.get(LIST).status_code == 403
    assert client.get(f"/orders/{order.pk}/panel").status_code == 403
    assert client.get(EXPORT).status_code == 403
    html = client.get("/customers/").content.decode()
    assert 'data-label="Orders"' not in html


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    for url in (LIST, EXPORT, f"/orders/{acme.orders.first().pk}/panel"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login")


def test_only_get_is_allowed(admin_client, acme):
    order = acme.orders.first()
    for url in (LIST, EXPORT, f"/orders/{order.pk}/panel"):
        assert admin_client.post(url).status_code == 405


def test_placed_days_show_as_the_app_writes_them(admin_client):
    html = admin_client.get(LIST, {"placed_from": "2025-03-02"}).content.decode()
    assert 'value="2 Mar 2025"' in html
    assert 'placeholder="Any day"' in html
    assert 'title="A day, like 1 Dec 2026"' in html
