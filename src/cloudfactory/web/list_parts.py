"""What a list page declares (web/listing.py `ListPage`): its columns and the
cells they draw, the chips of filters set by links, its detail panel and its
export."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from django.http import HttpRequest

from cloudfactory.web.export import ExportColumn
from cloudfactory.web.rows import cell_class


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    # The cell's template, inline, in Jinja2 (web/rows.py): the inside of its
    # <td>. Context: row, q (the search, for `highlight`) and select_url (a
    # first cell links to "{{ select_url }}{{ row.pk }}" with class row-link).
    cell: str
    align: Literal["start", "end"] = "start"
    # The Sort key (ascending) the header's link sorts by, if sortable.
    sort: str | None = None
    # Shown to a staff member who has not chosen the list's columns.
    shown: bool = True
    # A list narrowed beside an open panel drops its columns of the highest
    # number first; 1 is never dropped. Its header and cells carry it as
    # data-priority (web/static/web/css/list.css).
    priority: int = 2

    @property
    def css_class(self) -> str:
        return cell_class(self.name, self.align)


def link_cell(field: str) -> str:
    """A row's first cell: `field`, its search highlighted, opening the panel."""
    return (
        '<a class="row-link" href="{{ select_url }}{{ row.pk }}">'
        f"{{{{ row.{field}|highlight(q) }}}}</a>"
    )


def pill_cell(field: str) -> str:
    """A choice field as a coloured pill with its label."""
    return (
        f'<span class="pill pill-{{{{ row.{field}|tone }}}}">'
        f'{{{{ row|label("{field}") }}}}</span>'
    )


@dataclass(frozen=True)
class Chip:
    """An active filter shown as "Customer: Acme ×"; the × link drops `field`."""

    label: str
    field: str
    value: str


class Panel(Protocol):
    """A row's detail panel: its template and what that template needs."""

    template: str

    def context(self, request: HttpRequest, pk: int) -> dict | None:
        """The template's context for row `pk`; None when there is no such row."""
        ...


@dataclass(frozen=True)
class RecordPanel:
    """A panel showing one row as `row`, read by `get` (None when missing)."""

    get: Callable[[int], Any]
    template: str

    def context(self, request: HttpRequest, pk: int) -> dict | None:
        row = self.get(pk)
        return None if row is None else {"row": row}


@dataclass(frozen=True)
class Export:
    permission: str
    columns: tuple[ExportColumn, ...]
