from django import forms

from cloudfactory.customers.filters import CustomerChoiceField
from cloudfactory.support.models import Ticket
from cloudfactory.web.forms import SELECT, ListFilterForm


class TicketFilterForm(ListFilterForm):
    """The Support list's URL state: q, customer, status, priority, sort,
    cursor, selected."""

    customer = CustomerChoiceField()
    status = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Ticket.Status.choices],
        error_messages={
            "invalid_choice": "Status must be All, Open, Pending or Closed."
        },
        widget=SELECT,
    )
    priority = forms.ChoiceField(
        required=False,
        choices=[("", "All"), *Ticket.Priority.choices],
        error_messages={
            "invalid_choice": "Priority must be All, Low, Normal, High or Urgent."
        },
        widget=SELECT,
    )
