"""Every read of tenant users: the list (its page, count and export), one user."""

from dataclasses import dataclass

from cloudfactory.customers.queries import customer_counter
from cloudfactory.textsearch.queries import TrigramSearch
from cloudfactory.users.models import TenantUser
from cloudfactory.web.query import ListFilter, ListQuery, Sort, Sorts

SEARCH_FIELDS = ("name", "email")  # folded into search_text by the services
# The filters the search key index (migration 0007) and the key table (0008)
# hold beside the key.
KEY_INDEX_FILTERS = ("role",)


@dataclass(frozen=True)
class TenantUserFilter(ListFilter):
    customer_id: int | None = None
    role: str = ""


TENANT_USERS = ListQuery(
    model=TenantUser,
    filter=TenantUserFilter,
    lookups={"customer_id": "customer_id", "role": "role"},
    sorts=Sorts(
        Sort("created", "created_at"), Sort("name", "name"), default="-created"
    ),
    search=TrigramSearch(indexed=KEY_INDEX_FILTERS, key_table=True),
    counter=customer_counter("users"),
    related=("customer",),
)


def tenant_user_get(pk: int) -> TenantUser | None:
    """One user with its customer, or None. One query."""
    return TenantUser.objects.select_related("customer").filter(pk=pk).first()
