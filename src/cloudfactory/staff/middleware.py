import zoneinfo

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.utils import timezone

# Machine clients get a 401, not a redirect to a login page they cannot use.
MACHINE_PREFIXES = ("/api/", "/events")


class StaffRequiredMiddleware(LoginRequiredMiddleware):
    """Every view needs a signed-in staff member unless marked @login_not_required."""

    def handle_no_permission(self, request, view_func):
        # htmx too: it would follow the redirect and swap the sign-in page into
        # the part of the page it was updating (htmx-errors.js says why).
        if (
            request.path.startswith(MACHINE_PREFIXES)
            or request.headers.get("HX-Request") == "true"
        ):
            return JsonResponse({"detail": "Sign in first."}, status=401)
        return super().handle_no_permission(request, view_func)


class StaffTimezoneMiddleware:
    """Show times in the signed-in staff member's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
