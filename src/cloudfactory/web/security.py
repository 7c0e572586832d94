"""Browser and session defences that django-csp and Django do not cover.

The Content-Security-Policy itself comes from django-csp (settings'
CONTENT_SECURITY_POLICY); Referrer-Policy, HSTS and the HTTPS redirect from
Django's SecurityMiddleware.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils.cache import patch_cache_control

# Browser features the back office never uses, off for its pages and for
# anything they could embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)

# Session keys: when the member signed in and when they last made a request
# of their own (epoch seconds).
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# last_seen is rewritten at most once a minute, so a busy member's session row
# is not written on every request.
LAST_SEEN_STEP = 60
# Requests the page makes by itself (the summary cards' poll) send this
# header: they are not activity, so an open tab does not stay signed in.
BACKGROUND_HEADER = "X-Background"


class PermissionsPolicyMiddleware:
    """Every response turns off the browser features listed above."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivatePagesMiddleware:
    """A signed-in member's pages and partials are never stored, neither by a
    shared cache nor by the browser for Back after signing out. A response that
    sets its own Cache-Control (the CSV exports) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, no_store=True, private=True)
        return response


def duration(seconds: int) -> str:
    """'an hour', '12 hours', '30 minutes'."""
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return "an hour" if hours == 1 else f"{hours} hours"
    minutes = max(1, seconds // 60)
    return "a minute" if minutes == 1 else f"{minutes} minutes"


def session_start(sender, request, user, **kwargs) -> None:
    """On sign-in (user_logged_in): the working day and the idle clock start."""
    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = int(time.time())


def session_end(session, now: float) -> str | None:
    """Why this session is over, or None while it holds."""
    signed_in_at = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN)
    if signed_in_at is None or last_seen is None:
        # A session from before these limits: its day starts now.
        session[SIGNED_IN_AT] = session[LAST_SEEN] = int(now)
        return None
    if now - signed_in_at >= settings.SESSION_COOKIE_AGE:
        return (
            f"Your session ended {duration(settings.SESSION_COOKIE_AGE)} "
            "after you signed in."
        )
    if now - last_seen >= settings.SESSION_IDLE_TIMEOUT:
        return (
            f"You were signed out after {duration(settings.SESSION_IDLE_TIMEOUT)} "
            "without activity."
        )
    return None


class SessionTimeoutMiddleware:
    """Signs a member out a working day after they signed in
    (SESSION_COOKIE_AGE), or after SESSION_IDLE_TIMEOUT without a request of
    their own.

    The next page then asks them to sign in with the reason
    (StaffRequiredMiddleware redirects, keeping `next`); an htmx request gets a
    401 whose sentence htmx-errors.js shows.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            reason = session_end(request.session, now)
            if reason is not None:
                logout(request)
                messages.warning(request, reason)
                if request.headers.get("HX-Request") == "true":
                    return render(
                        request,
                        "web/error.html",
                        {
                            "heading": "Signed out",
                            "message": f"{reason} Reload the page to sign in again.",
                        },
                        status=401,
                    )
            elif (
                request.headers.get(BACKGROUND_HEADER) != "true"
                and now - request.session[LAST_SEEN] >= LAST_SEEN_STEP
            ):
                request.session[LAST_SEEN] = int(now)
        return self.get_response(request)
