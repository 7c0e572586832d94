from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET, require_POST

from cloudfactory.search.forms import RecentForm
from cloudfactory.search.queries import palette_query, palette_results
from cloudfactory.search.render import palette_html
from cloudfactory.search.services import recent_for, recent_note


@require_GET
def palette(request: HttpRequest) -> HttpResponse:
    """The palette's options for `q`; with no `q`, the recent ones."""
    q = palette_query(request.GET.get("q", ""))
    context = {"q": q}
    if q:
        context["groups"] = palette_results(request.user, q)
    else:
        context["recent"] = recent_for(request.user)
    return HttpResponse(palette_html(**context))


@require_POST
def remember(request: HttpRequest) -> HttpResponse:
    form = RecentForm(request.POST)
    if not form.is_valid():
        sentences = [str(m) for messages in form.errors.values() for m in messages]
        return HttpResponse(
            " ".join(sentences), status=400, content_type="text/plain; charset=utf-8"
        )
    recent_note(member=request.user, **form.cleaned_data)
    return HttpResponse(status=204)
