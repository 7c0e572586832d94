"""How many downloads run at once: per process and per staff member.

Each download holds a database connection of the exports pool for as long as
its client reads, so the process runs at most EXPORTS_PER_PROCESS of them (the
size of that pool) and a staff member at most EXPORTS_PER_MEMBER; the next one
is refused with a sentence rather than queued.
"""

import threading
import weakref
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings


class ExportsBusy(Exception):
    """No slot is free; the message is a sentence for the staff member."""


@dataclass
class Slot:
    """One running download's place; `release` is safe to call many times."""

    slots: "ExportSlots"
    member: int | None
    released: bool = field(default=False)

    def release(self) -> None:
        self.slots._release(self)

    def bind(self, response) -> None:
        """Release at the latest when `response` is gone, even if it was never
        read or closed (a client that left while the view ran)."""
        weakref.finalize(response, self.release)


class ExportSlots:
    def __init__(self):
        self._lock = threading.Lock()
        self._running = 0
        self._by_member: Counter[int | None] = Counter()

    def take(self, member: int | None) -> Slot:
        """A slot for `member`'s download; ExportsBusy when none is free."""
        per_process = settings.EXPORTS_PER_PROCESS
        per_member = settings.EXPORTS_PER_MEMBER
        with self._lock:
            if self._by_member[member] >= per_member:
                raise ExportsBusy(
                    f"You already have {self._by_member[member]} downloads running. "
                    "Wait for one to finish, then try again."
                )
            if self._running >= per_process:
                raise ExportsBusy(
                    f"{self._running} downloads are running on this server, its "
                    "most at once. Wait a moment, then try again."
                )
            self._running += 1
            self._by_member[member] += 1
        return Slot(self, member)

    def running(self, member: int | None = None) -> int:
        with self._lock:
            return self._running if member is None else self._by_member[member]

    def _release(self, slot: Slot) -> None:
        with self._lock:
            if slot.released:
                return
            slot.released = True
            self._running -= 1
            self._by_member[slot.member] -= 1
            if not self._by_member[slot.member]:
                del self._by_member[slot.member]


EXPORT_SLOTS = ExportSlots()
