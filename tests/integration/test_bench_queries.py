"""The bench times what the views run by calling the same engine: it must keep
calling it the way the views do (bench/run.py is not imported by the app)."""

import sys
from pathlib import Path

import pytest

from tests.factories import CustomerFactory, OrderFactory, TenantUserFactory

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import run as bench  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/customers/", "/users", "/orders", "/invoices", "/support"]
)
@pytest.mark.parametrize("params", [{}, {"q": "acme"}, {"q": "ac"}])
def test_the_bench_times_each_lists_queries(path, params):
    customer = CustomerFactory(name="Acme Corp")
    TenantUserFactory(customer_id=customer.pk)
    OrderFactory(customer_id=customer.pk)
    db = bench.list_db_time(params, repeat=1, path=path)
    assert db.statements >= 1


def test_the_bench_times_the_export_query():
    CustomerFactory(name="Acme Corp")
    plans = []
    db, sql = bench.export_db_time(plans)
    assert "SELECT" in sql
    assert plans[0][0] == "Export (all rows)"
