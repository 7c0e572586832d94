from django import forms
from django.contrib.auth.forms import AuthenticationForm

from cloudfactory.staff.models import StaffUser


class StaffLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match a staff account.",
    }


class ThemeForm(forms.Form):
    """The light or dark look a staff member picks (the palette's Theme commands)."""

    theme = forms.ChoiceField(
        choices=StaffUser.Theme.choices,
        error_messages={
            "required": "Choose a theme: System, Light or Dark.",
            "invalid_choice": "Theme must be System, Light or Dark.",
        },
    )
