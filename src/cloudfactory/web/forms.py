"""The part of every list's filter form that the list engine itself reads."""

from datetime import datetime

from django import forms
from django.db import models

from cloudfactory.web.cursor import BadCursor, cursor_decode

SELECT = forms.Select(attrs={"class": "input select"})


class ListFilterForm(forms.Form):
    """q, sort, cursor and selected; subclasses add their filters and `to_filter`.

    Subclasses set `model`, `sorts` (URL value -> ordering) and `default_sort`.
    """

    model: type[models.Model]
    sorts: dict[str, tuple[str, str]]
    default_sort: str

    q = forms.CharField(required=False, max_length=200, strip=True)
    sort = forms.ChoiceField(required=False)
    cursor = forms.CharField(required=False, max_length=500)
    selected = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": "The selected row must be a number.",
            "min_value": "The selected row must be a number.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [(s, s) for s in self.sorts]
        ascending = ", ".join(s for s in self.sorts if not s.startswith("-"))
        self.fields["sort"].error_messages["invalid_choice"] = (
            f"Sort by one of: {ascending}."
        )

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or self.default_sort

    def clean(self):
        cleaned = super().clean()
        cleaned["after"] = None
        token = cleaned.get("cursor")
        if token and "sort" in cleaned:
            try:
                cleaned["after"] = self._cursor(token, self.sorts[cleaned["sort"]])
            except BadCursor as exc:
                self.add_error("cursor", str(exc))
        return cleaned

    def _cursor(self, token: str, ordering: tuple[str, str]) -> tuple:
        value, pk = cursor_decode(token)
        field = self.model._meta.get_field(ordering[0].lstrip("-"))
        if isinstance(field, models.DateTimeField):
            fits = isinstance(value, datetime)
        elif isinstance(field, models.IntegerField):
            fits = isinstance(value, int)
        else:
            fits = isinstance(value, str)
        if not fits:
            raise BadCursor("This page link does not fit the sort order.")
        return value, pk
