"""Search as a filter over a whole table, for exports: no page, no window."""

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from cloudfactory.search.queries import MIN_INDEXED, _matches_sql
from cloudfactory.text import fold


def search_filter(qs: QuerySet, q: str) -> QuerySet:
    """`qs` narrowed to rows whose folded search_text contains folded `q`.

    Pieces of three characters or more go through the trigram index; shorter
    ones scan, which an export of the whole table does anyway.
    """
    piece = fold(q)
    if not piece:
        return qs
    if len(piece) >= MIN_INDEXED:
        sql, params = _matches_sql(qs.model, piece)
        return qs.filter(id__in=RawSQL(sql, params))  # noqa: S611 - parameters bound
    return qs.filter(search_text__contains=piece)
