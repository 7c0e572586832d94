"""Loading demo data into the test database, through the services and in bulk."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.demo.history import FAST_EVENT_KINDS
from cloudfactory.demo.loader import Path, choose_path, demo_load
from cloudfactory.errors import DomainError
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order
from cloudfactory.orders.services import order_place
from cloudfactory.support.models import Ticket
from cloudfactory.text import fold, search_text
from cloudfactory.textsearch.indexes import search_key, search_key_sql
from cloudfactory.users.models import TenantUser
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    TenantUserFactory,
    TicketFactory,
)
from tests.integration.search.grams import expected_gram_counts, gram_counts

from .checks import (
    assert_consistent,
    assert_counters_exact,
    assert_platform_totals_exact,
    platform_totals,
)
from .conftest import NOW

SEED = 5


def load(customers: int, path: Path, **options):
    return demo_load(customers, SEED, path=path, now=NOW, progress=False, **options)


@pytest.mark.django_db
def test_through_services_counters_totals_and_history_are_exact():
    report = load(30, Path.SERVICES)

    assert report.path == Path.SERVICES
    assert Customer.objects.count() == report.totals["customers"] == 30
    assert Event.objects.count() == report.totals["events"]
    assert_consistent()
    call_command("recount", "--check")


@pytest.mark.django_db(transaction=True)
def test_bulk_load_writes_what_the_services_write():
    load(25, Path.SERVICES)
    through_services = _snapshot(event_kinds=FAST_EVENT_KINDS)
    for model in (Event, Invoice, Order, TenantUser, Ticket, Customer):
        model.objects.all().delete()

    report = load(25, Path.BULK, processes=1)

    assert report.path == Path.BULK
    assert _snapshot(event_kinds=FAST_EVENT_KINDS) == through_services
    assert report.totals["events"] == Event.objects.count()
    slots = PlatformTotals.objects.order_by("slot")
    assert slots[0].customers == 25
    assert all(slot.customers == slot.revenue_minor == 0 for slot in slots[1:])
    assert_consistent()
    call_command("recount", "--check")


@pytest.mark.django_db(transaction=True)
def test_bulk_load_search_finds_an_accented_name_by_its_folded_form():
    load(150, Path.BULK, processes=1)
    accented = next(c for c in Customer.objects.order_by("id") if not c.name.isascii())
    word = next(w for w in accented.name.split() if not w.isascii())
    piece = fold(word)
    assert piece != word.lower()  # "Müller" is found as "muller"

    assert accented.pk in _trigram_search("customers_customer", piece)
    for customer in Customer.objects.all():
        assert customer.search_text == search_text(
            customer.name, customer.email, customer.company_name
        )
    for user in TenantUser.objects.all():
        assert user.search_text == search_text(user.name, user.email)
    for ticket in Ticket.objects.all():
        assert ticket.search_text == search_text(ticket.number, ticket.subject)
    ticket = Ticket.objects.order_by("id").first()
    assert ticket.pk in _trigram_search("support_ticket", ticket.number.lower())
    if connection.vendor == "postgresql":  # the key table, filled after the load
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, type, status, key, created_at FROM customers_customer_key"
            )
            keys = set(cursor.fetchall())
        assert keys == {
            (c.pk, c.type, c.status, search_key(c.search_text), c.created_at)
            for c in Customer.objects.all()
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, role, key FROM users_tenantuser_key")
            keys = set(cursor.fetchall())
        assert keys == {
            (u.pk, u.role, search_key(u.search_text)) for u in TenantUser.objects.all()
        }
        assert gram_counts() == expected_gram_counts()


@pytest.mark.django_db(transaction=True)
def test_bulk_load_leaves_the_ids_free_for_the_services():
    load(20, Path.BULK, processes=1)
    loaded = Customer.objects.order_by("id").last()

    customer = CustomerFactory()
    order = order_place(customer_id=loaded.pk, total_minor=500)

    assert customer.pk > loaded.pk
    assert order.number == f"ORD-{loaded.pk}-{loaded.orders_count + 1:04d}"
    assert TenantUserFactory(customer_id=loaded.pk).pk > 0
    assert InvoiceFactory(customer_id=loaded.pk).number.startswith(f"INV-{loaded.pk}-")
    assert TicketFactory(customer_id=loaded.pk).pk > 0
    assert_counters_exact()
    assert_platform_totals_exact()


@pytest.mark.django_db(transaction=True)
def test_bulk_load_puts_back_every_index_trigger_and_constraint():
    before = _schema()
    load(10, Path.BULK, processes=1)
    assert _schema() == before
    assert _disabled_triggers() == []


@pytest.mark.django_db(transaction=True)
def test_a_failed_bulk_load_leaves_the_database_as_it_was():
    before = _schema()

    def failing_chunks():
        from cloudfactory.demo.chunks import ChunkSource, Job
        from cloudfactory.demo.pools import build_pools

        job = Job(SEED, 10, NOW, "USD", connection.vendor)
        with ChunkSource(job, build_pools(SEED), 1) as chunks:
            yield from chunks
        raise RuntimeError("the generator broke")

    if connection.vendor == "postgresql":
        from cloudfactory.demo.postgresql import load_postgresql as bulk_load
    else:
        from cloudfactory.demo.sqlite import load_sqlite as bulk_load
    with pytest.raises(RuntimeError, match="the generator broke"):
        bulk_load(
            failing_chunks(), lambda chunk: None, lambda steps: None, lambda: None
        )

    assert not Customer.objects.exists()
    assert not Event.objects.exists()
    assert _schema() == before
    assert _disabled_triggers() == []


@pytest.mark.django_db
def test_a_database_with_data_is_loaded_through_the_services():
    CustomerFactory()
    report = load(3, Path.AUTO)

    assert report.path == Path.SERVICES
    assert Customer.objects.count() == 4
    assert_counters_exact()
    assert_platform_totals_exact()


@pytest.mark.django_db
def test_only_large_loads_into_an_empty_database_go_in_bulk():
    assert choose_path(5_000, Path.AUTO) == Path.SERVICES
    assert choose_path(5_001, Path.AUTO) == Path.BULK
    CustomerFactory()
    assert choose_path(5_001, Path.AUTO) == Path.SERVICES
    with pytest.raises(DomainError, match="empty database only"):
        choose_path(10, Path.BULK)


def _trigram_search(table: str, piece: str) -> set[int]:
    """Ids found through the table's trigram index (FTS5 or pg_trgm)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",
                [f'"{piece}"'],
            )
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            # Nor the whole walked index, which holds the column too.
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
            key = search_key_sql("search_text")
            query = f"SELECT id FROM {table} WHERE {key} LIKE %s"
            pattern = f"%{search_key(piece)}%"
            cursor.execute(f"EXPLAIN {query}", [pattern])
            assert f"{table}_search_key_trgm" in str(cursor.fetchall())
            cursor.execute(query, [pattern])
        return {row[0] for row in cursor.fetchall()}


def _schema() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name"
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() "
                "UNION ALL SELECT conname, pg_get_constraintdef(oid) || convalidated "
                "FROM pg_constraint "
                "UNION ALL SELECT tgname, tgenabled::text FROM pg_trigger "
                "WHERE NOT tgisinternal ORDER BY 1, 2"
            )
        return cursor.fetchall()


def _disabled_triggers() -> list[str]:
    """PostgreSQL: triggers a load paused and left so (each test's `before`
    would have them paused too)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"
        )
        return [row[0] for row in cursor.fetchall()]


def _snapshot(event_kinds) -> dict:
    """Every loaded row, with ids replaced by the customer's position."""
    position = {
        pk: n
        for n, pk in enumerate(
            Customer.objects.order_by("id").values_list("id", flat=True)
        )
    }
    order_numbers = dict(Order.objects.values_list("id", "number"))

    def number(text: str | None) -> str | None:
        if text is None:
            return None
        prefix, customer_id, sequence = text.split("-")
        return f"{prefix}-{position[int(customer_id)]}-{sequence}"

    def rows(model, *fields):
        return sorted(
            (position[row[0]], *row[1:])
            for row in model.objects.values_list("customer_id", *fields)
        )

    events = []
    for event in Event.objects.filter(kind__in=event_kinds).order_by(
        "customer_id", "id"
    ):
        payload = {k: v for k, v in event.payload.items() if not k.endswith("_id")}
        if "number" in payload:
            payload["number"] = number(payload["number"])
        events.append(
            (
                position[event.customer_id],
                event.kind,
                payload,
                event.notable,
                event.created_at,
            )
        )
    return {
        "customers": [
            {k: v for k, v in row.items() if k not in ("id", "updated_at")}
            for row in Customer.objects.order_by("id").values()
        ],
        "users": rows(
            TenantUser,
            "name",
            "email",
            "role",
            "created_at",
            "last_seen_at",
            "search_text",
        ),
        "orders": [
            (c, number(n), *rest)
            for c, n, *rest in rows(
                Order, "number", "status", "total_minor", "currency", "placed_at"
            )
        ],
        "invoices": [
            (c, number(n), number(order_numbers.get(order_id)), *rest)
            for c, n, order_id, *rest in rows(
                Invoice,
                "number",
                "order_id",
                "status",
                "amount_minor",
                "currency",
                "issued_at",
                "due_at",
                "paid_at",
            )
        ],
        "tickets": [
            (c, number(n), *rest)
            for c, n, *rest in rows(
                Ticket,
                "number",
                "subject",
                "status",
                "priority",
                "created_at",
                "updated_at",
            )
        ],
        "events": sorted(events, key=lambda e: e[0]),
        "totals": platform_totals(),
    }
