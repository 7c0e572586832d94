"""Proof that the counters and platform totals are exact, and their repair."""

from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.db.models import Count, Sum

from cloudfactory.customers.models import Customer, PlatformTotals
from cloudfactory.customers.queries import Totals, platform_totals
from cloudfactory.invoices.models import Invoice
from cloudfactory.orders.models import Order
from cloudfactory.support.models import Ticket
from cloudfactory.users.models import TenantUser

COUNTERS = (
    "users_count",
    "orders_count",
    "invoices_count",
    "tickets_count",
    "revenue_minor",
)


@dataclass(frozen=True)
class CustomerDrift:
    customer_id: int
    stored: dict[str, int]
    actual: dict[str, int]

    @property
    def fields(self) -> list[str]:
        return [name for name in COUNTERS if self.stored[name] != self.actual[name]]


def _drift_sql() -> str:
    customers = Customer._meta.db_table
    return f"""
        SELECT c.id, c.users_count, c.orders_count, c.invoices_count, c.tickets_count,
               c.revenue_minor,
               COALESCE(u.n, 0), COALESCE(o.n, 0), COALESCE(i.n, 0), COALESCE(t.n, 0),
               COALESCE(i.revenue, 0)
        FROM {customers} c
        LEFT JOIN (SELECT customer_id, COUNT(*) AS n FROM {TenantUser._meta.db_table}
                   GROUP BY customer_id) u ON u.customer_id = c.id
        LEFT JOIN (SELECT customer_id, COUNT(*) AS n FROM {Order._meta.db_table}
                   GROUP BY customer_id) o ON o.customer_id = c.id
        LEFT JOIN (SELECT customer_id, COUNT(*) AS n,
                          SUM(CASE WHEN status = 'paid' THEN amount_minor ELSE 0 END)
                            AS revenue
                   FROM {Invoice._meta.db_table} GROUP BY customer_id) i
               ON i.customer_id = c.id
        LEFT JOIN (SELECT customer_id, COUNT(*) AS n FROM {Ticket._meta.db_table}
                   GROUP BY customer_id) t ON t.customer_id = c.id
        WHERE c.users_count <> COALESCE(u.n, 0)
           OR c.orders_count <> COALESCE(o.n, 0)
           OR c.invoices_count <> COALESCE(i.n, 0)
           OR c.tickets_count <> COALESCE(t.n, 0)
           OR c.revenue_minor <> COALESCE(i.revenue, 0)
        ORDER BY c.id
    """


def customer_drift() -> list[CustomerDrift]:
    """Customers whose stored counters differ from their rows. One (heavy) query."""
    with connection.cursor() as cursor:
        cursor.execute(_drift_sql())
        rows = cursor.fetchall()
    return [
        CustomerDrift(
            customer_id=row[0],
            stored=dict(zip(COUNTERS, row[1:6], strict=True)),
            actual=dict(zip(COUNTERS, (int(v) for v in row[6:11]), strict=True)),
        )
        for row in rows
    ]


def actual_totals() -> Totals:
    """The platform totals counted from the tables themselves (full scans)."""
    counts = {
        "customers": 0,
        "company": 0,
        "individual": 0,
        "active": 0,
        "suspended": 0,
        "inactive": 0,
    }
    groups = (
        Customer.objects.order_by().values("type", "status").annotate(n=Count("id"))
    )
    for group in groups:
        counts["customers"] += group["n"]
        counts[group["type"]] += group["n"]
        counts[group["status"]] += group["n"]
    revenue = Invoice.objects.filter(status=Invoice.Status.PAID).aggregate(
        total=Sum("amount_minor")
    )["total"]
    return Totals(
        customers=counts["customers"],
        companies=counts["company"],
        individuals=counts["individual"],
        active=counts["active"],
        suspended=counts["suspended"],
        inactive=counts["inactive"],
        users=TenantUser.objects.count(),
        orders=Order.objects.count(),
        invoices=Invoice.objects.count(),
        tickets=Ticket.objects.count(),
        revenue_minor=revenue or 0,
    )


def totals_drift() -> dict[str, tuple[int, int]]:
    """Platform totals that differ from the tables: {name: (stored, actual)}."""
    stored, actual = asdict(platform_totals()), asdict(actual_totals())
    return {k: (stored[k], actual[k]) for k in stored if stored[k] != actual[k]}


@transaction.atomic
def customer_counters_repair(drifts: list[CustomerDrift]) -> int:
    """Set each drifted customer's counters to its actual values; returns how many."""
    for drift in drifts:
        Customer.objects.filter(pk=drift.customer_id).update(**drift.actual)
    return len(drifts)


@transaction.atomic
def totals_repair() -> dict[str, tuple[int, int]]:
    """Rewrite the platform totals from the tables; returns what was wrong.

    The slot rows stay locked while the tables are counted, so a writer that
    commits meanwhile adds its delta after the reset, not before it.
    """
    slots = list(PlatformTotals.objects.select_for_update().order_by("slot"))
    drift = totals_drift()
    if drift:
        actual = asdict(actual_totals())
        zero = dict.fromkeys(PlatformTotals.FIELDS, 0)
        PlatformTotals.objects.exclude(slot=0).update(**zero)
        if not slots or slots[0].slot != 0:
            PlatformTotals.objects.create(slot=0)
        PlatformTotals.objects.filter(slot=0).update(**actual)
    return drift
