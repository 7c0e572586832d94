"""The filter forms of the lists: the part every list shares, and date ranges."""

import dataclasses
from datetime import date, datetime, time, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cloudfactory.web.cursor import MAX_BIGINT, BadCursor, cursor_decode
from cloudfactory.web.query import ListFilter, ListQuery

SELECT = forms.Select(attrs={"class": "input select"})


class ListFilterForm(forms.Form):
    """The one parser of a list's URL state: q, sort, cursor and selected here;
    subclasses add their filter fields. Bound to the list's `ListQuery`, it
    fills that query's filter (`to_filter`) and reads the cursor (`after`).

    A field that cleans to a model instance (a customer) fills the filter's
    `<name>_id`. `date_ranges`: for a prefix "placed", the fields placed_from
    and placed_to fill the filter's placed_since and placed_before instants
    (whole days in the staff member's time zone).
    """

    date_ranges: tuple[str, ...] = ()

    q = forms.CharField(required=False, max_length=200, strip=True)
    sort = forms.ChoiceField(required=False)
    cursor = forms.CharField(required=False, max_length=500)
    selected = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_BIGINT,
        error_messages={
            "invalid": "The selected row must be a number.",
            "min_value": "The selected row must be a number.",
            "max_value": "The selected row must be a number.",
        },
    )

    def __init__(self, *args, query: ListQuery, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = query
        sorts = query.sorts
        self.fields["sort"].choices = [(key, key) for key in sorts.keys]
        ascending = ", ".join(sort.key for sort in sorts.sorts)
        self.fields["sort"].error_messages["invalid_choice"] = (
            f"Sort by one of: {ascending}."
        )

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or self.query.sorts.default

    def clean(self):
        cleaned = super().clean()
        cleaned["after"] = None
        token = cleaned.get("cursor")
        if token and "sort" in cleaned:
            try:
                cleaned["after"] = self._cursor(token, cleaned["sort"])
            except BadCursor as exc:
                self.add_error("cursor", str(exc))
        for prefix in self.date_ranges:
            check_date_range(self, f"{prefix}_from", f"{prefix}_to")
        return cleaned

    @property
    def after(self) -> tuple | None:
        """The keyset cursor of a valid form: (sort value, id) or None."""
        return self.cleaned_data["after"]

    @property
    def selected_id(self) -> int | None:
        """The row whose panel is open, of a valid form."""
        return self.cleaned_data.get("selected")

    def to_filter(self) -> ListFilter:
        """The query's filter object from the valid form."""
        data = dict(self.cleaned_data)
        for prefix in self.date_ranges:
            first, last = data.pop(f"{prefix}_from"), data.pop(f"{prefix}_to")
            data[f"{prefix}_since"], data[f"{prefix}_before"] = day_bounds(first, last)
        for name, value in list(data.items()):
            if isinstance(value, models.Model):
                data[f"{name}_id"] = value.pk
        names = {field.name for field in dataclasses.fields(self.query.filter)}
        return self.query.filter(
            **{name: value for name, value in data.items() if name in names}
        )

    def _cursor(self, token: str, sort: str) -> tuple:
        value, pk = cursor_decode(token)
        field = self.query.model._meta.get_field(self.query.sorts.field(sort))
        if isinstance(field, models.DateTimeField):
            fits = isinstance(value, datetime)
        elif isinstance(field, models.IntegerField):
            fits = isinstance(value, int)
        else:
            fits = isinstance(value, str)
        if not fits:
            raise BadCursor("This page link does not fit the sort order.")
        return value, pk


# Days are typed and shown as the app writes them ("1 Dec 2026"); ISO days
# (2026-12-01) and full month names are read too.
DATE_FORMAT = "%-d %b %Y"
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y")


class DayInput(forms.DateInput):
    """A day typed as text; a day the URL gives as 2026-12-01 shows as 1 Dec 2026."""

    def format_value(self, value):
        if isinstance(value, str):
            for input_format in DATE_INPUT_FORMATS:
                try:
                    value = datetime.strptime(value.strip(), input_format).date()
                except ValueError:
                    continue
                break
        return super().format_value(value)


DATE = DayInput(
    format=DATE_FORMAT,
    attrs={
        "class": "input input-date",
        "placeholder": "Any day",
        "title": "A day, like 1 Dec 2026",
        "autocomplete": "off",
        "size": 11,
        "maxlength": 20,
    },
)
# The days a date filter accepts: whole days in any time zone then stay within
# the instants Python and both databases hold (9999-12-31 has no next day).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


def date_field(label: str) -> forms.DateField:
    """An optional day in the toolbar, typed as "1 Dec 2026" or 2026-12-01."""
    out_of_range = f"{label} must be a day from {FIRST_DAY} to {LAST_DAY}."
    return forms.DateField(
        required=False,
        label=label,
        widget=DATE,
        input_formats=DATE_INPUT_FORMATS,
        validators=[
            MinValueValidator(FIRST_DAY, out_of_range),
            MaxValueValidator(LAST_DAY, out_of_range),
        ],
        error_messages={
            "invalid": f"{label} must be a day like 12 Mar 2025 or 2025-03-12."
        },
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
