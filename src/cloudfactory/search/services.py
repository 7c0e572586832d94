"""What the palette remembers for each staff member."""

from django.db import transaction
from django.utils import timezone

from cloudfactory.search.models import Recent

KEEP = 8  # of each kind, per member


@transaction.atomic
def recent_note(*, member, kind: str, key: str, label: str) -> None:
    """Remember a search or an opened record, newest first; keep the last KEEP."""
    Recent.objects.update_or_create(
        member=member,
        kind=kind,
        key=key[:300],
        defaults={"label": label[:300], "used_at": timezone.now()},
    )
    stale = Recent.objects.filter(member=member, kind=kind).order_by("-used_at")[KEEP:]
    Recent.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()


def recent_for(member) -> dict[str, list[Recent]]:
    """The member's recent searches and records, newest first. One query."""
    rows = Recent.objects.filter(member=member).order_by("-used_at")[: 2 * KEEP]
    recent = {Recent.Kind.SEARCH: [], Recent.Kind.RECORD: []}
    for row in rows:
        recent[row.kind].append(row)
    return recent
