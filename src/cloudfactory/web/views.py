import logging

from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cloudfactory.activity.queries import event_recent
from cloudfactory.customers.queries import platform_totals

logger = logging.getLogger(__name__)


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {"totals": platform_totals(), "events": event_recent(limit=15)},
    )


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """The database answers; 503 when it does not, so a balancer routes elsewhere."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.warning("readiness check: database unreachable", exc_info=True)
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable"}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok"})
