"""A small list declared here, on the engine alone: support tickets by
priority, with a counter that says when it is read. The contract suite runs on
it beside the five real lists, and this module's `urlpatterns` serve it at
/trial beside the project's own."""

from dataclasses import dataclass

from django import forms
from django.urls import include, path

from cloudfactory.support.models import Ticket
from cloudfactory.textsearch.queries import TRIGRAM_SEARCH
from cloudfactory.web.export import ExportColumn, label_cell, text_cell
from cloudfactory.web.forms import SELECT, ListFilterForm
from cloudfactory.web.list_parts import Column, Export, RecordPanel, link_cell
from cloudfactory.web.listing import ListPage
from cloudfactory.web.query import Counter, ListFilter, ListQuery, Sort, Sorts

# What the counter answers: a figure no real count gives, so a page showing
# it shows that the counter, not a count, answered.
COUNTER_FIGURE = 7_777


@dataclass(frozen=True)
class TrialFilter(ListFilter):
    customer_id: int | None = None
    priority: str = ""


class TrialForm(ListFilterForm):
    customer_id = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput
    )
    priority = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Ticket.Priority.choices],
        error_messages={"invalid_choice": "Pick a priority from the list."},
        widget=SELECT,
    )


TRIAL_QUERY = ListQuery(
    model=Ticket,
    filter=TrialFilter,
    lookups={"customer_id": "customer_id", "priority": "priority"},
    sorts=Sorts(
        Sort("opened", "created_at"), Sort("subject", "subject"), default="-opened"
    ),
    search=TRIGRAM_SEARCH,
    counter=Counter(
        covers=("customer_id",),
        read=lambda f: COUNTER_FIGURE if f.customer_id else None,
    ),
    related=("customer",),
)

TRIAL_PAGE = ListPage(
    namespace="trial",
    title="Trial",
    noun="trials",
    record_name="Trial",
    permission="support.view_ticket",
    query=TRIAL_QUERY,
    form=TrialForm,
    columns=(
        Column("number", "Number", link_cell("number")),
        Column("subject", "Subject", "{{ row.subject|highlight(q) }}", sort="subject"),
        Column("created_at", "Opened", "{{ row.created_at|timestamp }}", sort="opened"),
    ),
    panel=RecordPanel(
        get=lambda pk: Ticket.objects.filter(pk=pk).first(),
        template="support/_panel.html",
    ),
    export=Export(
        permission="support.export_ticket",
        columns=(
            ExportColumn("Number", text_cell("number")),
            ExportColumn("Priority", label_cell("priority", Ticket.Priority.choices)),
        ),
    ),
    toolbar_fields=("priority",),
)

urlpatterns = [
    path("", include("cloudfactory.urls")),
    path("", include((TRIAL_PAGE.urls("trial"), "trial"))),
]
