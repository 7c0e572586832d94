"""/palette: what the command palette finds, in which order, for whom, and
how it answers input no one meant to send."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.search.models import Recent
from cloudfactory.search.services import KEEP
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    StaffFactory,
    TenantUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    acme = CustomerFactory(
        name="Acme Corp", email="ops@acme.test", company_name="Acme Holdings"
    )
    CustomerFactory(name="Acme Labs", email="labs@acme-labs.test")
    CustomerFactory(name="Zoë Müller", type="individual", email="zoe@mueller.test")
    TenantUserFactory(customer_id=acme.pk, name="Ada Acme", email="ada@acme.test")
    order = OrderFactory(customer_id=acme.pk)
    invoice = InvoiceFactory(customer_id=acme.pk, order_id=order.pk)
    ticket = TicketFactory(customer_id=acme.pk, subject="Cannot export to Acme ERP")
    return {"acme": acme, "order": order, "invoice": invoice, "ticket": ticket}


def client_of(role: str | None) -> Client:
    """A signed-in member of `role`; None: a member whose role was taken away."""
    member = StaffFactory(role=role or "viewer")
    if role is None:
        member.groups.clear()
    client = Client()
    client.force_login(member)
    return client


def palette(client: Client, q: str | bytes = "") -> str:
    response = client.get("/palette", {"q": q})
    assert response.status_code == 200
    return response.content.decode()


def groups(html: str) -> list[str]:
    return re.findall(r'class="palette-group-label"[^>]*>([^<]+)<', html)


def titles(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", title)
        for title in re.findall(r'<span class="palette-title">(.*?)</span>', html)
    ]


def test_a_name_finds_customers_users_and_tickets_grouped(records):
    html = palette(client_of("admin"), "acme")
    assert groups(html)[:3] == ["Customers", "Users", "Support"]
    assert {"Acme Corp", "Acme Labs", "Ada Acme", "Cannot export to Acme ERP"} <= set(
        titles(html)
    )
    assert "Orders" not in groups(html)  # only a number asks the orders


def test_the_match_is_marked(records):
    html = palette(client_of("admin"), "müller")
    assert "<mark>Müller</mark>" in html
    assert "<mark>Müller</mark>" in palette(client_of("admin"), "muller")


@pytest.mark.parametrize(
    "query", ["INV-{customer}-0001", "inv-{customer}-0001", "ORD-{customer}-0001"]
)
def test_an_exact_number_is_the_only_best_match(records, query):
    q = query.format(customer=records["acme"].pk)
    html = palette(client_of("admin"), q)
    assert groups(html)[0] == "Best match"
    best = html.split('class="palette-group-label"')[1]
    assert best.count('role="option"') == 1
    assert q.upper() in titles(html)[0]
    # Not shown twice.
    assert titles(html).count(q.upper()) == 1


def test_a_customer_id_and_a_whole_email_are_best_matches(records):
    acme = records["acme"]
    for q in (f"#{acme.pk}", "ops@acme.test", "OPS@ACME.TEST"):
        html = palette(client_of("admin"), q)
        assert groups(html)[0] == "Best match", q
        assert titles(html)[0] == "Acme Corp", q
        assert f'data-href="/customers/?selected={acme.pk}"' in html


def test_a_tenant_users_email_is_a_best_match_too(records):
    html = palette(client_of("admin"), "ada@acme.test")
    assert groups(html)[0] == "Best match"
    assert titles(html)[0] == "Ada Acme"


def test_see_all_counts_what_the_list_shows(records):
    for n in range(6):
        CustomerFactory(name=f"Acme Branch {n}")
    html = palette(client_of("admin"), "acme")
    list_page = CUSTOMER_LIST_PAGE
    count, _ = list_page.query.count(list_page.query.filter(q="acme"))
    assert count == 8
    assert f"See all {count} in Customers" in titles(html)
    assert 'data-href="/customers/?q=acme"' in html


def test_go_to_a_page(records):
    html = palette(client_of("viewer"), "orders")
    assert "Go to Orders" in titles(html)
    assert 'data-href="/orders"' in html


def test_an_admin_is_offered_the_status_changes_a_viewer_is_not(records):
    admin = palette(client_of("admin"), "acme corp")
    assert "Suspend… Acme Corp" in titles(admin)
    assert "Mark inactive… Acme Corp" in titles(admin)
    assert "Reactivate… Acme Corp" not in titles(admin)  # it is active
    assert 'data-action="status"' in admin
    viewer = palette(client_of("viewer"), "acme corp")
    assert "Acme Corp" in titles(viewer)
    assert 'data-action="status"' not in viewer


def test_a_member_without_a_role_is_offered_no_record(records):
    html = palette(client_of(None), "acme")
    assert groups(html) == []
    assert "Nothing matches" in html
    assert (
        palette(client_of(None), f"INV-{records['acme'].pk}-0001").count(
            'role="option"'
        )
        == 0
    )


def test_user_text_is_escaped(records):
    CustomerFactory(name='<script>alert("x")</script> Ltd', email="x@evil.test")
    html = palette(client_of("admin"), "script")
    assert "<script>alert" not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "q",
    [
        "",
        " ",
        "a",
        "x" * 1000,
        "acme\x00corp",
        "\x1b[31macme",
        "%",
        "_",
        "'; DROP TABLE customers_customer; --",
        "#99999999999999999999999",
        "#-1",
        "INV-99999999999999999999-1",
        "@",
        "a@b",
        "\u202egnp.exe",
    ],
)
def test_odd_input_is_answered_calmly(records, q):
    palette(client_of("admin"), q)


def test_invalid_utf8_is_answered_calmly(records):
    response = client_of("admin").get("/palette?q=%ff%fe%fd")
    assert response.status_code == 200


def test_signed_out_gets_no_palette(records):
    assert Client().get("/palette", {"q": "acme"}).status_code in (302, 401)
    assert Client().post("/palette/recent").status_code in (302, 401, 403)


def test_the_empty_palette_offers_recent_searches_and_records(records):
    client = client_of("admin")
    acme = records["acme"]
    for kind, key, label in (
        ("search", "acme", "acme"),
        ("record", f"/customers/?selected={acme.pk}", "Acme Corp"),
    ):
        response = client.post(
            "/palette/recent", {"kind": kind, "key": key, "label": label}
        )
        assert response.status_code == 204
    html = palette(client, "")
    assert groups(html) == ["Recent searches", "Recently opened"]
    assert 'data-search="acme"' in html
    assert f'data-href="/customers/?selected={acme.pk}"' in html
    # Another member's palette stays their own.
    assert "Recent" not in "".join(groups(palette(client_of("admin"), "")))


def test_only_the_last_few_are_kept(records):
    client = client_of("admin")
    for n in range(KEEP + 3):
        client.post("/palette/recent", {"kind": "search", "key": f"q{n}", "label": "x"})
    assert Recent.objects.filter(kind="search").count() == KEEP


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "secret", "key": "acme", "label": "acme"},
        {"kind": "record", "key": "https://evil.test/", "label": "x"},
        {"kind": "record", "key": "//evil.test/x", "label": "x"},
        {"kind": "search", "key": "\x00\x01", "label": "x"},
        {"kind": "search", "key": "x" * 301, "label": "x"},
        {},
    ],
)
def test_bad_recents_are_refused_with_a_sentence(records, data):
    response = client_of("admin").post("/palette/recent", data)
    assert response.status_code == 400
    assert response.content.decode().strip()
    assert not Recent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_kinds_asked_side_by_side_answer_as_in_turn():
    """Outside a test's transaction, PostgreSQL asks each kind on a
    connection of its own (web.side_by_side): same groups, same order."""
    acme = CustomerFactory(name="Acme Corp", email="ops@acme.test")
    for n in range(6):
        CustomerFactory(name=f"Acme Branch {n}")
    TenantUserFactory(customer_id=acme.pk, name="Ada Acme", email="ada@acme.test")
    TicketFactory(customer_id=acme.pk, subject="Cannot export to Acme ERP")
    html = palette(client_of("admin"), "acme")
    assert groups(html)[:3] == ["Customers", "Users", "Support"]
    assert "See all 7 in Customers" in titles(html)
    assert {"Ada Acme", "Cannot export to Acme ERP"} <= set(titles(html))


def test_a_whole_email_is_asked_of_each_kind_once(records):
    client = client_of("admin")
    for q in ("ops@acme.test", "ada@acme.test"):
        with CaptureQueriesContext(connection) as asked:
            html = palette(client, q)
        assert groups(html)[0] == "Best match"
        statements = [(query["sql"]) for query in asked.captured_queries]
        repeated = {sql for sql in statements if statements.count(sql) > 1}
        assert not repeated, q
