"""Every read of tenant users: the list, its count, one user."""

from dataclasses import dataclass

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import platform_totals
from cloudfactory.search.queries import search_count, search_page
from cloudfactory.users.models import TenantUser
from cloudfactory.web.pages import Page, count_capped, fetch_page, filter_by

SEARCH_FIELDS = ("name", "email")  # folded into search_text by the services
SORTS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
}
DEFAULT_SORT = "-created"


@dataclass(frozen=True)
class TenantUserFilter:
    q: str = ""
    customer: Customer | None = None
    role: str = ""
    sort: str = DEFAULT_SORT
    after: tuple | None = None
    limit: int = 50


# Filter attribute -> lookup.
USER_LOOKUPS = {"customer": "customer", "role": "role"}


def _filtered(f: TenantUserFilter):
    return filter_by(TenantUser.objects.all(), f, USER_LOOKUPS)


def tenant_user_list(f: TenantUserFilter) -> Page:
    """One page of users with their customers, in `f.sort` order. One query
    without search, three at most with it."""
    return fetch_page(
        _filtered(f).select_related("customer"),
        ordering=SORTS[f.sort],
        after=f.after,
        limit=f.limit,
        q=f.q,
        search=search_page,
    )


def tenant_user_count(f: TenantUserFilter) -> tuple[int, bool]:
    """How many users match, and whether exact: the customer's own counter when
    only the customer is filtered, so the list agrees with its badge."""
    if f.q.strip():
        return search_count(_filtered(f), f.q, cap=10_000)
    if not f.role:
        if f.customer is not None:
            return Customer.objects.get(pk=f.customer.pk).users_count, True
        return platform_totals().users, True
    return count_capped(_filtered(f))


def tenant_user_get(pk: int) -> TenantUser | None:
    """One user with its customer, or None. One query."""
    return TenantUser.objects.select_related("customer").filter(pk=pk).first()
