"""What the customer detail panel shows, for a given staff member."""

from django.http import HttpRequest

from cloudfactory.customers import queries
from cloudfactory.customers.forms import StatusChangeForm
from cloudfactory.customers.models import Customer

HISTORY_PAGE = 20

# The status actions: (target status, button label, what the confirmation says).
STATUS_ACTIONS = {
    Customer.Status.SUSPENDED: ("Suspend", "Suspend this customer"),
    Customer.Status.ACTIVE: ("Reactivate", "Reactivate this customer"),
    Customer.Status.INACTIVE: ("Mark inactive", "Mark this customer inactive"),
}


def status_actions(user, customer: Customer) -> list[dict]:
    """The status changes this staff member may make to this customer."""
    if not user.has_perm("customers.change_status"):
        return []
    return [
        {"status": status, "label": label, "confirm": confirm}
        for status, (label, confirm) in STATUS_ACTIONS.items()
        if status != customer.status
    ]


def panel_context(
    user, customer_id: int, form: StatusChangeForm | None = None
) -> dict | None:
    """Context of customers/_panel.html; None when the customer does not exist."""
    customer = queries.customer_get(customer_id)
    if customer is None:
        return None
    history = queries.customer_history(customer.pk, limit=HISTORY_PAGE)
    return {
        "customer": customer,
        "history": history[:HISTORY_PAGE],
        "history_more": history[HISTORY_PAGE - 1].pk
        if len(history) > HISTORY_PAGE
        else None,
        "actions": status_actions(user, customer),
        "status_form": form,
        # Card and billing address: for the roles that handle payment.
        "can_view_billing": user.has_perm("customers.view_billing"),
    }


class CustomerPanel:
    """The Customers list's detail panel (web.listing.Panel)."""

    template = "customers/_panel.html"

    def context(self, request: HttpRequest, pk: int) -> dict | None:
        return panel_context(request.user, pk)
