"""The columns a staff member chooses to show on a list, and their order.

A choice is the ordered names of the shown columns of one list, one per staff
member and list (`ColumnChoice`). The list engine (web/listing.py,
`ListPage.columns_for`) turns it into columns; this module reads and writes
it, checks what the Columns menu posts, and lays that menu out.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db import connection, transaction

from cloudfactory.web.models import ColumnChoice

# Longer than any column name: a posted name past this is not looked up.
NAME_MAX_LENGTH = 40


def column_choice_get(user, list_name: str) -> list[str] | None:
    """The names `user` chose to show on list `list_name`, in order; None when
    they chose nothing (or are not signed in). One query."""
    if user is None or user.pk is None:
        return None
    # A plain statement: every list request asks, and the ORM's query costs
    # twice as much to build as to run (docs/decisions.md).
    with connection.cursor() as cursor:
        cursor.execute(_CHOICE_SQL, [user.pk, list_name])
        found = cursor.fetchone()
    if found is None:
        return None
    field = ColumnChoice._meta.get_field("columns")
    choice = field.from_db_value(found[0], None, connection)
    if not isinstance(choice, list):
        return None
    return [name for name in choice if isinstance(name, str)] or None


_CHOICE_SQL = (
    f'SELECT "columns" FROM "{ColumnChoice._meta.db_table}" '
    'WHERE "staff_id" = %s AND "list_name" = %s'
)


@transaction.atomic
def column_choice_save(*, user, list_name: str, names: Sequence[str] | None) -> None:
    """Keep `names` as the columns `user` shows on `list_name`; None forgets
    the choice (the list's defaults again)."""
    if names is None:
        ColumnChoice.objects.filter(staff_id=user.pk, list_name=list_name).delete()
        return
    ColumnChoice.objects.update_or_create(
        staff_id=user.pk, list_name=list_name, defaults={"columns": list(names)}
    )


class ColumnChoiceForm(forms.Form):
    """What the Columns menu posts: `columns`, the names to show in order
    (repeated), or `reset` to go back to the list's defaults. Valid, it gives
    `names`: the list of names, or None for a reset."""

    reset = forms.BooleanField(required=False)

    def __init__(self, data, *, columns: Sequence[Any]):
        super().__init__(data)
        self.columns = tuple(columns)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("reset"):
            cleaned["names"] = None
            return cleaned
        names = self.data.getlist("columns")
        labels = {column.name: column.label for column in self.columns}
        key = self.columns[0]
        if not names:
            raise forms.ValidationError("Choose at least one column to show.")
        if len(names) > len(self.columns):
            raise forms.ValidationError(
                f"This list has {len(self.columns)} columns; {len(names)} were chosen."
            )
        for name in names:
            if name not in labels:
                shown = name[:NAME_MAX_LENGTH]
                raise forms.ValidationError(
                    f"“{shown}” is not a column of this list. "
                    f"Choose from: {', '.join(labels.values())}."
                )
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice:
            raise forms.ValidationError(f"{labels[twice]} is chosen more than once.")
        if key.name not in names:
            raise forms.ValidationError(f"{key.label} must stay shown.")
        cleaned["names"] = names
        return cleaned

    @property
    def names(self) -> list[str] | None:
        return self.cleaned_data["names"]

    def sentence(self) -> str:
        return " ".join(str(message) for message in self.non_field_errors())


@dataclass(frozen=True)
class MenuItem:
    """One column in the Columns menu. `toggle`, `up` and `down` are the
    JSON bodies that show or hide it and move it ("" when it cannot move)."""

    column: Any
    shown: bool
    # The first declared column opens the row's panel: it is always shown.
    locked: bool
    toggle: str
    up: str
    down: str


def column_menu(declared: Sequence[Any], shown: Sequence[Any]) -> list[MenuItem]:
    """The menu's items: the shown columns in their order, then the hidden
    ones in the order the list declares them."""
    names = [column.name for column in shown]
    items = []
    for index, column in enumerate(shown):
        items.append(
            MenuItem(
                column=column,
                shown=True,
                locked=column.name == declared[0].name,
                toggle=_body([n for n in names if n != column.name]),
                up=_body(_swapped(names, index, index - 1)) if index > 0 else "",
                down=_body(_swapped(names, index, index + 1))
                if index < len(names) - 1
                else "",
            )
        )
    for column in declared:
        if column.name not in names:
            items.append(
                MenuItem(column, False, False, _body([*names, column.name]), "", "")
            )
    return items


def _swapped(names: list[str], first: int, second: int) -> list[str]:
    moved = list(names)
    moved[first], moved[second] = moved[second], moved[first]
    return moved


def _body(names: list[str]) -> str:
    return json.dumps({"columns": names})
