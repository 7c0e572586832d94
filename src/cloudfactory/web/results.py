"""A list's results (its count, its table of rows, "Load more"), rendered by
Jinja2 (web/jinja/) with the rows' own environment (web/rows.py): every
keystroke in a list's search comes back as these, and Django's engine spent
as long on the markup around the rows, with its context processors, as
Jinja2 spends on the rows themselves (docs/decisions.md)."""

from collections.abc import Mapping
from pathlib import Path

import jinja2
from django.utils.safestring import SafeString, mark_safe

from cloudfactory.web.rows import ENVIRONMENT

_TEMPLATES = ENVIRONMENT.overlay(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "jinja")
)


def results_html(context: Mapping) -> SafeString:
    """The list's results section (web/jinja/results.html) from the context
    ListPage.respond builds: its rows, or its form's `errors`."""
    return _render("results.html", context)


def more_html(context: Mapping) -> SafeString:
    """A page of rows after a cursor and its "Load more" (web/jinja/more.html)."""
    return _render("more.html", context)


def count_html(list_page, count: int, exact: bool) -> SafeString:
    """The result count alone (web/jinja/count.html), as a live update sends it."""
    html = _TEMPLATES.get_template("count.html").render(
        list=list_page, count=count, count_exact=exact, page=None
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value


def _render(name: str, context: Mapping) -> SafeString:
    list_page = context["list"]
    f = context.get("filter")
    page = context.get("page")
    columns = context.get("columns") or list_page.default_columns
    rows = (
        list_page.render_rows(
            page.rows,
            columns,
            q=f.q if f is not None else "",
            select_url=context.get("select_prefix") or "?selected=",
            selected_id=context.get("selected_id"),
        )
        if page is not None
        else ""
    )
    sort = f.sort if f is not None else ""
    html = _TEMPLATES.get_template(name).render(
        list=list_page,
        errors=context.get("errors") or (),
        state=context.get("state", ""),
        first_cursor=context.get("first_cursor", ""),
        column_names=context.get("column_names", ""),
        shown_sort="" if sort == list_page.query.sorts.default else sort,
        q=f.q if f is not None else "",
        page=page,
        rows=rows,
        columns=columns,
        sort_links=context.get("sort_links") or {},
        next_url=context.get("next_url"),
        count=context.get("count"),
        count_exact=context.get("count_exact", True),
        empty_title=context.get("empty_title") or "",
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value
