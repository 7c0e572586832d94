from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cloudfactory.activity.queries import event_recent
from cloudfactory.customers.queries import platform_totals


@require_GET
@permission_required("customers.view_customer", raise_exception=True)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "overview/home.html",
        {"totals": platform_totals(), "events": event_recent(limit=15)},
    )
