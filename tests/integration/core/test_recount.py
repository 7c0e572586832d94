import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.customers.queries import platform_totals
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    customer = CustomerFactory()
    TenantUserFactory(customer_id=customer.pk)
    OrderFactory(customer_id=customer.pk)
    InvoiceFactory(customer_id=customer.pk)
    return customer


def test_check_passes_when_everything_was_written_through_services(customer, capsys):
    call_command("recount", "--check")
    assert "All counters and platform totals are exact." in capsys.readouterr().out


def test_check_reports_customer_drift_and_fails(customer, capsys):
    Customer.objects.filter(pk=customer.pk).update(orders_count=7)
    with pytest.raises(CommandError, match="Drift found: 1 customer, "):
        call_command("recount", "--check")
    assert f"customer #{customer.pk}: orders_count 7 -> 1" in capsys.readouterr().out
    customer.refresh_from_db()
    assert customer.orders_count == 7  # --check repairs nothing


def test_recount_repairs_customer_counters_and_platform_totals(customer):
    Customer.objects.filter(pk=customer.pk).update(users_count=0, revenue_minor=99)
    PlatformTotals.objects.filter(slot=3).update(users=40, customers=-2)
    call_command("recount")
    customer.refresh_from_db()
    assert (customer.users_count, customer.revenue_minor) == (1, 0)
    totals = platform_totals()
    assert (totals.users, totals.customers) == (1, 1)
    call_command("recount", "--check")
