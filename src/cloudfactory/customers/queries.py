from dataclasses import dataclass

from django.db.models import Sum

from cloudfactory.customers.models import PlatformTotals


@dataclass(frozen=True)
class Totals:
    customers: int = 0
    companies: int = 0
    individuals: int = 0
    active: int = 0
    suspended: int = 0
    inactive: int = 0
    users: int = 0
    orders: int = 0
    invoices: int = 0
    tickets: int = 0
    revenue_minor: int = 0


def platform_totals() -> Totals:
    """The platform totals: one query summing the slot rows, never a table scan."""
    sums = PlatformTotals.objects.aggregate(
        **{f: Sum(f) for f in PlatformTotals.FIELDS}
    )
    return Totals(**{field: value or 0 for field, value in sums.items()})
