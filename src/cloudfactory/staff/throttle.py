"""Sign-in throttling: no one guesses without limit, no one locks a colleague out.

Three counts, each over the email in its one spelling (models.staff_email) and
the client address (addresses.py); docs/decisions.md says why:

- one email from one address: django-axes locks the pair out for 15 minutes
  after AXES_FAILURE_LIMIT failures;
- one address, any emails: `SignInAxesHandler` locks the address out for 15
  minutes after SIGN_IN_ADDRESS_FAILURE_LIMIT failures;
- one email, any address: `SignInThrottle` makes each try after the
  SIGN_IN_DELAY_AFTER-th failure wait twice as long as the one before, up to
  SIGN_IN_DELAY_CAP seconds. A delay, never a lock: once it has passed, the
  right password signs in. A browser that has signed in to the email before
  (a signed cookie) skips the delay, so the owner of an account under attack
  still signs in at once.

A try refused by a lock or a delay is not checked, so it tells nothing about
the password.
"""

import math
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cloudfactory.staff.models import SignInThrottle, staff_email

# An email's failures are forgotten after a day without one.
MEMORY = timedelta(days=1)
KNOWN_BROWSER_COOKIE = "cf_known_browser"
KNOWN_BROWSER_SALT = "cloudfactory.staff.throttle.known-browser"
KNOWN_BROWSER_AGE = timedelta(days=90)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The email axes counts, in its one spelling: `ADMIN@x` and `admin@x`
    share one count."""
    source = credentials if credentials else request.POST
    return staff_email(source.get(settings.AXES_USERNAME_FORM_FIELD) or "")


class SignInAxesHandler(AxesDatabaseHandler):
    """axes' database handler, which locks one email at one address out, and
    here also an address that failed too often across emails."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self._address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and self._address_locked(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    @staticmethod
    def _address_locked(request) -> bool:
        """Whether the address failed SIGN_IN_ADDRESS_FAILURE_LIMIT times in
        the cool-off period, whatever the emails. One query."""
        failures = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        return (failures or 0) >= settings.SIGN_IN_ADDRESS_FAILURE_LIMIT


def delay_after(failures: int) -> timedelta:
    """How long the next try waits after an email's `failures`-th failure."""
    if failures < settings.SIGN_IN_DELAY_AFTER:
        return timedelta(0)
    exponent = failures - settings.SIGN_IN_DELAY_AFTER
    # 2**exponent passes any cap long before it overflows a float.
    seconds = settings.SIGN_IN_DELAY_CAP if exponent > 30 else 2**exponent
    return timedelta(seconds=min(seconds, settings.SIGN_IN_DELAY_CAP))


def sign_in_claim(*, email: str) -> int:
    """Take the email's turn to try a password now.

    Returns 0 when the try may go ahead, else the whole seconds until the
    email's next try. Of tries arriving at once after a delay, one goes ahead.
    One or two queries.
    """
    now = timezone.now()
    throttle = SignInThrottle.objects.filter(
        email=email, last_failure_at__gt=now - MEMORY
    ).first()
    if throttle is None or throttle.failures < settings.SIGN_IN_DELAY_AFTER:
        return 0
    if throttle.next_try_at <= now:
        taken = SignInThrottle.objects.filter(
            pk=throttle.pk, next_try_at=throttle.next_try_at
        ).update(next_try_at=now + delay_after(throttle.failures))
        if taken:
            return 0
        throttle.refresh_from_db()
    return max(1, math.ceil((throttle.next_try_at - now).total_seconds()))


@transaction.atomic
def sign_in_failed(*, email: str) -> SignInThrottle:
    """Count a wrong password for the email, and set when it may try next."""
    now = timezone.now()
    SignInThrottle.objects.filter(last_failure_at__lte=now - MEMORY).delete()
    throttle, _ = SignInThrottle.objects.select_for_update().get_or_create(
        email=email, defaults={"last_failure_at": now, "next_try_at": now}
    )
    throttle.failures += 1
    throttle.last_failure_at = now
    throttle.next_try_at = now + delay_after(throttle.failures)
    throttle.save()
    return throttle


def sign_in_succeeded(*, email: str) -> None:
    """The email signed in: its failures are forgiven."""
    SignInThrottle.objects.filter(email=email).delete()


def is_known_browser(request: HttpRequest, email: str) -> bool:
    """Whether this browser has signed in to the email in the last 90 days."""
    token = request.get_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        default=None,
        salt=KNOWN_BROWSER_SALT,
        max_age=KNOWN_BROWSER_AGE,
    )
    return token is not None and token == _browser_token(email)


def remember_browser(response: HttpResponse, email: str) -> None:
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        _browser_token(email),
        salt=KNOWN_BROWSER_SALT,
        max_age=int(KNOWN_BROWSER_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _browser_token(email: str) -> str:
    # The email itself stays out of the cookie.
    return salted_hmac(KNOWN_BROWSER_SALT, email).hexdigest()
