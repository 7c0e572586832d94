"""A list's rows, rendered by Jinja2 from its columns' cell templates.

A 50-row page is most of a list request's time, and Django's template engine
spent 9.4 ms on one (the Customers list at 1M customers); the same markup
compiled by Jinja2 takes 3 ms (docs/decisions.md). Cells are Jinja2 templates
over `row`, `q` (the search, for `highlight`) and `select_url`, with the
filters below: the same functions as the Django templates' (templatetags/cf.py).
"""

from collections.abc import Iterable, Sequence

import jinja2
from django.utils.safestring import SafeString, mark_safe

from cloudfactory.web.templatetags import cf

ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
ENVIRONMENT.filters.update(
    highlight=cf.highlight,
    money_exact=cf.money_exact,
    number=cf.number,
    panel_url=cf.panel_url,
    timestamp=cf.timestamp,
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


def rows_template(cells: Sequence[tuple[str, str]]) -> jinja2.Template:
    """The template of a list's rows from its cells: (cell template, "start"
    or "end" alignment) each, in column order."""
    tds = "".join(
        f'<td class="num">{cell}</td>' if align == "end" else f"<td>{cell}</td>"
        for cell, align in cells
    )
    row = ROW.replace("{cells}", tds)
    return ENVIRONMENT.from_string("{% for row in rows %}" + row + "{% endfor %}")


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
    )
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped every value
