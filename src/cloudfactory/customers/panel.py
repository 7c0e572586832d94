"""What the customer detail panel shows, for a given staff member."""

from dataclasses import dataclass

from django.http import HttpRequest

from cloudfactory.customers import queries
from cloudfactory.customers.forms import StatusChangeForm
from cloudfactory.customers.models import Customer

HISTORY_PAGE = 20

KEPT = "Its users, orders and invoices stay as they are; Reactivate undoes it."


@dataclass(frozen=True)
class StatusAction:
    label: str  # the button that opens the step: "Suspend"
    confirm: str  # the step's last button: "Suspend {name}"
    consequence: str  # what it will do, said before it is done
    done: str  # what it did, for the toast: "{name} suspended"
    danger: bool


STATUS_ACTIONS = {
    Customer.Status.SUSPENDED: StatusAction(
        label="Suspend",
        confirm="Suspend {name}",
        consequence="{name} will be shown as suspended on every page, with "
        "your reason in its account history. " + KEPT,
        done="{name} suspended",
        danger=True,
    ),
    Customer.Status.ACTIVE: StatusAction(
        label="Reactivate",
        confirm="Reactivate {name}",
        consequence="{name} will be shown as active again, with your reason "
        "in its account history.",
        done="{name} reactivated",
        danger=False,
    ),
    Customer.Status.INACTIVE: StatusAction(
        label="Mark inactive",
        confirm="Mark {name} inactive",
        consequence="{name} will be shown as inactive on every page, with "
        "your reason in its account history. " + KEPT,
        done="{name} marked inactive",
        danger=True,
    ),
}


def status_actions(user, customer: Customer) -> list[dict]:
    """The status changes this staff member may make to this customer, each
    with its words for this customer (plain text, escaped where shown)."""
    if not user.has_perm("customers.change_status"):
        return []
    name = customer.name
    return [
        {
            "status": status,
            "label": action.label,
            "confirm": action.confirm.format(name=name),
            "consequence": action.consequence.format(name=name),
            "danger": action.danger,
        }
        for status, action in STATUS_ACTIONS.items()
        if status != customer.status
    ]


def status_done(customer: Customer) -> str:
    """What a status change did, in a few words: "Acme Corp suspended"."""
    return STATUS_ACTIONS[customer.status].done.format(name=customer.name)


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
