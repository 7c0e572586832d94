"""Keyset pagination: seek past the last row shown instead of an OFFSET, so page
5,000 costs what page 1 does. Every ordering ends with the primary key."""

from django.db.models import Q, QuerySet


def keyset_after(qs: QuerySet, ordering: tuple[str, str], after: tuple) -> QuerySet:
    """Rows after the cursor `(value, id)` in `ordering`, e.g. ("-placed_at", "-id")."""
    value, pk = after
    field = ordering[0].lstrip("-")
    op = "lt" if ordering[0].startswith("-") else "gt"
    return qs.filter(
        Q(**{f"{field}__{op}": value}) | Q(**{field: value, f"id__{op}": pk})
    )
