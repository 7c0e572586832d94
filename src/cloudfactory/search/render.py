"""The palette's answer, rendered by Jinja2 with the list rows' filters
(web/rows.py): it comes back on every keystroke, and Django's template engine
took about as long to draw it as the database took to find it."""

from pathlib import Path

import jinja2
from django.utils.safestring import SafeString, mark_safe

from cloudfactory.web.rows import ENVIRONMENT

_TEMPLATES = ENVIRONMENT.overlay(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "jinja")
)


def palette_html(**context) -> SafeString:
    """search/jinja/results.html with `q` and either `groups` or `recent`."""
    html = _TEMPLATES.get_template("results.html").render(**context)
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value
