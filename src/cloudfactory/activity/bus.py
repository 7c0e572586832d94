"""In-process announcement of new event ids to the listeners of this process."""

import threading
from collections.abc import Callable

_listeners: list[Callable[[int], None]] = []
_lock = threading.Lock()


def subscribe(listener: Callable[[int], None]) -> Callable[[], None]:
    """Call `listener(event_id)` for each new event; returns how to unsubscribe."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


def publish(event_id: int) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        listener(event_id)
