"""Services refuse what their columns cannot keep, or what would mislead when
shown: too long, not an email, invisible or control characters. A sentence,
nothing written, on both databases (PostgreSQL would raise a raw DataError on
an over-long value; SQLite would store it)."""

import pytest
from django.urls import reverse

from cloudfactory.activity.models import Event
from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import customer_change_status, customer_register
from cloudfactory.errors import DomainError
from cloudfactory.invoices.models import Invoice
from cloudfactory.invoices.services import invoice_issue, invoice_void
from cloudfactory.orders.models import Order
from cloudfactory.orders.services import order_place
from cloudfactory.support.models import Ticket
from cloudfactory.support.services import ticket_open
from cloudfactory.users.models import TenantUser
from cloudfactory.users.services import tenant_user_add
from tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

HIDDEN = "invisible or control character"
BEYOND_64_BITS = 2**63


def register(**changes):
    values = {"name": "Acme Corp", "type": "company", "email": "ops@acme.test"}
    return customer_register(**{**values, **changes})


@pytest.fixture
def acme():
    return CustomerFactory(name="Acme Corp")


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        (
            {"name": "x" * 10_000},
            "The customer's name is 10,000 characters long; at most 200 fit.",
        ),
        ({"name": "Acme \u202eCorp"}, f"The customer's name holds an {HIDDEN}"),
        ({"name": "Acme\u200bCorp"}, "(U+200B)"),
        ({"name": "Acme\nCorp"}, "(U+000A)"),
        ({"email": "not-an-email"}, "“not-an-email” is not a valid email address."),
        ({"email": "ops\ufeff@acme.test"}, "(U+FEFF)"),
        ({"email": "a" * 250 + "@acme.test"}, "at most 254 fit."),
        ({"email": " "}, "A customer needs an email address."),
        ({"company_name": "y" * 201}, "The company name is 201 characters long"),
        ({"phone": "1" * 41}, "The phone number is 41 characters long"),
        ({"card_brand": "Visa\u2066"}, "The card brand holds an"),
        ({"address": "1 Main St\x00"}, "The address holds an"),
        ({"billing_address": "\u202d1 Main St"}, "The billing address holds an"),
        ({"card_last4": "²³¹⁴"}, "must be four digits."),
        ({"card_exp_month": 13}, "The card's expiry month must be from 1 to 12."),
        ({"card_exp_year": 40000}, "The card's expiry year must be from 2000"),
    ],
)
def test_a_customer_that_does_not_fit_is_refused_and_nothing_written(changes, sentence):
    with pytest.raises(DomainError) as refused:
        register(**changes)
    assert sentence in str(refused.value)
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0


def test_a_customer_at_the_columns_limits_is_kept_whole():
    customer = register(
        name="N" * 200,
        email="Ops@Acme.TEST",
        company_name="C" * 200,
        phone="1" * 40,
        address="1 Main St\r\nSpringfield",
        card_brand="B" * 20,
        card_last4="4242",
        card_exp_month=12,
        card_exp_year=2030,
    )
    customer.refresh_from_db()
    assert (customer.name, customer.email) == ("N" * 200, "ops@acme.test")
    assert customer.address == "1 Main St\r\nSpringfield"


@pytest.mark.parametrize(
    ("name", "email", "sentence"),
    [
        ("x" * 201, "ann@acme.test", "The user's name is 201 characters long"),
        ("Ann\u202e", "ann@acme.test", f"The user's name holds an {HIDDEN}"),
        ("Ann", "ann@", "The user's email address “ann@” is not a valid"),
        ("Ann", "ann\u200e@acme.test", "The user's email address holds an"),
    ],
)
def test_a_tenant_user_that_does_not_fit_is_refused(acme, name, email, sentence):
    with pytest.raises(DomainError, match=sentence.replace("(", r"\(")):
        tenant_user_add(customer_id=acme.pk, name=name, email=email)
    assert TenantUser.objects.count() == 0
    acme.refresh_from_db()
    assert acme.users_count == 0


@pytest.mark.parametrize(
    ("subject", "sentence"),
    [
        ("Invoice \u202egnp.exe", "The subject holds an invisible or control"),
        ("s" * 301, "The subject is 301 characters long; at most 300 fit."),
        ("Line\nbreak", "(U+000A)"),
    ],
)
def test_a_ticket_subject_that_does_not_fit_is_refused(acme, subject, sentence):
    with pytest.raises(DomainError) as refused:
        ticket_open(customer_id=acme.pk, subject=subject)
    assert sentence in str(refused.value)
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        ("Unpaid \u2067invoices", "The reason holds an invisible or control"),
        ("r" * 501, "The reason is 501 characters long; at most 500 fit."),
    ],
)
def test_a_status_change_reason_that_does_not_fit_is_refused(
    acme, admin_staff, reason, sentence
):
    with pytest.raises(DomainError) as refused:
        customer_change_status(
            customer_id=acme.pk, status="suspended", actor=admin_staff, reason=reason
        )
    assert sentence in str(refused.value)
    acme.refresh_from_db()
    assert acme.status == Customer.Status.ACTIVE
    assert not Event.objects.filter(kind="customer.status_changed").exists()


def test_a_reason_of_several_lines_is_kept(acme, admin_staff):
    reason = "Chargebacks:\n\tthree in March"
    customer_change_status(
        customer_id=acme.pk, status="suspended", actor=admin_staff, reason=reason
    )
    event = Event.objects.get(kind="customer.status_changed")
    assert event.payload["reason"] == reason


def test_a_void_reason_that_does_not_fit_is_refused(acme):
    invoice = InvoiceFactory(customer_id=acme.pk)
    with pytest.raises(DomainError, match="The reason holds an invisible"):
        invoice_void(invoice_id=invoice.pk, reason="Duplicate\u200f")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.OPEN


def test_amounts_beyond_a_64_bit_column_are_refused(acme):
    with pytest.raises(DomainError, match="An order total that large"):
        order_place(customer_id=acme.pk, total_minor=BEYOND_64_BITS)
    with pytest.raises(DomainError, match="An invoice amount that large"):
        invoice_issue(customer_id=acme.pk, amount_minor=BEYOND_64_BITS)
    assert Order.objects.count() == Invoice.objects.count() == 0


def test_the_status_form_shows_the_services_sentence(admin_client, acme):
    url = reverse("customers:change_status", args=[acme.pk])
    response = admin_client.post(
        url,
        {"status": "suspended", "reason": "Unpaid \u202einvoices"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert (
        "The reason holds an invisible or control character (U+202E); "
        "type it again without it."
    ) in response.content.decode()
    acme.refresh_from_db()
    assert acme.status == Customer.Status.ACTIVE


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        ("r" * 501, "Keep the reason to 500 characters (it has 501)."),
        ("Unpaid\x00", "The reason holds an invisible or control character (U+0000)"),
        ("   ", "Give a reason for the status change."),
    ],
)
def test_the_status_form_says_what_is_wrong_with_the_reason(
    admin_client, acme, reason, sentence
):
    url = reverse("customers:change_status", args=[acme.pk])
    response = admin_client.post(url, {"status": "suspended", "reason": reason})
    assert response.status_code == 422
    assert sentence in response.content.decode()
    acme.refresh_from_db()
    assert acme.status == Customer.Status.ACTIVE
