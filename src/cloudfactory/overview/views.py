from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cloudfactory.activity.pages import reads_log_head
from cloudfactory.activity.queries import event_recent
from cloudfactory.customers.queries import platform_totals

RECENT = 15


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
@reads_log_head
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "overview/home.html",
        {"totals": platform_totals(), "events": event_recent(limit=RECENT)},
    )


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def activity(request: HttpRequest) -> HttpResponse:
    """The recent activity list alone, for the page's live updates."""
    return render(
        request, "overview/_activity.html", {"events": event_recent(limit=RECENT)}
    )
