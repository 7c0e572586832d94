"""Whatever arrives in a URL or a form, nothing answers 5xx: generated values
(text with control characters and NULs, huge and negative numbers, days at the
ends of the calendar, base64 cursors holding anything) thrown at every list's
parameters and export, at its panel URLs, at the account history and at the
customer status action, on both databases.

Most examples keep all but one or two values sensible, so that the bad ones
get past the rest of the form to the code they could break."""

import base64
import json
from datetime import UTC, date, timedelta, timezone

import pytest
from django import forms
from django.db import models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CustomerFactory,
    InvoiceFactory,
    OrderFactory,
    TenantUserFactory,
    TicketFactory,
)
from tests.integration.lists.pages import LIST_PAGES

pytestmark = pytest.mark.django_db

LISTS = LIST_PAGES
# Few examples per test keep the suite fast; each run tries new ones, and
# .hypothesis/ replays any that failed.
HOSTILE = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NUMBER_EDGES = ["²", "١٢", "-1", "0", "1e309", "NaN", "9" * 40]
NUMBER_EDGES += [str(n) for n in (2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1)]
DAY_EDGES = ["0001-01-01", "9999-12-31", "2025-02-30", "10000-01-01"]
TEXT_EDGES = ["", " ", "\x00", "a\x00b", "\u202egnp.exe", "\u200b", "\ufeff"]
TEXT_EDGES += ["%", "'", '"', "\\", "<script>", "qqqqzzzz", "x" * 300]
TEXT = st.text(max_size=40)
NUMBERS = st.integers().map(str)
DAYS = st.dates().map(date.isoformat)
ANYTHING = st.one_of(
    st.sampled_from(NUMBER_EDGES + DAY_EDGES + TEXT_EDGES), TEXT, NUMBERS, DAYS
)
HUGE_NUMBERS = [2**31, 2**63 - 1, 2**63, -(2**63) - 1, 2**64, 2**80]
IDS = st.one_of(
    st.integers(min_value=0, max_value=2**80), st.sampled_from(HUGE_NUMBERS)
)

OFFSETS = st.integers(min_value=-1439, max_value=1439).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
INSTANTS = st.one_of(
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "0001-01-01T00:00:00+00:00",
            "9999-12-31T23:59:59-14:00",
            "9999-12-31T23:59:59.999999+00:00",
            "2025-03-12T14:03:00",
        ]
    ),
    st.builds(
        lambda moment, zone: moment.replace(tzinfo=zone).isoformat(),
        st.datetimes(),
        st.one_of(st.none(), st.just(UTC), OFFSETS),
    ),
)
# Anything JSON holds, in place of a sort value or an id.
JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    INSTANTS.map(lambda instant: {"t": instant}),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=3),
)


def sort_values(field: models.Field) -> st.SearchStrategy:
    """Sort values a cursor may claim for `field`: of its kind but out of
    reach of a column, or anything else."""
    if isinstance(field, models.DateTimeField):
        fitting = INSTANTS.map(lambda instant: {"t": instant})
    elif isinstance(field, models.IntegerField):
        fitting = st.one_of(st.integers(), st.sampled_from(HUGE_NUMBERS))
    else:
        fitting = st.one_of(
            st.sampled_from(["\x00", "Acme\x00", "\ud800"]), st.text(max_size=20)
        )
    # Of its kind more often than not: those reach the query.
    return st.one_of(fitting, fitting, JSON_VALUES)


def as_cursor(value, pk) -> str:
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursors_for(page, sort: str) -> st.SearchStrategy[str]:
    """Cursors for the page sorted by `sort`: ours holding anything, random
    base64, random text."""
    field = page.query.model._meta.get_field(page.query.sorts.field(sort))
    pks = st.one_of(st.integers(), st.sampled_from(HUGE_NUMBERS), JSON_VALUES)
    ours = st.builds(as_cursor, sort_values(field), pks)
    return st.one_of(
        ours,
        ours,
        st.binary(max_size=60).map(lambda raw: base64.urlsafe_b64encode(raw).decode()),
        TEXT,
    )


def sensible_values(name: str, field: forms.Field, ids: list[int]):
    """What the field takes: a recent day, the customer, a row's id, one of
    its choices."""
    if isinstance(field, forms.DateField):
        return st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(date.isoformat)
    if name == "customer":
        return st.just(str(ids[0]))
    if isinstance(field, forms.IntegerField):
        return st.sampled_from([str(pk) for pk in ids])
    if isinstance(field, forms.ChoiceField) and field.choices:
        return st.sampled_from([str(value) for value, _ in field.choices])
    return st.sampled_from(["", "acme", "ann", "ORD-1", "inv-1-1", "1", "refund"])


def hostile_values(field: forms.Field) -> st.SearchStrategy[str]:
    """Anything, and the ends of the field's own kind."""
    if isinstance(field, forms.DateField):
        return st.one_of(st.sampled_from(DAY_EDGES), DAYS, ANYTHING)
    if isinstance(field, forms.IntegerField):
        return st.one_of(st.sampled_from(NUMBER_EDGES), NUMBERS, ANYTHING)
    return ANYTHING


def filters_for(page, ids: list[int]) -> st.SearchStrategy[dict]:
    """The page's filters with values it takes, one or two given anything."""
    fields = page.form(query=page.query).fields
    fields.pop("cursor")  # see cursors_for
    sensible = st.fixed_dictionaries(
        {},
        optional={
            name: sensible_values(name, field, ids) for name, field in fields.items()
        },
    )
    hostile = st.lists(
        st.sampled_from(sorted(fields)).flatmap(
            lambda name: st.tuples(st.just(name), hostile_values(fields[name]))
        ),
        min_size=1,
        max_size=2,
    ).map(dict)
    return st.builds(lambda base, bad: {**base, **bad}, sensible, hostile)


def answer_of(response) -> int:
    """The status, once a streamed body has been read to its end."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def list_and_export(client, path: str, params: dict, htmx: bool) -> list[int]:
    """The answers of the list (the page or htmx's fragment) and its export."""
    headers = {"HX-Request": "true"} if htmx else {}
    listed = client.get(path, params, headers=headers)
    exported = client.get(f"{path.rstrip('/')}/export", params)
    return [answer_of(listed), answer_of(exported)]


@pytest.fixture
def rows() -> list[int]:
    """One row of each list, the customer's first: their ids."""
    customer = CustomerFactory(name="Acme Corp")
    user = TenantUserFactory(customer_id=customer.pk, name="Ann")
    order = OrderFactory(customer_id=customer.pk)
    invoice = InvoiceFactory(customer_id=customer.pk, order_id=order.pk)
    ticket = TicketFactory(customer_id=customer.pk, subject="Refund")
    return [row.pk for row in (customer, user, order, invoice, ticket)]


@pytest.mark.parametrize("path", LISTS)
def test_no_filter_values_make_a_list_or_its_export_fail(admin_client, rows, path):
    @HOSTILE
    @given(params=filters_for(LISTS[path], rows), htmx=st.booleans())
    def throw(params, htmx):
        answers = list_and_export(admin_client, path, params, htmx)
        assert max(answers) < 500, (params, answers)

    throw()


@pytest.mark.parametrize("path", LISTS)
def test_no_cursor_makes_a_list_or_its_export_fail(admin_client, rows, path):
    page = LISTS[path]
    sorted_by = st.sampled_from(["", *page.query.sorts.keys])
    params = sorted_by.flatmap(
        lambda sort: st.fixed_dictionaries(
            {"sort": st.just(sort), "cursor": cursors_for(page, sort)}
        )
    )

    @HOSTILE
    @given(params=params, htmx=st.booleans())
    def throw(params, htmx):
        answers = list_and_export(admin_client, path, params, htmx)
        assert max(answers) < 500, (params, answers)

    throw()


def test_no_id_in_a_url_fails(admin_client, rows):
    paths = [f"{path.rstrip('/')}/{{}}/panel" for path in LISTS]
    paths += ["/customers/{}", "/customers/{}/history?before=1"]

    @HOSTILE
    @given(path=st.sampled_from(paths), pk=st.one_of(IDS, st.sampled_from(rows)))
    def throw(path, pk):
        response = admin_client.get(path.format(pk))
        assert response.status_code < 500, (path, pk, response.status_code)

    throw()


def test_no_history_link_fails(admin_client, rows):
    @HOSTILE
    @given(before=hostile_values(forms.IntegerField()))
    def throw(before):
        url = f"/customers/{rows[0]}/history"
        response = admin_client.get(url, {"before": before})
        assert response.status_code < 500, (before, response.status_code)

    throw()


def test_no_status_change_fails(admin_client, rows):
    @HOSTILE
    @given(
        pk=st.one_of(st.just(rows[0]), IDS),
        status=st.one_of(st.sampled_from(["suspended", "inactive"]), ANYTHING),
        reason=st.one_of(ANYTHING, st.text(min_size=400, max_size=600)),
        htmx=st.booleans(),
    )
    def throw(pk, status, reason, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        # Undone, so that every example finds the customer as it was made.
        with transaction.atomic():
            response = admin_client.post(
                f"/customers/{pk}/status",
                {"status": status, "reason": reason},
                headers=headers,
            )
            transaction.set_rollback(True)
        assert response.status_code < 500, (pk, status, reason, response.status_code)

    throw()
