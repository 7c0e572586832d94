"""Every export quotes every cell, header included, and writes the same bytes on
both databases; a search that matches nothing downloads the header alone."""

import csv
import io
import re

import pytest

from cloudfactory.users.models import TenantUser
from cloudfactory.web.export import BOM, FORMULA_STARTS
from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db

EXPORTS = ("/customers/export", "/users/export", "/orders/export")
EXPORTS += ("/invoices/export", "/support/export")
# One line of the file: quoted cells (quotes inside doubled), commas between.
QUOTED_LINE = re.compile(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*')


def body_of(response) -> bytes:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(BOM)
    return body[len(BOM) :]


@pytest.fixture
def one_of_each():
    customer = CustomerFactory(name="Acme;=1+1", email="ops@acme.test")
    TenantUserFactory(customer_id=customer.pk, name="Ann;@SUM(A1)")
    OrderFactory(customer_id=customer.pk)
    InvoiceFactory(customer_id=customer.pk)
    TicketFactory(customer_id=customer.pk, subject="Refund;-2")
    return customer


@pytest.mark.parametrize("path", EXPORTS)
def test_every_cell_of_every_export_is_quoted(admin_client, one_of_each, path):
    lines = body_of(admin_client.get(path)).decode().split("\r\n")
    assert lines[-1] == ""
    assert len(lines) == 3  # the header, one row, the end
    for line in lines[:-1]:
        assert QUOTED_LINE.fullmatch(line), line


@pytest.mark.parametrize("path", EXPORTS)
def test_a_semicolon_separated_reading_finds_no_formula(
    admin_client, one_of_each, path
):
    # Spreadsheets set to a `;` list separator split unquoted `Acme;=1+1`
    # into a cell `=1+1` that they run.
    text = body_of(admin_client.get(path)).decode()
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


def test_a_name_with_a_semicolon_stays_one_quoted_neutralised_cell(
    admin_client, one_of_each
):
    body = body_of(admin_client.get("/customers/export"))
    assert b'\r\n"Acme;\'=1+1","Company","Active","ops@acme.test",' in body


def test_an_empty_cell_is_an_empty_quoted_cell_on_both_databases(admin_client):
    customer = CustomerFactory(name="Acme Corp")
    user = TenantUserFactory(customer_id=customer.pk, name="Ann", email="a@x.test")
    assert user.last_seen_at is None
    # A row written some other way than through the service may be empty.
    TenantUser.objects.filter(pk=user.pk).update(name="")

    body = body_of(admin_client.get("/users/export"))

    assert body.endswith(
        b'"","a@x.test","Acme Corp","Member",'
        + f'"{user.created_at:%Y-%m-%dT%H:%M:%SZ}",""\r\n'.encode()
    )


def test_the_header_row_is_quoted(admin_client):
    body = body_of(admin_client.get("/customers/export"))
    assert body == (
        b'"Name","Type","Status","Email","User count","Order count",'
        b'"Invoice count","Creation date"\r\n'
    )


@pytest.mark.parametrize(
    ("path", "header"),
    [
        ("/orders/export", b'"Number","Customer","Status","Total","Currency"'),
        ("/invoices/export", b'"Number","Customer","Status","Amount","Currency"'),
    ],
)
def test_a_record_search_matching_no_customer_downloads_the_header_alone(
    admin_client, path, header
):
    customer = CustomerFactory(name="Acme Corp")
    OrderFactory(customer_id=customer.pk)
    InvoiceFactory(customer_id=customer.pk)

    body = body_of(admin_client.get(path, {"q": "qqqqzzzz"}))

    assert body.startswith(header)
    assert body.count(b"\r\n") == 1
