from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cloudfactory.staff import throttle
from cloudfactory.staff.forms import StaffLoginForm, ThemeForm
from cloudfactory.staff.models import staff_email


class LoginView(auth_views.LoginView):
    """Django's sign-in, with the per-email delay of staff/throttle.py.

    django-axes refuses a locked-out email or address in the authentication
    backend; a lock-out is the longer wait, so it is told first.
    """

    template_name = "staff/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        self.email = _valid_email(request.POST.get("username", ""))
        self.locked = bool(self.email) and AxesProxyHandler.is_locked(
            request, get_credentials(self.email)
        )
        delayed = (
            bool(self.email)
            and not self.locked
            and not throttle.is_known_browser(request, self.email)
        )
        if delayed and (wait := throttle.sign_in_claim(email=self.email)):
            return self._delayed(wait)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        email = form.get_user().email
        throttle.sign_in_succeeded(email=email)
        throttle.remember_browser(response, email)
        return response

    def form_invalid(self, form):
        if not self.locked and form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            throttle.sign_in_failed(email=self.email)
        return super().form_invalid(form)

    def _delayed(self, seconds: int):
        # Unbound: a bound form would check the password to show its errors.
        form = self.get_form_class()(self.request, initial={"username": self.email})
        refusal = (
            "Too many failed sign-ins for this email. "
            f"Try again in {_duration(seconds)}."
        )
        response = self.render_to_response(
            self.get_context_data(form=form, refusal=refusal), status=429
        )
        response["Retry-After"] = str(seconds)
        return response


@require_POST
def set_theme(request: HttpRequest) -> HttpResponse:
    """The signed-in member's theme (System, Light or Dark), kept for every
    page they open next; the palette or the menu's script has already applied
    it to this one (204). The menu's form without a script names the page to
    go back to (`next`) and is sent back there."""
    form = ThemeForm(request.POST)
    if not form.is_valid():
        return HttpResponse(
            " ".join(form.errors["theme"]),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    request.user.theme = form.cleaned_data["theme"]
    request.user.save(update_fields=["theme"])
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back, status=303)
    return HttpResponse(status=204)


def _valid_email(text: str) -> str:
    """The email in its one spelling, or "" when the form will refuse it (and
    then check no password either)."""
    try:
        return staff_email(StaffLoginForm.base_fields["username"].clean(text))
    except ValidationError:
        return ""


def _duration(seconds: int) -> str:
    if seconds < 90:
        return "1 second" if seconds == 1 else f"{seconds} seconds"
    return f"{-(-seconds // 60)} minutes"
