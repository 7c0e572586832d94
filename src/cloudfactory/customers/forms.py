from django import forms

from cloudfactory.customers.models import Customer
from cloudfactory.customers.services import REASON_MAX_LENGTH
from cloudfactory.web.cursor import MAX_BIGINT
from cloudfactory.web.forms import SELECT, ListFilterForm


class CustomerFilterForm(ListFilterForm):
    """The list's URL state: q, type, status, sort, cursor, selected."""

    type = forms.ChoiceField(
        required=False,
        choices=[("", "All"), ("company", "Companies"), ("individual", "Individuals")],
        error_messages={
            "invalid_choice": "Type must be All, Companies or Individuals."
        },
        widget=SELECT,
    )
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Customer.Status.choices],
        error_messages={
            "invalid_choice": "Status must be All, Active, Suspended or Inactive."
        },
        widget=SELECT,
    )


class StatusChangeForm(forms.Form):
    """The status actions' form; the service checks the reason's characters."""

    status = forms.ChoiceField(choices=Customer.Status.choices)
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Give a reason for the status change.",
            "max_length": (
                f"Keep the reason to {REASON_MAX_LENGTH} characters "
                "(it has %(show_value)d)."
            ),
            "null_characters_not_allowed": (
                "The reason holds an invisible or control character (U+0000); "
                "type it again without it."
            ),
        },
    )


HISTORY_LINK_DAMAGED = "This history link is damaged; reopen the customer."


class HistoryPageForm(forms.Form):
    """`?before=<event id>`: the older part of a customer's account history."""

    before = forms.IntegerField(
        min_value=1,
        max_value=MAX_BIGINT,
        error_messages={
            key: HISTORY_LINK_DAMAGED
            for key in ("required", "invalid", "min_value", "max_value")
        },
    )
