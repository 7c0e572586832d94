from datetime import timedelta

import pytest
from django.utils import timezone

from cloudfactory.support.services import ticket_close, ticket_open
from tests.factories import CustomerFactory


@pytest.fixture
def acme():
    return CustomerFactory(name="Acme Corp")


@pytest.fixture
def muller():
    return CustomerFactory(name="Müller GmbH")


@pytest.fixture
def tickets(acme, muller):
    """Six tickets a day apart, newest first, over two customers; the fourth
    closed just now, so it is the most recently updated."""
    now = timezone.now()
    rows = [
        (acme, "Cannot export invoices", "urgent"),
        (muller, "Résumé of our support plan", "low"),
        (acme, "VAT number is wrong", "normal"),
        (muller, "Backups usage is high", "high"),
        (acme, "Please raise our DNS quota", "normal"),
        (muller, "Error 502 when calling DNS", "urgent"),
    ]
    made = [
        ticket_open(
            customer_id=customer.pk,
            subject=subject,
            priority=priority,
            created_at=now - timedelta(days=n + 1),
        )
        for n, (customer, subject, priority) in enumerate(rows)
    ]
    ticket_close(ticket_id=made[3].pk)
    return made
