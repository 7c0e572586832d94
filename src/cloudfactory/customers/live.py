"""What live events say about customers (declared to activity.messages)."""

from collections.abc import Mapping

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import platform_totals
from cloudfactory.money import format_money, format_money_compact

# Seen only by members who may see billing details (as in the detail panel).
BILLING_FIELDS = (
    "card_brand",
    "card_last4",
    "card_exp_month",
    "card_exp_year",
    "billing_address",
)
SNAPSHOT_FIELDS = (
    "id",
    "name",
    "type",
    "status",
    "users_count",
    "orders_count",
    "invoices_count",
    "tickets_count",
    "revenue_minor",
    *BILLING_FIELDS,
)


def customer_snapshots(ids: set[int]) -> Mapping[int, dict]:
    """Each customer as it is now, after the batch's changes. One query."""
    labels = dict(Customer.Status.choices)
    snapshots = {}
    for row in Customer.objects.filter(pk__in=ids).values(*SNAPSHOT_FIELDS):
        row["status_label"] = labels.get(row["status"], row["status"])
        snapshots[row["id"]] = row
    return snapshots


def totals_figures() -> dict:
    """The summary cards' figures, as the cards write them. One query."""
    totals = platform_totals()
    return {
        "totals": {
            "customers": f"{totals.customers:,}",
            "companies": f"{totals.companies:,}",
            "individuals": f"{totals.individuals:,}",
            "active": f"{totals.active:,}",
            "suspended": f"{totals.suspended:,}",
            "users": f"{totals.users:,}",
            "users_per_customer": totals.users_per_customer,
            "revenue": format_money_compact(totals.revenue_minor),
            "revenue_exact": format_money(totals.revenue_minor),
        }
    }
