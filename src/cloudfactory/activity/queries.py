from cloudfactory.activity.models import Event


def event_recent(*, limit: int = 20) -> list[Event]:
    """The newest events, newest first, with customer and actor. One query."""
    return list(
        Event.objects.select_related("customer", "actor").order_by("-id")[:limit]
    )
