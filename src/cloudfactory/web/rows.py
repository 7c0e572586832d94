"""A list's rows, rendered by Jinja2 from its columns' cell templates.

A 50-row page is most of a list request's time, and Django's template engine
spent 9.4 ms on one (the Customers list at 1M customers); the same markup
compiled by Jinja2 takes 3 ms (docs/decisions.md). Cells are Jinja2 templates
over `row`, `q` (the search, for `highlight`) and `select_url`, with the
filters below: the same functions as the Django templates' (templatetags/cf.py).
"""

from collections.abc import Iterable
from datetime import datetime
from functools import cache, lru_cache

import jinja2
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from markupsafe import Markup, escape

from cloudfactory.web.templatetags import cf


@jinja2.pass_context
def timestamp(context, value: datetime | None, style: str = "day") -> Markup:
    """templatetags/cf.py's `timestamp`, in the render's time zone (read once
    per page, not once per cell)."""
    if value is None:
        return Markup("")
    local = value.astimezone(context["time_zone"])
    shown = cf.ago(value) if style == "ago" else local.strftime("%-d %b %Y")
    exact = local.strftime("%-d %b %Y, %H:%M:%S %Z")
    # Markup.format costs as much as the rest of a row's cells.
    return Markup(  # noqa: S704 - every part is escaped
        f'<time datetime="{escape(local.isoformat())}" title="{escape(exact)}">'
        f"{escape(shown)}</time>"
    )


def label(row, field: str) -> str:
    """The label of a choice field's value: `row.get_<field>_display()`,
    from a table built once per field."""
    value = getattr(row, field)
    return _labels(type(row), field).get(value, value)


@cache
def _labels(model, field: str) -> dict:
    choices = model._meta.get_field(field).flatchoices
    return {value: str(text) for value, text in choices}


ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
ENVIRONMENT.filters.update(
    highlight=cf.highlight,
    label=label,
    money_exact=cf.money_exact,
    number=cf.number,
    panel_url=cf.panel_url,
    timestamp=timestamp,
    tone=cf.tone,
)

# One row: it opens its panel; `oob` replaces a row already on screen.
ROW = (
    '<tr id="{{ list.namespace }}-row-{{ row.pk }}" class="row" data-row '
    'data-row-id="{{ row.pk }}" tabindex="-1"'
    '{% if row.pk == selected_id %} aria-selected="true"{% endif %}\n'
    '    hx-get="{{ row.pk|panel_url(list) }}" hx-target="#panel" '
    'hx-swap="innerHTML" hx-push-url="{{ select_url }}{{ row.pk }}"'
    '{% if oob %} hx-swap-oob="true"{% endif %}>\n'
    "  {cells}\n"
    "</tr>\n"
)


@lru_cache(maxsize=256)
def rows_template(cells: tuple[tuple[str, str, str, int], ...]) -> jinja2.Template:
    """The template of a list's rows from its cells, in column order: (column
    name, cell template, "start" or "end" alignment, priority) each. Compiled
    once per distinct tuple: one per set of columns staff choose to show."""
    tds = "".join(
        f'<td class="{cell_class(name, align)}" data-priority="{priority}">{cell}</td>'
        for name, cell, align, priority in cells
    )
    row = ROW.replace("{cells}", tds)
    return ENVIRONMENT.from_string("{% for row in rows %}" + row + "{% endfor %}")


def cell_class(name: str, align: str) -> str:
    """The class of a column's header and cells: `col-<name>`, and `num`
    when its figures align to the end."""
    return f"col-{name} num" if align == "end" else f"col-{name}"


def render_rows(
    template: jinja2.Template,
    list_page,
    rows: Iterable,
    *,
    q: str = "",
    select_url: str = "",
    selected_id: int | None = None,
    oob: bool = False,
) -> SafeString:
    html = template.render(
        list=list_page,
        rows=rows,
        q=q or "",
        select_url=select_url or "?selected=",
        selected_id=selected_id,
        oob=oob,
        time_zone=timezone.get_current_timezone(),
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value
