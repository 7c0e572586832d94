"""A customer's numbered records (orders, invoices): declared once, their list,
count and export read the same filtered query and the same search by record
number or customer name (search/numbers.py)."""

from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from cloudfactory.search.numbers import (
    number_or_customer_count,
    number_or_customer_filter_all,
    number_or_customer_search,
)
from cloudfactory.web.pages import Page, fetch_page, filter_by


@dataclass(frozen=True)
class CustomerRecords:
    """Records filtered by customer, status and a range of their date: for
    `dated="placed"`, the filter's placed_since and placed_before bound
    placed_at."""

    model: type[models.Model]
    dated: str
    # URL value -> ordering; every ordering ends with id so the keyset is unique.
    sorts: dict[str, tuple[str, str]]
    # The customer's `<counter>_count` and the platform total of that name.
    counter: str

    @property
    def lookups(self) -> dict[str, str]:
        """Filter attribute -> lookup."""
        return {
            "customer": "customer",
            "status": "status",
            f"{self.dated}_since": f"{self.dated}_at__gte",
            f"{self.dated}_before": f"{self.dated}_at__lt",
        }

    def filtered(self, f) -> QuerySet:
        """The records `f` selects, search aside; no ordering, no preloads."""
        return filter_by(self.model.objects.all(), f, self.lookups)

    def list(self, f) -> Page:
        """One page of records with their customers, in `f.sort` order. One
        query; three or four with a search by customer name (see
        search.numbers)."""
        return fetch_page(
            self.filtered(f).select_related("customer"),
            ordering=self.sorts[f.sort],
            after=f.after,
            limit=f.limit,
            q=f.q,
            search=number_or_customer_search,
        )

    def count(self, f) -> tuple[int, bool]:
        """How many records match, and whether exact. With only the customer
        filtered, the customer's own counter, so the list agrees with its badge
        (see search.numbers.number_or_customer_count)."""
        narrowed = any(
            getattr(f, attribute)
            for attribute in self.lookups
            if attribute != "customer"
        )
        return number_or_customer_count(
            self.filtered(f),
            q=f.q,
            customer=f.customer,
            narrowed=narrowed,
            counter=self.counter,
        )

    def export_queryset(self, f) -> QuerySet:
        """Every record matching `f`'s filters and search, in `f.sort` order: the
        list's query over the whole table, no page, no cursor."""
        qs = number_or_customer_filter_all(self.filtered(f), f.q)
        return qs.order_by(*self.sorts[f.sort])
