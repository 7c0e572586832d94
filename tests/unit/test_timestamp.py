from datetime import UTC, datetime, timedelta

from django.utils import timezone

from cloudfactory.web.rows import ENVIRONMENT
from cloudfactory.web.templatetags.cf import timestamp


def test_a_time_shows_its_day_in_the_staff_zone_and_the_exact_moment_on_hover():
    moment = datetime(2025, 3, 12, 23, 30, tzinfo=UTC)
    with timezone.override("Europe/Paris"):
        html = timestamp(moment)
    assert html == (
        '<time datetime="2025-03-13T00:30:00+01:00" '
        'title="13 Mar 2025, 00:30:00 CET">13 Mar 2025</time>'
    )


def test_ago_shows_how_long_since():
    html = timestamp(timezone.now() - timedelta(days=3, hours=1), "ago")
    assert html.endswith(">3\xa0days ago</time>")


def test_no_time_shows_nothing():
    assert timestamp(None) == ""


def test_a_lists_rows_show_a_time_exactly_as_the_pages_do():
    cell = ENVIRONMENT.from_string("{{ at|timestamp }}|{{ at|timestamp('ago') }}")
    moment = datetime(2025, 3, 12, 23, 30, tzinfo=UTC)
    with timezone.override("Asia/Kolkata"):
        shown = cell.render(at=moment, time_zone=timezone.get_current_timezone())
        assert shown == f"{timestamp(moment)}|{timestamp(moment, 'ago')}"
