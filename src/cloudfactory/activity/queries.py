from cloudfactory.activity.models import Event


def event_recent(*, limit: int = 20) -> list[Event]:
    """The newest events by time, newest first (then by id), with customer and
    actor. One query, read through the event_time index."""
    return list(
        Event.objects.select_related("customer", "actor").order_by(
            "-created_at", "-id"
        )[:limit]
    )
