from datetime import datetime

from django.db import transaction
from django.utils import timezone

from cloudfactory.activity.services import event_append
from cloudfactory.customers.services import customer_counters_add, customer_lock
from cloudfactory.errors import DomainError, NotFound
from cloudfactory.support.models import Ticket
from cloudfactory.text import UnfitText, fit_text, search_text

SUBJECT_MAX_LENGTH = Ticket._meta.get_field("subject").max_length


def ticket_number(customer_id: int, sequence: int) -> str:
    return f"TKT-{customer_id}-{sequence:04d}"


@transaction.atomic
def ticket_open(
    *,
    customer_id: int,
    subject: str,
    priority: Ticket.Priority | str = Ticket.Priority.NORMAL,
    actor=None,
    created_at: datetime | None = None,
) -> Ticket:
    """Open a support ticket for a customer."""
    if not subject.strip():
        raise DomainError("A ticket needs a subject.")
    try:
        subject = fit_text(subject, what="The subject", max_length=SUBJECT_MAX_LENGTH)
    except UnfitText as unfit:
        raise DomainError(str(unfit)) from None
    if priority not in Ticket.Priority.values:
        raise DomainError(f"Unknown ticket priority {priority!r}.")
    customer = customer_lock(customer_id)
    created_at = created_at or timezone.now()
    number = ticket_number(customer.pk, customer.tickets_count + 1)
    ticket = Ticket.objects.create(
        customer=customer,
        number=number,
        subject=subject,
        priority=priority,
        created_at=created_at,
        updated_at=created_at,
        search_text=search_text(number, subject),
    )
    customer_counters_add(customer_id=customer.pk, tickets=1)
    event_append(
        kind="ticket.opened",
        customer=customer,
        actor=actor,
        payload={"ticket_id": ticket.pk, "number": number, "subject": subject},
    )
    return ticket


@transaction.atomic
def ticket_close(*, ticket_id: int, actor=None) -> Ticket:
    """Close a ticket."""
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None:
        raise NotFound(f"Ticket #{ticket_id} does not exist.")
    if ticket.status == Ticket.Status.CLOSED:
        raise DomainError(f"Ticket {ticket.number} is already closed.")
    ticket.status = Ticket.Status.CLOSED
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=["status", "updated_at"])
    event_append(
        kind="ticket.closed",
        customer=ticket.customer,
        actor=actor,
        payload={"ticket_id": ticket.pk, "number": ticket.number},
    )
    return ticket
