"""Names and other typed text are isolated wherever they are shown: a
right-to-left name, or a bidi control left in an old row, cannot reorder what
is beside it. The stylesheet isolates the elements that carry such text; the
sentences that embed it wrap it in <bdi>."""

import re
from pathlib import Path

import pytest

from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import customer_change_status
from tests.factories import CustomerFactory, OrderFactory, TenantUserFactory

pytestmark = pytest.mark.django_db

APP_CSS = (
    Path(__file__).resolve().parents[3] / "src/cloudfactory/web/static/web/css/app.css"
)
# A row stored before the services refused bidi controls.
OLD_NAME = "Invoice \u202egnp.exe"


def isolated_selectors() -> set[str]:
    """The selectors of the stylesheet's rules that set unicode-bidi: isolate."""
    css = re.sub(r"/\*.*?\*/", "", APP_CSS.read_text(), flags=re.DOTALL)
    found = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if re.search(r"unicode-bidi:\s*isolate", body):
            found |= {s.strip() for s in selectors.split(",")}
    return found


@pytest.fixture
def old_row():
    customer = CustomerFactory(name="Acme")
    Customer.objects.filter(pk=customer.pk).update(name=OLD_NAME)
    customer.refresh_from_db()
    return customer


def test_the_stylesheet_isolates_cells_titles_chips_and_activity():
    assert {
        ".table td",
        ".row-link",
        ".cell-sub",
        ".chip",
        ".detail-title",
        ".detail-sub a",
        ".detail-facts dd",
        ".activity-customer",
        "bdi",
    } <= isolated_selectors()


def test_list_cells_are_table_cells_of_the_isolated_table(admin_client, old_row):
    html = admin_client.get("/customers/").content.decode()
    assert '<table class="table"' in html
    assert f'<a class="row-link" href="?selected={old_row.pk}">{OLD_NAME}</a>' in html


def test_records_show_the_customer_name_in_an_isolated_cell(admin_client, old_row):
    OrderFactory(customer_id=old_row.pk)
    html = admin_client.get("/orders").content.decode()
    assert f'<td class="col-customer" data-priority="2">{OLD_NAME}</td>' in html


def test_the_panel_title_and_subtitle_link_are_isolated(admin_client, old_row):
    user = TenantUserFactory(customer_id=old_row.pk)
    panel = admin_client.get(f"/customers/{old_row.pk}/panel").content.decode()
    assert f'<h2 class="detail-title" id="panel-title">{OLD_NAME}</h2>' in panel
    user_panel = admin_client.get(f"/users/{user.pk}/panel").content.decode()
    assert re.search(
        rf'<p class="detail-sub">.*<a href="[^"]+">{OLD_NAME}</a>', user_panel
    )


def test_the_customer_chip_is_isolated(admin_client, old_row):
    html = admin_client.get("/orders", {"customer": old_row.pk}).content.decode()
    assert re.search(rf'<span class="chip-text">Customer: {OLD_NAME}</span>', html)


def test_history_wraps_the_reason_and_the_actor_in_bdi(
    admin_client, admin_staff, old_row
):
    customer_change_status(
        customer_id=old_row.pk,
        status="suspended",
        actor=admin_staff,
        reason="شركة الأمل 42",
    )
    panel = admin_client.get(f"/customers/{old_row.pk}/panel").content.decode()
    assert "“<bdi>شركة الأمل 42</bdi>”" in panel
    assert f"by <bdi>{admin_staff.display_name}</bdi>" in panel


def test_overview_events_isolate_the_customer_and_the_actor(
    admin_client, admin_staff, old_row
):
    customer_change_status(
        customer_id=old_row.pk, status="suspended", actor=admin_staff, reason="r"
    )
    html = admin_client.get("/").content.decode()
    link = f'<a class="activity-customer" href="/customers/?selected={old_row.pk}">'
    assert f"{link}{OLD_NAME}</a>" in html
    assert f"by <bdi>{admin_staff.display_name}</bdi>" in html


def test_the_empty_states_sentence_isolates_the_name_and_the_search(
    admin_client, old_row
):
    html = admin_client.get(
        "/orders", {"customer": old_row.pk, "q": "\u202eevil"}
    ).content.decode()
    assert f"No orders of <bdi>{OLD_NAME}</bdi> match “<bdi>\u202eevil</bdi>”" in html
