from django import forms

from cloudfactory.customers.models import Customer
from cloudfactory.customers.queries import DEFAULT_SORT, SORTS, CustomerFilter
from cloudfactory.web.cursor import BadCursor, cursor_decode

# What each sort's cursor value must be, so a tampered link is refused cleanly.
_CURSOR_TYPES = {"created": "datetime", "name": str, "users": int}


class CustomerFilterForm(forms.Form):
    """The list's URL state: q, type, status, sort, cursor, selected."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    type = forms.ChoiceField(
        required=False,
        choices=[("", "All"), ("company", "Companies"), ("individual", "Individuals")],
        error_messages={"invalid_choice": "Type must be All, Companies or Individuals."},
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Customer.Status.choices],
        error_messages={
            "invalid_choice": "Status must be All, Active, Suspended or Inactive."
        },
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[(s, s) for s in SORTS],
        error_messages={"invalid_choice": "Sort by name, users or created date."},
    )
    cursor = forms.CharField(required=False, max_length=500)
    selected = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={"invalid": "The selected customer must be a customer number."},
    )

    def clean_sort(self) -> str:
        return self.cleaned_data["sort"] or DEFAULT_SORT

    def clean(self):
        cleaned = super().clean()
        token = cleaned.get("cursor")
        sort = cleaned.get("sort") or DEFAULT_SORT
        cleaned["after"] = None
        if token:
            try:
                value, pk = cursor_decode(token)
            except BadCursor as exc:
                self.add_error("cursor", str(exc))
                return cleaned
            expected = _CURSOR_TYPES[sort.lstrip("-")]
            is_datetime = expected == "datetime"
            if (is_datetime and not hasattr(value, "tzinfo")) or (
                not is_datetime and not isinstance(value, expected)
            ):
                self.add_error("cursor", "This page link does not fit the sort order.")
                return cleaned
            cleaned["after"] = (value, pk)
        return cleaned

    def to_filter(self, limit: int = 50) -> CustomerFilter:
        data = self.cleaned_data
        return CustomerFilter(
            q=data["q"],
            type=data["type"],
            status=data["status"],
            sort=data["sort"],
            after=data["after"],
            limit=limit,
        )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(choices=Customer.Status.choices)
    reason = forms.CharField(max_length=500, strip=True, widget=forms.Textarea(attrs={"rows": 2}))
