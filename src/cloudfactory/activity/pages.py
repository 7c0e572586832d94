"""Where a page's live updates start: the log's head when it was read.

A page's stream asks for every entry after that id, so nothing committed
between reading the page's data and opening its stream is missed. Reading
the head before the data (`reads_log_head`) errs on the safe side: an entry
seen twice only refreshes what it already shows.
"""

from functools import wraps

from cloudfactory.activity.reader import log_head


def reads_log_head(view):
    """Note the log's head before a full page reads its data."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        htmx = getattr(request, "htmx", None)
        if not htmx or htmx.history_restore_request:
            request.live_since = log_head()
        return view(request, *args, **kwargs)

    return wrapped


def live(request) -> dict:
    """Context processor: `live_since`, read only if a template uses it."""
    since = getattr(request, "live_since", None)
    return {"live_since": log_head if since is None else since}
