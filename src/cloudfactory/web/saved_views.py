"""Saved views: a list's state (search, filters, sort, columns) kept under a
name for its owner and, when shared, for a role or for all staff.

Every read and write of them; the HTTP side is web/saved_views_http.py. A
view's state is checked by its list's own form, so a view that is saved
always opens (until the list's filters change under it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Lower
from django.http import QueryDict

from cloudfactory.errors import DomainError, NotFound
from cloudfactory.staff.roles import ROLES
from cloudfactory.text import UnfitText, fit_text
from cloudfactory.web.models import SavedView

if TYPE_CHECKING:
    from cloudfactory.web.listing import ListPage

NAME_MAX_LENGTH = SavedView._meta.get_field("name").max_length
STATE_MAX_LENGTH = 2000
# Where the reader is in a list, not what the list shows: never a view's state.
NOT_STATE = ("cursor", "selected", "view")
VIEW_MISSING = "This saved view does not exist or is not shared with you."


class ViewRefused(DomainError):
    """Input a saved view cannot keep; the message says what to change."""


class NotOwner(DomainError):
    """A change to a view only its owner may make."""


def saved_views_visible(user, list_name: str) -> list[SavedView]:
    """The views of list `list_name` that `user` may open: their own first,
    then those shared with their role or with all staff, each group by name.
    One query (two while the member's role is not yet read)."""
    mine = Q(owner=user)
    shared = Q(sharing=SavedView.Sharing.EVERYONE)
    if user.role:
        shared |= Q(sharing=SavedView.Sharing.ROLE, role=user.role)
    return list(
        SavedView.objects.filter(mine | shared, list_name=list_name)
        .select_related("owner")
        .annotate(
            others=Case(When(owner=user, then=Value(0)), default=Value(1)),
            folded=Lower("name"),
        )
        .order_by("others", "folded", "id")
    )


def saved_view_get(*, view_id: int, user, list_name: str) -> SavedView:
    """View `view_id` of list `list_name`, if `user` may open it; NotFound
    otherwise (whether or not it exists: others' views are not revealed)."""
    view = (
        SavedView.objects.select_related("owner")
        .filter(pk=view_id, list_name=list_name)
        .first()
    )
    if view is None or not _visible(view, user):
        raise NotFound(VIEW_MISSING)
    return view


def view_state(list_page: ListPage, query_string: str) -> str:
    """`query_string` as a view's state: the list's own fields that are set,
    without cursor or selection. ViewRefused unless the list's form accepts it."""
    query_string = query_string.removeprefix("?")
    if len(query_string) > STATE_MAX_LENGTH:
        raise ViewRefused(
            f"These filters are too long to save ({len(query_string):,} characters;"
            f" at most {STATE_MAX_LENGTH:,})."
        )
    params = QueryDict(query_string)
    fields = list_page.parse(QueryDict()).fields
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        values = [value for value in values if value != ""]
        if key in fields and key not in NOT_STATE and values:
            kept.setlist(key, values)
    form = list_page.parse(kept)
    if not form.is_valid():
        sentences = " ".join(str(m) for ms in form.errors.values() for m in ms)
        raise ViewRefused(f"These filters cannot be saved: {sentences}")
    return kept.urlencode()


def view_columns(list_page: ListPage, columns: list[str]) -> list[str]:
    """`columns` if every one is a column of the list, once; ViewRefused if not."""
    known = [column.name for column in list_page.columns]
    unknown = [name for name in columns if name not in known]
    if unknown:
        raise ViewRefused(
            f"{list_page.title} has no column {unknown[0]!r}; choose among "
            f"{', '.join(known)}."
        )
    if len(set(columns)) != len(columns):
        raise ViewRefused("Each column may be shown once.")
    return list(columns)


@transaction.atomic
def saved_view_create(
    *,
    owner,
    list_page: ListPage,
    name: str,
    sharing: str,
    role: str = "",
    state: str = "",
    columns: list[str] | None = None,
) -> SavedView:
    """A new view of `list_page` for `owner`, shared as `sharing` says."""
    sharing, role = _sharing(sharing, role)
    view = SavedView(
        owner=owner,
        list_name=list_page.namespace,
        name=_name(name, owner=owner, list_name=list_page.namespace),
        state=view_state(list_page, state),
        columns=view_columns(list_page, columns or []),
        sharing=sharing,
        role=role,
    )
    return _saved(view)


@transaction.atomic
def saved_view_rename(
    *, view_id: int, actor, list_page: ListPage, name: str
) -> SavedView:
    view = _owned(view_id, actor, list_page, "rename")
    view.name = _name(name, owner=actor, list_name=view.list_name, other_than=view)
    return _saved(view, update_fields=["name", "updated_at"])


@transaction.atomic
def saved_view_update(
    *,
    view_id: int,
    actor,
    list_page: ListPage,
    state: str,
    columns: list[str] | None = None,
) -> SavedView:
    """View `view_id` showing `state` and `columns` from now on."""
    view = _owned(view_id, actor, list_page, "update")
    view.state = view_state(list_page, state)
    view.columns = view_columns(list_page, columns or [])
    view.save(update_fields=["state", "columns", "updated_at"])
    return view


@transaction.atomic
def saved_view_delete(*, view_id: int, actor, list_page: ListPage) -> SavedView:
    """Delete view `view_id`; returns it as it was, for the message."""
    view = _owned(view_id, actor, list_page, "delete")
    view.delete()
    return view


@transaction.atomic
def saved_view_copy(*, view_id: int, actor, list_page: ListPage) -> SavedView:
    """A personal copy for `actor` of a view they may open, under its name
    (numbered when they already have a view of that name)."""
    original = saved_view_get(
        view_id=view_id, user=actor, list_name=list_page.namespace
    )
    copy = SavedView(
        owner=actor,
        list_name=original.list_name,
        name=_free_name(original.name, owner=actor, list_name=original.list_name),
        state=original.state,
        columns=list(original.columns),
        sharing=SavedView.Sharing.PERSONAL,
    )
    return _saved(copy)


def _visible(view: SavedView, user) -> bool:
    if view.owner_id == user.pk or view.sharing == SavedView.Sharing.EVERYONE:
        return True
    return view.sharing == SavedView.Sharing.ROLE and view.role == user.role


def _owned(view_id: int, actor, list_page: ListPage, verb: str) -> SavedView:
    view = saved_view_get(view_id=view_id, user=actor, list_name=list_page.namespace)
    if view.owner_id != actor.pk:
        raise NotOwner(
            f"Only {view.owner.display_name} can {verb} “{view.name}”; "
            "copy it to have a view of your own."
        )
    # Locked, so two changes of one view are made one after the other.
    return SavedView.objects.select_for_update().select_related("owner").get(pk=view.pk)


def _sharing(sharing: str, role: str) -> tuple[str, str]:
    if sharing not in SavedView.Sharing.values:
        raise ViewRefused("Share the view with only you, a role or all staff.")
    if sharing != SavedView.Sharing.ROLE:
        return sharing, ""
    if role not in ROLES:
        raise ViewRefused(f"Share the view with one of the roles {', '.join(ROLES)}.")
    return sharing, role


def _name(name: str, *, owner, list_name: str, other_than=None) -> str:
    try:
        name = fit_text(name, what="The name", max_length=NAME_MAX_LENGTH)
    except UnfitText as exc:
        raise ViewRefused(str(exc)) from None
    if not name:
        raise ViewRefused("Give the view a name.")
    if _taken(name, owner=owner, list_name=list_name, other_than=other_than):
        raise ViewRefused(_name_taken(name))
    return name


def _taken(name: str, *, owner, list_name: str, other_than=None) -> bool:
    same = SavedView.objects.annotate(folded=Lower("name")).filter(
        owner=owner, list_name=list_name, folded=name.lower()
    )
    if other_than is not None:
        same = same.exclude(pk=other_than.pk)
    return same.exists()


def _free_name(name: str, *, owner, list_name: str) -> str:
    """`name`, or "name (2)", "name (3)"... whichever `owner` has no view of."""
    candidate, number = name, 1
    while _taken(candidate, owner=owner, list_name=list_name):
        number += 1
        suffix = f" ({number})"
        candidate = name[: NAME_MAX_LENGTH - len(suffix)] + suffix
    return candidate


def _name_taken(name: str) -> str:
    return f"You already have a view named “{name}” on this list; choose another name."


def _saved(view: SavedView, **kwargs) -> SavedView:
    # Two requests may both find a name free; the unique index decides.
    try:
        with transaction.atomic():
            view.save(**kwargs)
    except IntegrityError:
        raise ViewRefused(_name_taken(view.name)) from None
    return view
