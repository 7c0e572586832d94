"""The page half of the list contract, and the one engine that serves it.

A list page declares, in its domain's `lists.py`: its `ListQuery` (the rows),
the form that parses the URL into that query's filter, its columns (each with
its own cell template), its detail panel, its export and a few words. This
module answers the list (the full page, or the fragment htmx asks for), the
panel of one row and the CSV export, and gives the URLs of all three.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_http_methods

from cloudfactory.activity.pages import reads_log_head
from cloudfactory.errors import NotFound
from cloudfactory.web.columns import (
    ColumnChoiceForm,
    column_choice_get,
    column_choice_save,
    column_menu,
)
from cloudfactory.web.converters import ROW_ID
from cloudfactory.web.cursor import cursor_encode
from cloudfactory.web.export import ExportColumn, export_response, filter_payload
from cloudfactory.web.export_slots import EXPORT_SLOTS, ExportsBusy, Slot
from cloudfactory.web.forms import ListFilterForm
from cloudfactory.web.list_parts import Chip, Column, Export, Panel
from cloudfactory.web.list_state import (
    LIVE_IDS_DAMAGED,
    asked_columns,
    current_params,
    form_sentences,
    list_state,
    plain_response,
    row_ids,
    select_prefix,
    url_without,
)
from cloudfactory.web.query import PAGE_SIZE, F, ListQuery, Page
from cloudfactory.web.results import count_html, more_html, results_html
from cloudfactory.web.rows import render_rows, rows_template
from cloudfactory.web.saved_views_http import (
    saved_view_urls,
    view_link_redirect,
    views_bar,
)

# Stands for a row's id in a URL reversed once per list (see ListPage.panel_url).
_ANY_ID = 2_147_483_647


@dataclass(frozen=True)
class ListPage(Generic[F]):
    namespace: str  # URL namespace: "customers" -> "customers:list"
    title: str
    noun: str  # plural, lower case: "customers"
    record_name: str  # "Ticket": for "Ticket #5 does not exist."
    permission: str
    query: ListQuery[F]
    form: type[ListFilterForm]
    columns: tuple[Column, ...]
    panel: Panel
    export: Export | None = None
    template: str = "web/list.html"
    search_placeholder: str = "Search"
    # Form fields shown in the toolbar as controls (selects, dates), in order.
    toolbar_fields: tuple[str, ...] = ()
    # The form's cleaned data -> chips of filters set by links, not controls.
    chips: Callable[[Mapping[str, Any]], list[Chip]] | None = None
    # (filter, cleaned data) -> the empty state's sentence.
    empty_title: Callable[[F, Mapping[str, Any]], str] | None = None
    # The full page's extras (the Customers page's summary cards).
    page_context: Callable[[HttpRequest], dict] | None = None

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names):
            raise ValueError(f"{self.namespace}: two columns share a name.")
        if not self.columns[0].shown:
            raise ValueError(f"{self.namespace}: the first column is always shown.")
        followed = {c.column for c in self.export.columns} if self.export else set()
        if not followed <= {None, *names}:
            raise ValueError(f"{self.namespace}: an export column follows no column.")

    def urls(self, prefix: str) -> list[URLPattern]:
        """The list at `prefix`, its export and each row's panel beside it."""
        base = prefix.rstrip("/")
        return [
            path(prefix, self.as_view(), name="list"),
            path(f"{base}/export", self.export_as_view(), name="export"),
            path(f"{base}/<{ROW_ID}:pk>", self.full_page_as_view(), name="detail"),
            path(f"{base}/<{ROW_ID}:pk>/panel", self.panel_as_view(), name="panel"),
            path(f"{base}/live", self.live_as_view(), name="live"),
            path(f"{base}/columns", self.columns_as_view(), name="columns"),
            *saved_view_urls(self, base),
        ]

    def parse(self, params: QueryDict) -> ListFilterForm:
        """The URL state through the list's form (the one parser)."""
        return self.form(params, query=self.query)

    def panel_url(self, pk: int) -> str:
        """The URL of row `pk`'s detail panel: one reverse per list, not per row."""
        head, tail = self._panel_url_parts
        return f"{head}{int(pk)}{tail}"

    @cached_property
    def list_url(self) -> str:
        return reverse(f"{self.namespace}:list")

    @cached_property
    def _panel_url_parts(self) -> tuple[str, str]:
        """A panel's URL before and after the row's id."""
        pattern = reverse(f"{self.namespace}:panel", args=[_ANY_ID])
        head, _, tail = pattern.partition(str(_ANY_ID))
        return head, tail

    @cached_property
    def default_columns(self) -> tuple[Column, ...]:
        """The columns shown to a staff member who has not chosen any."""
        return tuple(column for column in self.columns if column.shown)

    def columns_for(
        self, user, names: Sequence[str] | None = None
    ) -> tuple[Column, ...]:
        """The columns `user` sees on this list, in order: `names` when given
        (a saved view's), else the columns they chose, else the defaults.
        Unknown names are dropped and the first declared column (the row's
        link to its panel) is kept; if no name is known, the defaults. One
        query without `names`."""
        return self._chosen_columns(user, names) or self.default_columns

    def export_columns_for(
        self, user, names: Sequence[str] | None = None
    ) -> tuple[ExportColumn, ...]:
        """The export's columns for `user`: with no columns chosen (nor
        `names` given), the list's declared export; else the export columns
        that follow the shown columns, in the order they are shown."""
        chosen = self._chosen_columns(user, names)
        if not chosen:
            return self.export.columns
        return tuple(
            export_column
            for column in chosen
            for export_column in self.export.columns
            if export_column.column == column.name
        )

    def _chosen_columns(self, user, names: Sequence[str] | None) -> tuple[Column, ...]:
        if names is None:
            names = column_choice_get(user, self.namespace) or ()
        by_name = {column.name: column for column in self.columns}
        chosen = [by_name[n] for n in dict.fromkeys(names) if n in by_name]
        if chosen and self.columns[0] not in chosen:
            chosen.insert(0, self.columns[0])
        return tuple(chosen)

    def render_rows(self, rows, columns=None, **context) -> SafeString:
        """`rows` as this list's table rows showing `columns` (by default the
        default ones) (web.rows.render_rows). Compiled once per column tuple."""
        cells = tuple(
            (c.name, c.cell, c.align, c.priority)
            for c in (columns or self.default_columns)
        )
        template = rows_template(cells, self.namespace, self._panel_url_parts)
        return render_rows(template, rows, **context)

    @property
    def partial_note(self) -> str:
        return self.query.search.partial_note

    def as_view(self) -> Callable:
        @require_GET
        @reads_log_head
        def view(request: HttpRequest) -> HttpResponse:
            return self.respond(request)

        view.__name__ = f"{self.namespace}_list"
        return view

    def panel_as_view(self) -> Callable:
        @require_GET
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            if not request.user.has_perm(self.permission):
                raise PermissionDenied
            context = self.panel.context(request, pk)
            if context is None:
                missing = {"list": self, "missing_id": pk}
                return render(request, "web/_missing_panel.html", missing, status=404)
            return render(request, self.panel.template, {"list": self, **context})

        view.__name__ = f"{self.namespace}_panel"
        return view

    def full_page_as_view(self) -> Callable:
        """Row `pk`'s panel laid out as a page of its own."""

        @require_GET
        @reads_log_head
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            if not request.user.has_perm(self.permission):
                raise PermissionDenied
            context = self.panel.context(request, pk)
            if context is None:
                raise NotFound(f"{self.record_name} #{pk} does not exist.")
            context = {"list": self, "full_page": True, **context}
            return render(request, "web/detail.html", context)

        view.__name__ = f"{self.namespace}_detail"
        return view

    def live_as_view(self) -> Callable:
        """What changed in a list on screen, for its live updates: the rows
        `ids` as they are now; with `new=1`, the rows now above the first one
        shown (`above`, that row's cursor; without it, the first page); with
        `count=1`, the count."""

        @require_GET
        def view(request: HttpRequest) -> HttpResponse:
            if not request.user.has_perm(self.permission):
                raise PermissionDenied
            params = request.GET.copy()
            wants_added = params.pop("new", [""])[-1] == "1"
            wants_count = params.pop("count", [""])[-1] == "1"
            for transient in ("cursor", "ids"):
                params.pop(transient, None)
            above = params.pop("above", [""])[-1]
            if above:
                params["cursor"] = above
            form = self.parse(params)
            ids = row_ids(request.GET.get("ids", ""))
            if not form.is_valid() or ids is None:
                sentences = form_sentences(form) if not form.is_valid() else []
                return plain_response(
                    " ".join(sentences) or LIVE_IDS_DAMAGED, status=400
                )
            f = form.to_filter()
            added, more = [], False
            if wants_added and form.after is None:
                page = self.query.page(f, limit=PAGE_SIZE)
                added, more = page.rows, page.has_more
            elif wants_added:
                added, more = self.query.above(f, form.after, limit=PAGE_SIZE)
            changed = self.query.model._default_manager.filter(pk__in=ids)
            count, exact = self.query.count(f) if wants_count else (None, True)
            columns = self.columns_for(request.user, asked_columns(request.GET))
            context = {
                **self.row_context(params, f, columns=columns),
                "changed": changed.select_related(*self.query.related),
                "added": added,
                "added_more": more,
                "first_cursor": cursor_encode(*self.query.cursor(added[0], f))
                if added
                else "",
                "count_html": count_html(self, count, exact) if wants_count else "",
                "selected_id": form.selected_id,
            }
            return self._render(request, "web/_live.html", context)

        view.__name__ = f"{self.namespace}_live"
        return view

    def first_cursor(self, page: Page, f: F) -> str:
        """The cursor of the first row shown: where live updates look above."""
        return cursor_encode(*self.query.cursor(page.rows[0], f)) if page.rows else ""

    def export_response(
        self,
        f: F,
        *,
        actor,
        slot: Slot | None = None,
        columns: Sequence[ExportColumn] | None = None,
    ) -> HttpResponse:
        """Every row `f` matches as `<noun>-YYYY-MM-DD.csv`, streamed, and logged
        as `<noun>.exported` with `actor`, the filters and the row count; in
        `columns` (by default the declared export, see `export_columns_for`)."""
        return export_response(
            self.query.export_rows(f),
            columns or self.export.columns,
            stem=self.noun,
            kind=f"{self.noun}.exported",
            actor=actor,
            filters=filter_payload(f),
            slot=slot,
        )

    def export_as_view(self) -> Callable:
        @require_GET
        def view(request: HttpRequest) -> HttpResponse:
            if self.export is None or not request.user.has_perm(self.export.permission):
                raise PermissionDenied
            form = self.parse(request.GET)
            if not form.is_valid():
                return plain_response(" ".join(form_sentences(form)), status=400)
            try:
                slot = EXPORT_SLOTS.take(request.user.pk)
            except ExportsBusy as busy:
                return plain_response(str(busy), status=429)
            names = asked_columns(request.GET)
            try:
                return self.export_response(
                    form.to_filter(),
                    actor=request.user,
                    slot=slot,
                    columns=self.export_columns_for(request.user, names),
                )
            except BaseException:
                slot.release()
                raise

        view.__name__ = f"{self.namespace}_export"
        return view

    def respond(
        self,
        request: HttpRequest,
        params: QueryDict | None = None,
        *,
        results_template: str | None = None,
        column_menu: bool = False,
    ) -> HttpResponse:
        """The list with `params` (by default the request's query): the full
        page, or for htmx its results (web/results.py; the rows alone for
        "load more"), or a `results_template` that shows them as `results`;
        with `column_menu`, the Columns menu's items too (the page reads them
        only when the menu opens)."""
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        if opened := view_link_redirect(self, request):
            return opened
        params = request.GET if params is None else params
        form = self.parse(params)
        partial = bool(request.htmx) and not request.htmx.history_restore_request
        columns = self.columns_for(request.user, asked_columns(params))
        menu = (
            self._column_menu_context(columns)
            if column_menu
            else {"columns_url": self._columns_url}
        )
        if not form.is_valid():
            context = {
                "list": self,
                "form": form,
                "errors": form_sentences(form),
                **menu,
            }
            return self._with_results(
                request, context, partial, results_template, status=400
            )

        f = form.to_filter()
        page = self.query.page(f, after=form.after, limit=PAGE_SIZE)
        chips = self.chips(form.cleaned_data) if self.chips else []
        context = {
            **self.row_context(params, f, columns=columns),
            **menu,
            "form": form,
            "page": page,
            "next_url": self._next_url(params, page, f, columns),
            "first_cursor": self.first_cursor(page, f),
            "sort_links": self._sort_links(params, f.sort),
            "state": list_state(params),
            "selected_id": form.selected_id,
            "chips": [
                {
                    "chip": chip,
                    "remove_url": url_without(request.path, params, chip.field),
                }
                for chip in chips
            ],
            "empty_title": self.empty_title(f, form.cleaned_data)
            if self.empty_title
            else "",
            "can_export": self.export is not None
            and request.user.has_perm(self.export.permission),
        }
        if form.after is not None and partial:
            return self._html(more_html(context))
        context["count"], context["count_exact"] = self.query.count(f, page)
        return self._with_results(request, context, partial, results_template)

    def _with_results(
        self,
        request: HttpRequest,
        context: dict,
        partial: bool,
        results_template: str | None,
        *,
        status: int = 200,
    ) -> HttpResponse:
        """The results `context` describes: for htmx (`partial`), alone or in
        `results_template`; else in the full page."""
        results = results_html(context)
        if partial and results_template is None:
            return self._html(results, status)
        context["results"] = results
        if partial:
            return self._render(request, results_template, context, status)
        context.update(self._page_context(request, context.get("selected_id")))
        return self._render(request, self.template, context, status)

    def row_context(
        self,
        params: QueryDict,
        f: F | None = None,
        *,
        columns: tuple[Column, ...] | None = None,
    ) -> dict:
        """What `list_rows` (templatetags/cf.py) needs to render a row of this
        list as the list with `params` shows it: its search highlighted, its
        link keeping the list's state, its `columns` (by default the default
        ones). Without `f`, `params` are parsed (and ignored if bad)."""
        if f is None:
            form = self.parse(params)
            if not form.is_valid():
                params = QueryDict()
                form = self.parse(params)
                form.is_valid()
            f = form.to_filter()
        columns = columns or self.default_columns
        return {
            "list": self,
            "filter": f,
            "select_prefix": select_prefix(params),
            "columns": columns,
            "column_names": ",".join(column.name for column in columns),
        }

    def row_context_for(self, request: HttpRequest) -> dict:
        """`row_context` for the list the request came from (htmx's current
        URL): a row swapped in out of band keeps that list's state."""
        params = current_params(request)
        columns = self.columns_for(request.user, asked_columns(params))
        return self.row_context(params, columns=columns)

    def columns_as_view(self) -> Callable:
        """The Columns menu: GET, its panel as the columns on screen are now;
        POST, a change (web/columns.py, ColumnChoiceForm), then the list's
        results as the page shows them, and the panel out of band. The change
        is kept as the member's choice for this list, unless the page shows
        the columns its link names (a saved view's, `columns=`): then the
        link changes, in place."""

        @require_http_methods(["GET", "POST"])
        def view(request: HttpRequest) -> HttpResponse:
            if not request.user.has_perm(self.permission):
                raise PermissionDenied
            params = current_params(request)
            linked = asked_columns(params)
            if request.method == "GET":
                shown = self.columns_for(request.user, linked)
                return render(
                    request, "web/_columns_panel.html", self._column_menu_context(shown)
                )
            form = ColumnChoiceForm(request.POST, columns=self.columns)
            if not form.is_valid():
                context = {"heading": "Columns not changed", "message": form.sentence()}
                return render(request, "web/error.html", context, status=400)
            if linked is None:
                column_choice_save(
                    user=request.user, list_name=self.namespace, names=form.names
                )
            if not request.htmx:
                return redirect(f"{self.namespace}:list")
            params.pop("cursor", None)
            if linked is not None:
                names = form.names or [c.name for c in self.default_columns]
                params["columns"] = ",".join(names)
            response = self.respond(
                request,
                params,
                results_template="web/_columns_changed.html",
                column_menu=True,
            )
            if linked is not None:
                path = urlsplit(request.htmx.current_url).path
                response["HX-Replace-Url"] = f"{path}?{params.urlencode()}"
            return response

        view.__name__ = f"{self.namespace}_columns"
        return view

    def _column_menu_context(self, columns: tuple[Column, ...]) -> dict:
        """What the Columns menu's panel (web/_columns_panel.html) shows."""
        return {
            "column_menu": column_menu(self.columns, columns),
            "columns_url": self._columns_url,
        }

    @cached_property
    def _columns_url(self) -> str:
        return reverse(f"{self.namespace}:columns")

    def _page_context(self, request: HttpRequest, selected: int | None) -> dict:
        """The full page's extras: the page's own, and the panel the URL selects,
        so a reload or a pasted link shows the same screen."""
        context = self.page_context(request) if self.page_context else {}
        context["views_bar"] = views_bar(self, request)
        if selected:
            panel = self.panel.context(request, selected)
            if panel is None:
                context["missing_id"] = selected
            else:
                context.update(panel, panel_open=True)
        return context

    def _render(self, request, template, context, status=200) -> HttpResponse:
        return _varies(render(request, template, context, status=status))

    @staticmethod
    def _html(html: SafeString, status: int = 200) -> HttpResponse:
        return _varies(HttpResponse(html, status=status))

    def _next_url(
        self, params: QueryDict, page: Page, f: F, columns: tuple[Column, ...]
    ) -> str | None:
        if not page.has_more:
            return None
        query = params.copy()
        query["cursor"] = cursor_encode(*self.query.cursor(page.rows[-1], f))
        query["columns"] = ",".join(column.name for column in columns)
        query.pop("selected", None)
        return f"?{query.urlencode()}"

    def _sort_links(self, params: QueryDict, current: str) -> dict[str, dict]:
        """For each sortable column: its link and the direction it is sorted in."""
        links = {}
        for column in self.columns:
            if not column.sort:
                continue
            key = column.sort
            ascending_now = current == key
            descending_now = current == f"-{key}"
            query = params.copy()
            query.pop("cursor", None)
            query["sort"] = f"-{key}" if ascending_now else key
            direction = (
                "ascending"
                if ascending_now
                else ("descending" if descending_now else "none")
            )
            links[column.name] = {
                "url": f"?{query.urlencode()}",
                "aria_sort": direction,
            }
        return links


def _varies(response: HttpResponse) -> HttpResponse:
    # One URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
