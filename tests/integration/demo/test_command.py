"""`cloudfactory demo`: its options, its errors and what it prints."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cloudfactory.customers.models import Customer
from cloudfactory.demo.management.commands.demo import Command
from tests.factories import CustomerFactory


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_help_explains_the_options():
    text = Command().create_parser("cloudfactory", "demo").format_help()
    for option in (
        "--customers",
        "--seed",
        "--if-empty",
        "--fast",
        "--through-services",
    ):
        assert option in text


@pytest.mark.django_db
def test_a_run_prints_a_summary_with_counts_and_time():
    output = demo("--customers", "3", "--seed", "2")

    assert Customer.objects.count() == 3
    assert output.startswith("Loaded 3 customers, ")
    assert "through the services" in output and " s." in output


@pytest.mark.django_db
@pytest.mark.parametrize("count", ["0", "-5"])
def test_fewer_than_one_customer_is_refused(count):
    with pytest.raises(CommandError, match="at least 1"):
        demo("--customers", count)


@pytest.mark.django_db
def test_a_count_that_is_not_a_number_is_refused():
    with pytest.raises(CommandError, match="'lots' is not a whole number"):
        demo("--customers", "lots")


@pytest.mark.django_db
def test_customers_are_required():
    with pytest.raises(CommandError, match="--customers"):
        demo()


@pytest.mark.django_db
def test_fast_and_through_services_exclude_each_other():
    with pytest.raises(CommandError, match="not allowed with"):
        demo("--customers", "2", "--fast", "--through-services")


@pytest.mark.django_db
def test_fast_refuses_a_database_with_data():
    CustomerFactory()
    with pytest.raises(CommandError, match="empty database only"):
        demo("--customers", "2", "--fast")
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_if_empty_does_nothing_when_customers_exist():
    CustomerFactory()
    output = demo("--customers", "50", "--if-empty")

    assert output == "Customers already exist (1): no demo data loaded.\n"
    assert Customer.objects.count() == 1


@pytest.mark.django_db
def test_if_empty_loads_an_empty_database():
    demo("--customers", "2", "--if-empty")
    assert Customer.objects.count() == 2
