"""A count of one says its noun in the singular, everywhere."""

import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cloudfactory.customers.models import Customer
from cloudfactory.demo.simulate import summary
from cloudfactory.text import counted
from tests import factories
from tests.factories import CustomerFactory, TicketFactory

pytestmark = pytest.mark.django_db


def shown_count(html: str) -> str:
    match = re.search(r'id="result-count">\s*(.*?)\s*<', html, re.S)
    assert match, "no result count on the page"
    return " ".join(match.group(1).split())


def test_counted_is_singular_for_one_only():
    assert counted(0, "customer") == "0 customers"
    assert counted(1, "customer") == "1 customer"
    assert counted(1284, "customer") == "1,284 customers"
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(2, "entry", "entries") == "2 entries"


@pytest.mark.parametrize(
    ("namespace", "one", "many"),
    [
        ("customers", "1 customer", "2 customers"),
        ("users", "1 user", "2 users"),
        ("orders", "1 order", "2 orders"),
        ("invoices", "1 invoice", "2 invoices"),
        ("support", "1 ticket", "2 tickets"),
    ],
)
def test_every_list_counts_one_record_in_the_singular(
    admin_client, namespace, one, many
):
    make = {
        "customers": factories.CustomerFactory,
        "users": factories.TenantUserFactory,
        "orders": factories.OrderFactory,
        "invoices": factories.InvoiceFactory,
        "support": factories.TicketFactory,
    }[namespace]
    url = reverse(f"{namespace}:list")
    make()
    assert shown_count(admin_client.get(url).content.decode()) == one
    make()
    assert shown_count(admin_client.get(url).content.decode()) == many


def test_a_search_that_finds_one_ticket_says_so(admin_client):
    TicketFactory(subject="Printer on fire")
    TicketFactory(subject="Invoice question")
    html = admin_client.get(reverse("support:list"), {"q": "printer"}).content
    assert shown_count(html.decode()) == "1 ticket"


def test_the_simulation_summary_counts_one_change_in_the_singular():
    text = summary(Counter({"order.placed": 1}), 2.0)
    assert text.startswith("Made 1 change in 2.0 s")


def test_recount_reports_one_drifted_customer_in_the_singular(capsys):
    customer = CustomerFactory()
    Customer.objects.filter(pk=customer.pk).update(orders_count=3)
    with pytest.raises(
        CommandError, match=r"Drift found: 1 customer, 0 platform totals\."
    ):
        call_command("recount", "--check")
    call_command("recount")
    assert "Repaired 1 customer and 0 platform totals." in capsys.readouterr().out
