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
    exact = local.strftime("%-d %b %Y, %H:%M:%S %Z")
    shown = cf.ago(value) if style == "ago" else exact.partition(",")[0]
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
    timestamp=timestamp,
    tone=cf.tone,
)

# One row: it opens its panel; `oob` replaces a row already on screen. The
# list's own parts (NAMESPACE, and PANEL_HEAD and PANEL_TAIL around the row's
# id) are written in when the template is compiled, not looked up every row.
ROW = (
    "{% set pk = row.pk %}"
    '<tr id="NAMESPACE-row-{{ pk }}" class="row" data-row '
    'data-row-id="{{ pk }}" tabindex="-1"'
    '{% if pk == selected_id %} aria-selected="true"{% endif %}\n'
    '    hx-get="PANEL_HEAD{{ pk }}PANEL_TAIL" hx-target="#panel" '
    'hx-swap="innerHTML" hx-push-url="{{ select_url }}{{ pk }}"'
    '{% if oob %} hx-swap-oob="true"{% endif %}>\n'
    "  CELLS\n"
    "</tr>\n"
)


@lru_cache(maxsize=256)
def rows_template(
    cells: tuple[tuple[str, str, str, int], ...],
    namespace: str,
    panel_url: tuple[str, str],
) -> jinja2.Template:
    """The template of a list's rows from its cells, in column order: (column
    name, cell template, "start" or "end" alignment, priority) each; the
    list's URL `namespace`; its panels' URL as the parts before and after a
    row's id. Compiled once per distinct set of columns staff choose."""
    tds = "".join(
        f'<td class="{cell_class(name, align)}" data-priority="{priority}">{cell}</td>'
        for name, cell, align, priority in cells
    )
    head, tail = (_literal(part) for part in panel_url)
    row = (
        ROW.replace("NAMESPACE", _literal(namespace))
        .replace("PANEL_HEAD", head)
        .replace("PANEL_TAIL", tail)
        .replace("CELLS", tds)
    )
    return ENVIRONMENT.from_string("{% for row in rows %}" + row + "{% endfor %}")


def _literal(text: str) -> str:
    """`text` escaped for markup, to be written into a template as it is."""
    if "{" in text or "}" in text:
        raise ValueError(f"{text!r} would be read as template syntax.")
    return str(escape(text))


def cell_class(name: str, align: str) -> str:
    """The class of a column's header and cells: `col-<name>`, and `num`
    when its figures align to the end."""
    return f"col-{name} num" if align == "end" else f"col-{name}"


def render_rows(
    template: jinja2.Template,
    rows: Iterable,
    *,
    q: str = "",
    select_url: str = "",
    selected_id: int | None = None,
    oob: bool = False,
) -> SafeString:
    html = template.render(
        rows=rows,
        q=q or "",
        select_url=select_url or "?selected=",
        selected_id=selected_id,
        oob=oob,
        time_zone=timezone.get_current_timezone(),
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value
