from datetime import timedelta

import pytest
from django.utils import timezone

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.customers.queries import platform_totals
from cloudfactory.customers.services import customer_change_status, customer_register
from cloudfactory.errors import DomainError, NotFound
from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.services import (
    invoice_issue,
    invoice_mark_overdue,
    invoice_pay,
    invoice_void,
)
from cloudfactory.orders.services import NOTABLE_ORDER_MINOR, order_place
from cloudfactory.support.services import ticket_close, ticket_open
from cloudfactory.users.services import tenant_user_add, tenant_user_remove
from tests.factories import CustomerFactory, InvoiceFactory, TenantUserFactory

pytestmark = pytest.mark.django_db


def test_registering_a_customer_folds_its_search_text_and_counts_it(admin_staff):
    customer = customer_register(
        name="Müller & Söhne",
        type="company",
        email="Info@Mueller.DE",
        company_name="Müller & Söhne GmbH",
        actor=admin_staff,
    )
    customer.refresh_from_db()
    assert customer.search_text == "muller & sohne info@mueller.de muller & sohne gmbh"
    totals = platform_totals()
    assert (totals.customers, totals.companies, totals.individuals, totals.active) == (
        1,
        1,
        0,
        1,
    )
    event = Event.objects.get(customer=customer)
    assert event.kind == "customer.created"
    assert event.actor == admin_staff
    assert event.notable is True


def test_registering_announces_the_event_only_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        customer_register(name="Acme", type="company", email="a@acme.test")
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "  "}, "needs a name"),
        ({"type": "robot"}, "Unknown customer type"),
        ({"card_last4": "12a4"}, "four digits"),
    ],
)
def test_registering_with_bad_input_is_refused_and_writes_nothing(kwargs, message):
    arguments = {"name": "Acme", "type": "company", "email": "a@acme.test", **kwargs}
    with pytest.raises(DomainError, match=message):
        customer_register(**arguments)
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0
    assert platform_totals().customers == 0


def test_changing_status_moves_the_totals_and_records_who_and_why(admin_staff):
    customer = CustomerFactory()
    customer_change_status(
        customer_id=customer.pk, status="suspended", actor=admin_staff, reason="Unpaid"
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.SUSPENDED
    totals = platform_totals()
    assert (totals.active, totals.suspended) == (0, 1)
    event = Event.objects.filter(kind="customer.status_changed").get()
    assert event.payload == {"from": "active", "to": "suspended", "reason": "Unpaid"}
    assert event.actor == admin_staff


def test_suspending_a_suspended_customer_is_refused(admin_staff):
    customer = CustomerFactory(status="suspended")
    with pytest.raises(DomainError, match="already suspended"):
        customer_change_status(
            customer_id=customer.pk, status="suspended", actor=admin_staff, reason="x"
        )


def test_a_status_change_needs_a_reason_and_an_existing_customer(admin_staff):
    customer = CustomerFactory()
    with pytest.raises(DomainError, match="reason"):
        customer_change_status(
            customer_id=customer.pk, status="inactive", actor=admin_staff, reason=" "
        )
    with pytest.raises(NotFound, match="does not exist"):
        customer_change_status(
            customer_id=customer.pk + 99,
            status="inactive",
            actor=admin_staff,
            reason="x",
        )


def test_adding_and_removing_tenant_users_keeps_the_counters():
    customer = CustomerFactory()
    first = TenantUserFactory(customer_id=customer.pk)
    TenantUserFactory(customer_id=customer.pk)
    tenant_user_remove(user_id=first.pk)
    customer.refresh_from_db()
    assert customer.users_count == 1
    assert platform_totals().users == 1


def test_the_same_email_twice_in_one_tenant_is_refused():
    customer = CustomerFactory()
    tenant_user_add(customer_id=customer.pk, name="Ann", email="ann@x.test")
    with pytest.raises(DomainError, match="already a user"):
        tenant_user_add(customer_id=customer.pk, name="Ann B", email="ANN@x.test")
    customer.refresh_from_db()
    assert customer.users_count == 1


def test_orders_are_numbered_per_customer_and_big_ones_are_notable():
    customer = CustomerFactory()
    first = order_place(customer_id=customer.pk, total_minor=100)
    second = order_place(customer_id=customer.pk, total_minor=NOTABLE_ORDER_MINOR)
    assert (first.number, second.number) == (
        f"ORD-{customer.pk}-0001",
        f"ORD-{customer.pk}-0002",
    )
    notable = Event.objects.filter(kind="order.placed", notable=True)
    assert [e.payload["number"] for e in notable] == [second.number]
    customer.refresh_from_db()
    assert customer.orders_count == 2


def test_paying_an_invoice_adds_to_revenue_once():
    customer = CustomerFactory()
    invoice = invoice_issue(customer_id=customer.pk, amount_minor=5_000)
    invoice_pay(invoice_id=invoice.pk)
    with pytest.raises(DomainError, match="only open or overdue"):
        invoice_pay(invoice_id=invoice.pk)
    customer.refresh_from_db()
    assert (customer.invoices_count, customer.revenue_minor) == (1, 5_000)
    assert platform_totals().revenue_minor == 5_000
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.paid_at is not None


def test_an_overdue_invoice_can_still_be_paid_but_a_void_one_cannot():
    overdue = InvoiceFactory(issued_at=timezone.now() - timedelta(days=60))
    invoice_mark_overdue(invoice_id=overdue.pk)
    invoice_pay(invoice_id=overdue.pk)
    void = InvoiceFactory()
    invoice_void(invoice_id=void.pk, reason="Duplicate")
    with pytest.raises(DomainError, match="void"):
        invoice_pay(invoice_id=void.pk)
    with pytest.raises(DomainError, match="cannot be voided"):
        invoice_void(invoice_id=overdue.pk)


def test_an_invoice_may_only_reference_its_own_customers_order():
    customer, other = CustomerFactory(), CustomerFactory()
    order = order_place(customer_id=other.pk, total_minor=10)
    with pytest.raises(DomainError, match="not an order of"):
        invoice_issue(customer_id=customer.pk, amount_minor=10, order_id=order.pk)
    assert Invoice.objects.count() == 0


def test_tickets_open_and_close_once():
    customer = CustomerFactory()
    ticket = ticket_open(
        customer_id=customer.pk, subject="Cannot log in", priority="high"
    )
    assert ticket.search_text == f"tkt-{customer.pk}-0001 cannot log in"
    ticket_close(ticket_id=ticket.pk)
    with pytest.raises(DomainError, match="already closed"):
        ticket_close(ticket_id=ticket.pk)
    customer.refresh_from_db()
    assert customer.tickets_count == 1


def test_writes_to_a_missing_customer_are_refused():
    with pytest.raises(NotFound, match="Customer #404 does not exist"):
        order_place(customer_id=404, total_minor=1)


def test_platform_totals_come_back_after_the_slot_rows_are_lost():
    PlatformTotals.objects.all().delete()
    CustomerFactory()
    assert platform_totals().customers == 1
