"""Saved views over HTTP: the views bar above every list, its actions (save,
rename, update, delete, copy), each tab's count, and a list opened by a
view's link, `?<the view's state>&view=<id>`.

`view` stays in the list's URL while the member refines it (row, sort and
export links keep it like any other part of the state); the list's form
ignores it, so it never changes the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_POST

from cloudfactory.errors import DomainError, NotFound
from cloudfactory.web import saved_views
from cloudfactory.web.converters import ROW_ID
from cloudfactory.web.cursor import MAX_BIGINT
from cloudfactory.web.models import SavedView
from cloudfactory.web.saved_views import NOT_STATE, NotOwner, ViewRefused

if TYPE_CHECKING:
    from cloudfactory.web.listing import ListPage

VIEW_LINK_UNKNOWN = (
    "The saved view in this link does not exist or is not shared with you; "
    "the list shows the link's own filters."
)


class ViewParamForm(forms.Form):
    """`?view=<id>`: the saved view a list or a count is asked for."""

    view = forms.IntegerField(required=False, min_value=1, max_value=MAX_BIGINT)


class ViewActionForm(forms.Form):
    """A saved view's action: the service checks each value and says what is
    wrong; `state` is the list's query string where the action was taken,
    `columns` its column names, comma-separated (empty: the default)."""

    name = forms.CharField(required=False)
    sharing = forms.CharField(required=False, max_length=20)
    role = forms.CharField(required=False, max_length=40)
    state = forms.CharField(required=False, strip=False)
    columns = forms.CharField(required=False, max_length=2000)

    def column_names(self) -> list[str]:
        text = self.cleaned_data["columns"]
        return [name.strip() for name in text.split(",") if name.strip()]


def view_link(list_page: ListPage, view: SavedView) -> str:
    """The list's URL showing `view`: its state, its columns (the engine's
    `columns=`, when it keeps any), then `view=<id>`."""
    base = reverse(f"{list_page.namespace}:list")
    parts = [view.state] if view.state else []
    if view.columns:
        parts.append(urlencode({"columns": ",".join(view.columns)}, safe=","))
    parts.append(f"view={view.pk}")
    return f"{base}?{'&'.join(parts)}"


def view_link_redirect(
    list_page: ListPage, request: HttpRequest
) -> HttpResponse | None:
    """A link naming only a view (`?view=7`) opens the view's state: the
    redirect to its full link; None for any other request."""
    if request.htmx or any(key not in NOT_STATE for key in request.GET):
        return None
    view = _view_named(list_page, request)
    if view is None or not view.state:
        return None
    link = view_link(list_page, view)
    selected = request.GET.get("selected")
    return redirect(f"{link}&selected={selected}" if selected else link)


def views_bar(list_page: ListPage, request: HttpRequest) -> dict:
    """The views bar of the full page: the views the member may open, the one
    the URL names, and a sentence when it names one they may not open."""
    params = ViewParamForm(request.GET)
    named = params.cleaned_data["view"] if params.is_valid() else None
    # The member's role is read here and by the page's frame: read it once.
    prefetch_related_objects([request.user], "groups")
    views = saved_views.saved_views_visible(request.user, list_page.namespace)
    current = next((v for v in views if v.pk == named), None)
    unknown = "view" in request.GET and current is None
    return _bar(
        list_page, request, views, current, VIEW_LINK_UNKNOWN if unknown else ""
    )


def saved_view_urls(list_page: ListPage, base: str) -> list[URLPattern]:
    """The list's saved views' URLs, under `<base>/views`."""
    views = f"{base}/views"
    return [
        path(views, _create_view(list_page), name="views"),
        path(f"{views}/count", _count_view(list_page), name="views_count"),
        *(
            path(
                f"{views}/<{ROW_ID}:pk>/{action}",
                _action_view(list_page, action),
                name=f"view_{action}",
            )
            for action in ACTIONS
        ),
    ]


def _rename(list_page, request, pk, form) -> tuple[SavedView, str]:
    view = saved_views.saved_view_rename(
        view_id=pk, actor=request.user, list_page=list_page, name=form["name"]
    )
    return view, f"View renamed “{view.name}”"


def _update(list_page, request, pk, form) -> tuple[SavedView, str]:
    view = saved_views.saved_view_update(
        view_id=pk,
        actor=request.user,
        list_page=list_page,
        state=form["state"],
        columns=form["columns"],
    )
    return view, f"View “{view.name}” updated"


def _delete(list_page, request, pk, form) -> tuple[None, str]:
    view = saved_views.saved_view_delete(
        view_id=pk, actor=request.user, list_page=list_page
    )
    return None, f"View “{view.name}” deleted"


def _copy(list_page, request, pk, form) -> tuple[SavedView, str]:
    view = saved_views.saved_view_copy(
        view_id=pk, actor=request.user, list_page=list_page
    )
    return view, f"View copied to your views as “{view.name}”"


ACTIONS: dict[str, Callable] = {
    "rename": _rename,
    "update": _update,
    "delete": _delete,
    "copy": _copy,
}


def _create_view(list_page: ListPage) -> Callable:
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        _check_permission(list_page, request)
        form = ViewActionForm(request.POST)
        if not form.is_valid():
            return _refused(_sentences(form), status=422)
        try:
            saved = saved_views.saved_view_create(
                owner=request.user,
                list_page=list_page,
                name=form.cleaned_data["name"],
                sharing=form.cleaned_data["sharing"],
                role=form.cleaned_data["role"],
                state=form.cleaned_data["state"],
                columns=form.column_names(),
            )
        except DomainError as exc:
            return _refused(str(exc), status=_status(exc))
        return _done(list_page, request, saved, f"View “{saved.name}” saved")

    view.__name__ = f"{list_page.namespace}_view_create"
    return view


def _action_view(list_page: ListPage, action: str) -> Callable:
    act = ACTIONS[action]

    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        _check_permission(list_page, request)
        form = ViewActionForm(request.POST)
        if not form.is_valid():
            return _refused(_sentences(form), status=422)
        values = {**form.cleaned_data, "columns": form.column_names()}
        try:
            saved, message = act(list_page, request, pk, values)
        except DomainError as exc:
            return _refused(str(exc), status=_status(exc))
        return _done(list_page, request, saved, message)

    view.__name__ = f"{list_page.namespace}_view_{action}"
    return view


def _count_view(list_page: ListPage) -> Callable:
    """A tab's count, fetched once the page shows: `?view=<id>`, or the whole
    list without it."""

    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        _check_permission(list_page, request)
        params = ViewParamForm(request.GET)
        if not params.is_valid():
            return _refused(VIEW_LINK_UNKNOWN, status=400)
        state = ""
        if params.cleaned_data["view"]:
            try:
                state = saved_views.saved_view_get(
                    view_id=params.cleaned_data["view"],
                    user=request.user,
                    list_name=list_page.namespace,
                ).state
            except NotFound as exc:
                return _refused(str(exc), status=404)
        form = list_page.parse(QueryDict(state))
        context = {"broken": not form.is_valid()}
        if form.is_valid():
            context["count"], context["exact"] = list_page.query.count(form.to_filter())
        return render(request, "web/_view_count.html", context)

    view.__name__ = f"{list_page.namespace}_views_count"
    return view


def _view_named(list_page: ListPage, request: HttpRequest) -> SavedView | None:
    params = ViewParamForm(request.GET)
    if not params.is_valid() or not params.cleaned_data["view"]:
        return None
    try:
        return saved_views.saved_view_get(
            view_id=params.cleaned_data["view"],
            user=request.user,
            list_name=list_page.namespace,
        )
    except NotFound:
        return None


def _bar(list_page, request, views, current, message="") -> dict:
    user = request.user
    return {
        "tabs": [
            {
                "view": view,
                "url": view_link(list_page, view),
                "current": view is current,
                "mine": view.owner_id == user.pk,
            }
            for view in views
        ],
        "current": current,
        "current_is_mine": current is not None and current.owner_id == user.pk,
        "message": message,
        "role": user.role,
    }


def _done(list_page, request, current: SavedView | None, message: str):
    """After an action: the views bar as it now is, with `current` marked,
    for the page to swap in, and the toast's sentence; without JavaScript,
    back to the list."""
    if current is None:
        link = reverse(f"{list_page.namespace}:list")
    else:
        link = view_link(list_page, current)
    if not request.headers.get("HX-Request"):
        return HttpResponseRedirect(link, status=303)
    views = saved_views.saved_views_visible(request.user, list_page.namespace)
    current = next((v for v in views if current and v.pk == current.pk), None)
    bar = _bar(list_page, request, views, current)
    html = render_to_string(
        "web/_views_bar.html", {"list": list_page, "views_bar": bar}, request=request
    )
    return JsonResponse(
        {"message": message, "view": current.pk if current else None, "bar": html}
    )


def _check_permission(list_page: ListPage, request: HttpRequest) -> None:
    if not request.user.has_perm(list_page.permission):
        raise PermissionDenied


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, NotOwner):
        return 403
    if isinstance(exc, ViewRefused):
        return 422
    return 409


def _refused(sentence: str, *, status: int) -> HttpResponse:
    return HttpResponse(
        sentence, status=status, content_type="text/plain; charset=utf-8"
    )


def _sentences(form: forms.Form) -> str:
    return " ".join(str(m) for messages in form.errors.values() for m in messages)
