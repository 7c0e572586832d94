"""The one list engine: a page declares its columns, filters, query and count;
this module parses the URL state, runs the query and renders the full page or
the partial htmx asked for."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from cloudfactory.errors import NotFound
from cloudfactory.web.cursor import cursor_encode
from cloudfactory.web.export import export_response, filter_payload
from cloudfactory.web.pages import COUNT_CAP

PAGE_SIZE = 50
# Stands for a row's id in a URL reversed once per list (see ListPage.panel_url).
_ANY_ID = 2_147_483_647


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    align: str = "start"
    # The ascending sort key in the URL (`name`; `-name` descends), if sortable.
    sort: str | None = None


@dataclass(frozen=True)
class Chip:
    """An active filter shown as "Customer: Acme ×"; the × link drops `field`."""

    label: str
    field: str
    value: str


@dataclass(frozen=True)
class ListPage:
    namespace: str  # URL namespace: "customers" -> "customers:list"
    title: str
    noun: str  # plural, lower case: "customers"
    permission: str
    filter_form: type  # a Form with to_filter(limit) -> the query's filter object
    query: Callable  # filter -> page with rows, has_more, exhaustive
    count: Callable  # filter -> (count, exact)
    cursor_of: Callable  # (row, sort) -> (value, id)
    columns: tuple[Column, ...]
    template: str  # the full page
    row_template: str  # the cells of one row (web/_row.html wraps them)
    default_sort: str = "-created"
    export_permission: str | None = None
    # (request, filter or None, form) -> extra context of the full page.
    page_context: Callable | None = None
    search_placeholder: str = "Search"
    # Form fields shown in the toolbar as controls (selects, dates), in order.
    toolbar_fields: tuple[str, ...] = ()
    # cleaned_data -> the chips of filters set by links rather than controls.
    chips: Callable[[dict], list[Chip]] | None = None
    # filter -> the empty state's sentence ("No companies match “acme”").
    empty_title: Callable | None = None
    # The CSV export: its columns, and filter -> every matching row, sorted.
    export_columns: tuple = ()
    export_queryset: Callable | None = None
    # The detail panel of one row: id -> row or None, and its template.
    get: Callable | None = None
    panel_template: str = ""
    record_name: str = "Record"  # "Ticket": for "Ticket #5 does not exist."
    # Beside the count when a search looked through only part of the table.
    partial_note: str = (
        "among the newest; type three or more characters to search them all"
    )

    def panel_url(self, pk: int) -> str:
        """The URL of row `pk`'s detail panel: one reverse per list, not per row."""
        return self._panel_url_pattern.replace(str(_ANY_ID), str(int(pk)))

    @cached_property
    def _panel_url_pattern(self) -> str:
        return reverse(f"{self.namespace}:panel", args=[_ANY_ID])

    def as_view(self) -> Callable:
        @require_GET
        def view(request: HttpRequest) -> HttpResponse:
            return self.respond(request)

        view.__name__ = f"{self.namespace}_list"
        return view

    def panel_as_view(self) -> Callable:
        @require_GET
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            if not request.user.has_perm(self.permission):
                raise PermissionDenied
            row = self.get(pk)
            if row is None:
                raise NotFound(f"{self.record_name} #{pk} does not exist.")
            return render(request, self.panel_template, {"list": self, "row": row})

        view.__name__ = f"{self.namespace}_panel"
        return view

    def export_response(self, f, *, actor) -> HttpResponse:
        """Every row `f` matches as `<noun>-YYYY-MM-DD.csv`, streamed, and logged
        as `<noun>.exported` with `actor`, the filters and the row count."""
        return export_response(
            self.export_queryset(f),
            self.export_columns,
            stem=self.noun,
            kind=f"{self.noun}.exported",
            actor=actor,
            filters=filter_payload(f),
        )

    def export_as_view(self) -> Callable:
        @require_GET
        def view(request: HttpRequest) -> HttpResponse:
            if not request.user.has_perm(self.export_permission):
                raise PermissionDenied
            form = self.filter_form(request.GET)
            if not form.is_valid():
                return HttpResponse(
                    " ".join(_sentences(form)),
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
            return self.export_response(form.to_filter(), actor=request.user)

        view.__name__ = f"{self.namespace}_export"
        return view

    def respond(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        form = self.filter_form(request.GET)
        partial = bool(request.htmx) and not request.htmx.history_restore_request
        if not form.is_valid():
            context = {"list": self, "form": form, "errors": _sentences(form)}
            if partial:
                return self._render(request, "web/_results.html", context, 400)
            context.update(self._page_context(request, None, form))
            return self._render(request, self.template, context, 400)

        f = form.to_filter(limit=PAGE_SIZE)
        page = self.query(f)
        chips = self.chips(form.cleaned_data) if self.chips else []
        context = {
            "list": self,
            "form": form,
            "filter": f,
            "page": page,
            "next_url": self._next_url(request.GET, page, f),
            "sort_links": self._sort_links(request.GET, f.sort),
            "state": _state(request.GET),
            "select_prefix": _select_prefix(request.GET),
            "selected_id": form.cleaned_data.get("selected"),
            "chips": [
                {
                    "chip": chip,
                    "remove_url": _without(request.path, request.GET, chip.field),
                }
                for chip in chips
            ],
            "empty_title": self.empty_title(f) if self.empty_title else "",
            "can_export": bool(self.export_permission)
            and request.user.has_perm(self.export_permission),
        }
        if f.after is not None and partial:
            return self._render(request, "web/_rows.html", context)
        context["count"], context["count_exact"] = self._count(f, page)
        if partial:
            return self._render(request, "web/_results.html", context)
        context.update(self._page_context(request, f, form))
        return self._render(request, self.template, context)

    def _page_context(self, request, f, form) -> dict:
        """The full page's extras: the page's own, and the panel the URL selects,
        so a reload or a pasted link shows the same screen."""
        context = self.page_context(request, f, form) if self.page_context else {}
        selected = getattr(form, "cleaned_data", {}).get("selected")
        if selected and self.get is not None:
            context["selected_row"] = self.get(selected)
        return context

    def _count(self, f, page) -> tuple[int, bool]:
        """The page's own total when its search saw every match, else the count."""
        if getattr(page, "total", None) is not None:
            return min(
                page.total, COUNT_CAP
            ), page.total <= COUNT_CAP and page.exhaustive
        return self.count(f)

    def _render(self, request, template, context, status=200) -> HttpResponse:
        response = render(request, template, context, status=status)
        # One URL answers with a page or a fragment: caches must keep them apart.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def _next_url(self, params: QueryDict, page, f) -> str | None:
        if not page.has_more:
            return None
        query = params.copy()
        query["cursor"] = cursor_encode(*self.cursor_of(page.rows[-1], f.sort))
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


def _without(path: str, params: QueryDict, name: str) -> str:
    """This list's URL without the filter `name` (and without cursor or selection)."""
    query = params.copy()
    for dropped in (name, "cursor", "selected"):
        query.pop(dropped, None)
    return f"{path}?{query.urlencode()}" if query else path


def _select_prefix(params: QueryDict) -> str:
    """The start of a row's link: the list's state, then `selected=`."""
    state = _state(params)
    return f"?{state}&selected=" if state else "?selected="


def _state(params: QueryDict) -> str:
    """The list's filters and sort as a query string, without cursor or selection."""
    query = params.copy()
    for transient in ("cursor", "selected"):
        query.pop(transient, None)
    return query.urlencode()


def _sentences(form) -> list[str]:
    return [str(message) for messages in form.errors.values() for message in messages]
