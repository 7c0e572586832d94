import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
django.setup(set_prefix=False)

from django.urls import get_resolver  # noqa: E402

from cloudfactory.activity.stream import with_event_stream  # noqa: E402
from cloudfactory.web.asgi import RequestThreadHandler  # noqa: E402
from cloudfactory.web.query import read_searches_ahead  # noqa: E402

# /events is served beside Django's handler: an open stream holds no thread.
application = with_event_stream(RequestThreadHandler())

# The modules, URLconf and settings loaded so far live as long as the process:
# frozen, the collector's full passes no longer walk them (20 ms each at 1M
# customers on PostgreSQL, felt as a stalled request now and then).
get_resolver().url_patterns  # noqa: B018 - loads every view module
gc.freeze()

# The searches' samples of large tables, read before the first search needs
# them (seconds when their pages are not cached).
read_searches_ahead()
