"""What every demo load must leave behind, read back from the database."""

from django.db import connection
from django.db.models import Sum

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order
from cloudfactory.orders.services import NOTABLE_ORDER_MINOR
from cloudfactory.support.models import Ticket
from cloudfactory.users.models import TenantUser

COUNTER_SQL = """
    SELECT c.id,
           c.users_count = (SELECT count(*) FROM users_tenantuser u
                            WHERE u.customer_id = c.id),
           c.orders_count = (SELECT count(*) FROM orders_order o
                             WHERE o.customer_id = c.id),
           c.invoices_count = (SELECT count(*) FROM invoices_invoice i
                               WHERE i.customer_id = c.id),
           c.tickets_count = (SELECT count(*) FROM support_ticket t
                              WHERE t.customer_id = c.id),
           c.revenue_minor = (SELECT coalesce(sum(amount_minor), 0)
                              FROM invoices_invoice i
                              WHERE i.customer_id = c.id AND i.status = 'paid')
    FROM customers_customer c
"""


def assert_counters_exact() -> None:
    with connection.cursor() as cursor:
        cursor.execute(COUNTER_SQL)
        drift = [row[0] for row in cursor.fetchall() if not all(row[1:])]
    assert drift == []


def platform_totals() -> dict[str, int]:
    sums = PlatformTotals.objects.aggregate(
        **{name: Sum(name) for name in PlatformTotals.FIELDS}
    )
    return {name: value or 0 for name, value in sums.items()}


def assert_platform_totals_exact() -> None:
    customers = Customer.objects
    assert platform_totals() == {
        "customers": customers.count(),
        "companies": customers.filter(type="company").count(),
        "individuals": customers.filter(type="individual").count(),
        "active": customers.filter(status="active").count(),
        "suspended": customers.filter(status="suspended").count(),
        "inactive": customers.filter(status="inactive").count(),
        "users": TenantUser.objects.count(),
        "orders": Order.objects.count(),
        "invoices": Invoice.objects.count(),
        "tickets": Ticket.objects.count(),
        "revenue_minor": Invoice.objects.filter(status="paid").aggregate(
            total=Sum("amount_minor")
        )["total"]
        or 0,
    }


def assert_history_matches_the_records() -> None:
    """The account history: created, status changes, notable orders, paid and
    overdue invoices, each at the time of what it records, in id order."""
    orders = {o.pk: o for o in Order.objects.all()}
    invoices = {i.pk: i for i in Invoice.objects.all()}
    for customer in Customer.objects.all():
        events = list(Event.objects.filter(customer=customer).order_by("id"))
        assert events[0].kind == "customer.created"
        assert events[0].notable is True
        assert events[0].created_at == customer.created_at
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        changes = [e for e in events if e.kind == "customer.status_changed"]
        if customer.status == "active":
            assert changes == []
        else:
            assert changes[-1].notable is True
            assert changes[-1].payload["to"] == customer.status
            assert changes[-1].payload["from"] == "active"
            assert changes[-1].payload["reason"]
        for event in events:
            if event.kind == "order.placed":
                order = orders[event.payload["order_id"]]
                assert event.created_at == order.placed_at
                assert event.notable is (order.total_minor >= NOTABLE_ORDER_MINOR)
            elif event.kind == "invoice.paid":
                invoice = invoices[event.payload["invoice_id"]]
                assert event.notable is True
                assert event.created_at == invoice.paid_at
            elif event.kind == "invoice.overdue":
                assert event.notable is True
                assert event.created_at >= invoices[event.payload["invoice_id"]].due_at


def assert_records_follow_their_customer() -> None:
    created = dict(Customer.objects.values_list("id", "created_at"))
    for model, field in (
        (TenantUser, "created_at"),
        (Order, "placed_at"),
        (Invoice, "issued_at"),
        (Ticket, "created_at"),
    ):
        for customer_id, at in model.objects.values_list("customer_id", field):
            assert at >= created[customer_id]
    assert not Invoice.objects.filter(status="paid", paid_at__isnull=True).exists()


def assert_consistent() -> None:
    assert_counters_exact()
    assert_platform_totals_exact()
    assert_history_matches_the_records()
    assert_records_follow_their_customer()
