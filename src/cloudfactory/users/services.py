from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from cloudfactory.activity.services import event_append
from cloudfactory.customers.services import customer_counters_add, customer_lock
from cloudfactory.errors import DomainError, NotFound
from cloudfactory.text import UnfitText, fit_email, fit_text, search_text
from cloudfactory.users.models import TenantUser

NAME_MAX_LENGTH = TenantUser._meta.get_field("name").max_length


@transaction.atomic
def tenant_user_add(
    *,
    customer_id: int,
    name: str,
    email: str,
    role: TenantUser.Role | str = TenantUser.Role.MEMBER,
    actor=None,
    created_at: datetime | None = None,
    last_seen_at: datetime | None = None,
) -> TenantUser:
    """Add a user to a customer tenant."""
    if role not in TenantUser.Role.values:
        raise DomainError(f"Unknown tenant role {role!r}.")
    if not name.strip() or not email.strip():
        raise DomainError("A tenant user needs a name and an email address.")
    try:
        name = fit_text(name, what="The user's name", max_length=NAME_MAX_LENGTH)
        email = fit_email(email, what="The user's email address")
    except UnfitText as unfit:
        raise DomainError(str(unfit)) from None
    customer = customer_lock(customer_id)
    user = TenantUser(
        customer=customer,
        name=name,
        email=email,
        role=role,
        created_at=created_at or timezone.now(),
        last_seen_at=last_seen_at,
        search_text=search_text(name, email),
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise DomainError(f"{email} is already a user of {customer.name}.") from None
    customer_counters_add(customer_id=customer.pk, users=1)
    event_append(
        kind="user.added",
        customer=customer,
        actor=actor,
        payload={"user_id": user.pk, "email": email, "role": role},
    )
    return user


@transaction.atomic
def tenant_user_remove(*, user_id: int, actor=None) -> None:
    """Remove a user from its tenant."""
    user = TenantUser.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(f"Tenant user #{user_id} does not exist.")
    customer = customer_lock(user.customer_id)
    user.delete()
    customer_counters_add(customer_id=customer.pk, users=-1)
    event_append(
        kind="user.removed",
        customer=customer,
        actor=actor,
        payload={"user_id": user_id, "email": user.email},
    )
