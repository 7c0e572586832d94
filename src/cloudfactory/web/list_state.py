"""A list's state in its URL: what its links keep and drop, what its
requests ask for, and the plain answers to requests it cannot read."""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, QueryDict

from cloudfactory.web.cursor import MAX_BIGINT

# What a row's links carry beside the list's filters; never part of its state.
# `columns`: the columns a page shows, which its "load more" and live updates
# ask for, so their rows fit its header whatever was chosen since.
TRANSIENT = ("cursor", "selected", "columns")
# Rows one live update may ask for.
MAX_LIVE_IDS = 200
LIVE_IDS_DAMAGED = "The rows asked for must be at most 200 row numbers."


def row_ids(text: str) -> list[int] | None:
    """ "3,17,5" -> [3, 17, 5]; None unless every piece is a row id."""
    pieces = [p for p in text.split(",") if p.strip()]
    if len(pieces) > MAX_LIVE_IDS:
        return None
    try:
        ids = [int(p) for p in pieces]
    except ValueError:
        return None
    return ids if all(0 < i <= MAX_BIGINT for i in ids) else None


def asked_columns(params: QueryDict) -> list[str] | None:
    """The column names a request asks for (`columns=name,status`), if any."""
    asked = params.get("columns", "")
    return asked.split(",") if asked else None


def current_params(request: HttpRequest) -> QueryDict:
    """The query of the page an htmx request came from (its current URL)."""
    current = request.htmx.current_url if request.htmx else None
    return QueryDict(urlsplit(current).query if current else "", mutable=True)


def url_without(path: str, params: QueryDict, name: str) -> str:
    """This list's URL without the filter `name` (and without cursor or selection)."""
    query = params.copy()
    for dropped in (name, *TRANSIENT):
        query.pop(dropped, None)
    return f"{path}?{query.urlencode()}" if query else path


def select_prefix(params: QueryDict) -> str:
    """The start of a row's link: the list's state, then `selected=`."""
    state = list_state(params)
    return f"?{state}&selected=" if state else "?selected="


def list_state(params: QueryDict) -> str:
    """The list's filters and sort as a query string, without cursor or selection."""
    query = params.copy()
    for transient in TRANSIENT:
        query.pop(transient, None)
    return query.urlencode()


def plain_response(sentence: str, *, status: int) -> HttpResponse:
    return HttpResponse(
        sentence, status=status, content_type="text/plain; charset=utf-8"
    )


def form_sentences(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]
