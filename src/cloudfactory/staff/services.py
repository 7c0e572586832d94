from django.contrib.auth.models import Group
from django.db import transaction

from cloudfactory.errors import DomainError
from cloudfactory.staff.models import StaffUser, staff_email
from cloudfactory.staff.roles import ROLES, roles_sync


@transaction.atomic
def staff_create_or_update(
    *, email: str, password: str, role: str, full_name: str = ""
) -> tuple[StaffUser, bool]:
    """Create the staff member, or set the password and role of an existing one.

    Returns the member and whether it was created.
    """
    if role not in ROLES:
        raise DomainError(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    roles_sync()
    email = staff_email(email)
    user = StaffUser.objects.filter(email=email).first()
    created = user is None
    if created:
        user = StaffUser.objects.create_user(email, password, full_name=full_name)
    else:
        user.set_password(password)
        if full_name:
            user.full_name = full_name
        user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user, created
