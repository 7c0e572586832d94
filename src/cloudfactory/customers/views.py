from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from cloudfactory.customers import queries, services
from cloudfactory.customers.forms import StatusChangeForm
from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
from cloudfactory.customers.panel import HISTORY_PAGE, panel_context
from cloudfactory.errors import DomainError, NotFound

VIEW = "customers.view_customer"

customer_list = CUSTOMER_LIST_PAGE.as_view()


@require_GET
@permission_required(VIEW, raise_exception=True)
def cards(request: HttpRequest) -> HttpResponse:
    return render(
        request, "customers/_cards.html", {"totals": queries.platform_totals()}
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    context = panel_context(request.user, pk)
    status = 404 if "missing_customer" in context else 200
    return render(request, "customers/_panel.html", context, status=status)


@require_GET
@permission_required(VIEW, raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = panel_context(request.user, pk)
    if "missing_customer" in context:
        raise NotFound(f"Customer #{pk} does not exist.")
    return render(request, "customers/detail.html", context)


@require_GET
@permission_required(VIEW, raise_exception=True)
def history(request: HttpRequest, pk: int) -> HttpResponse:
    before = request.GET.get("before", "")
    if not before.isdigit():
        return HttpResponse(
            "This history link is damaged; reopen the customer.", status=400
        )
    entries = queries.customer_history(pk, before=int(before), limit=HISTORY_PAGE)
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
            services.customer_change_status(
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
            context = panel_context(request.user, pk)
            context.update(
                changed=True, totals=queries.platform_totals(), list=CUSTOMER_LIST_PAGE
            )
            return render(request, "customers/_panel.html", context)
    context = panel_context(request.user, pk, form=form)
    return render(request, "customers/_panel.html", context, status=422)


export = CUSTOMER_LIST_PAGE.export_as_view()
