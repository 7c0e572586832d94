"""The part of every list's filter form that the list engine itself reads."""

import dataclasses
from datetime import date, datetime, time, timedelta

from django import forms
from django.db import models
from django.utils import timezone

from cloudfactory.web.cursor import BadCursor, cursor_decode

SELECT = forms.Select(attrs={"class": "input select"})


class ListFilterForm(forms.Form):
    """q, sort, cursor and selected; subclasses add their filters and `to_filter`.

    Subclasses set `model`, `sorts` (URL value -> ordering), `default_sort`, the
    `filter_class` their fields fill, and `date_ranges`: for a prefix "placed",
    the fields placed_from and placed_to become the filter's placed_since and
    placed_before instants (whole days in the staff member's time zone).
    """

    model: type[models.Model]
    sorts: dict[str, tuple[str, str]]
    default_sort: str
    filter_class: type
    date_ranges: tuple[str, ...] = ()

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
        for prefix in self.date_ranges:
            check_date_range(self, f"{prefix}_from", f"{prefix}_to")
        return cleaned

    def to_filter(self, limit: int = 50):
        """The query's filter object from the valid form."""
        data = dict(self.cleaned_data)
        for prefix in self.date_ranges:
            first, last = data.pop(f"{prefix}_from"), data.pop(f"{prefix}_to")
            data[f"{prefix}_since"], data[f"{prefix}_before"] = day_bounds(first, last)
        names = {field.name for field in dataclasses.fields(self.filter_class)}
        return self.filter_class(
            **{name: value for name, value in data.items() if name in names},
            limit=limit,
        )

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


DATE = forms.DateInput(attrs={"type": "date", "class": "input"})


def date_field(label: str) -> forms.DateField:
    """An optional day in the toolbar, as the browser's date picker."""
    return forms.DateField(
        required=False,
        label=label,
        widget=DATE,
        error_messages={"invalid": f"{label} must be a date like 2025-03-12."},
    )


def check_date_range(form: forms.Form, start: str, end: str) -> None:
    """Refuse a range whose start comes after its end, on the start field."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and first > last:
        form.add_error(start, "The start date must be on or before the end date.")


def day_bounds(first: date | None, last: date | None) -> tuple:
    """[start of `first`, start of the day after `last`) in the current time zone:
    the instants a range of whole days covers, for `__gte` and `__lt`."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, zone) if first else None
    stop = datetime.combine(last + timedelta(days=1), time.min, zone) if last else None
    return start, stop
