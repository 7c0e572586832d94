import json

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cloudfactory.customers import queries, services
from cloudfactory.customers.forms import (
    HISTORY_LINK_DAMAGED,
    HistoryPageForm,
    StatusChangeForm,
)
from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.customers.panel import HISTORY_PAGE, panel_context, status_done
from cloudfactory.errors import DomainError, NotFound

VIEW = "customers.view_customer"


@require_GET
@permission_required(VIEW, raise_exception=True)
def cards(request: HttpRequest) -> HttpResponse:
    return render(
        request, "customers/_cards.html", {"totals": queries.platform_totals()}
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def history(request: HttpRequest, pk: int) -> HttpResponse:
    form = HistoryPageForm(request.GET)
    if not form.is_valid():
        return HttpResponse(
            HISTORY_LINK_DAMAGED, status=400, content_type="text/plain; charset=utf-8"
        )
    before = form.cleaned_data["before"]
    entries = queries.customer_history(pk, before=before, limit=HISTORY_PAGE)
    more = entries[HISTORY_PAGE - 1].pk if len(entries) > HISTORY_PAGE else None
    context = {
        "history": entries[:HISTORY_PAGE],
        "history_more": more,
        "customer_id": pk,
    }
    return render(request, "customers/_history.html", context)


@require_POST
@permission_required("customers.change_status", raise_exception=True)
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            customer = services.customer_change_status(
                customer_id=pk,
                status=form.cleaned_data["status"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except NotFound:
            raise  # a missing customer is a 404, not a sentence in the form
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            # The row and the cards change too, out of band; the row keeps
            # the state of the list it is shown in.
            context = panel_context(request.user, pk)
            context.update(
                CUSTOMER_LIST_PAGE.row_context_for(request),
                changed=True,
                totals=queries.platform_totals(),
            )
            response = render(request, "customers/_panel.html", context)
            # htmx raises it as an event, which web/js/toast.js shows.
            response["HX-Trigger"] = json.dumps(
                {"cf:toast": {"message": status_done(customer)}}
            )
            return response
    context = panel_context(request.user, pk, form=form)
    if context is None:
        raise NotFound(f"Customer #{pk} does not exist.")
    return render(request, "customers/_panel.html", context, status=422)
