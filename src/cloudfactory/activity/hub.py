"""This process's open event streams, and the fan-out of new log entries to
them.

One `LogReader` thread per process reads each new entry once; the hub hands
its message to every stream's queue without waiting on any of them. A queue
holds references to messages every stream shares. A stream with more than
LIVE_QUEUE_LIMIT entries waiting while its last write has waited on its
client for STALLED seconds has stopped reading; at ten times the limit it is
too far behind whatever it is doing. Either way it is dropped, never waited
for, so one stalled client delays no one and memory stays bounded; a stream
that keeps reading takes a burst of any size.
"""

import asyncio
import threading
import time
from collections import Counter, deque

from django.conf import settings

from cloudfactory.activity.messages import Message
from cloudfactory.activity.reader import LogReader

CLOSING = "closing"  # the server is stopping: reconnect to another
DROPPED = "dropped"  # the client stopped reading
STALLED = 1.0  # seconds a write may wait on its client while entries pile up
BEHIND = 10  # times LIVE_QUEUE_LIMIT: dropped however recently it wrote


class StreamsBusy(Exception):
    """A stream beyond the caps of this process or of this member."""


class Subscription:
    """One open stream's place in the hub: the items queued for it."""

    def __init__(self, member_id: int, audience: tuple[str, ...], limit: int):
        self.member_id = member_id
        self.audience = audience
        self.limit = limit
        self.items: deque[Message | str] = deque()
        self.ended = False
        self.dropped = False
        # When the write now waiting on the client began; None between writes.
        self.sending_since: float | None = None
        # The stream's task, cancelled when its queue fills while it is stuck
        # writing to a client that stopped reading.
        self.task: asyncio.Task | None = asyncio.current_task()
        self._waiter: asyncio.Future | None = None

    def offer(self, item: Message | str) -> None:
        """Queue `item` without waiting; a queue at its limit ends the stream."""
        if self.ended:
            return
        if isinstance(item, Message) and self._stopped_reading():
            item = DROPPED
        if isinstance(item, str):
            self.ended = True
        self.items.append(item)
        self.wake()
        if item == DROPPED:
            self.dropped = True
            if self.task is not None:
                self.task.cancel()

    def _stopped_reading(self) -> bool:
        waiting = len(self.items)
        if waiting < self.limit:
            return False
        if waiting >= self.limit * BEHIND:
            return True
        since = self.sending_since
        return since is not None and time.monotonic() - since > STALLED

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def take(self, timeout: float) -> list[Message | str]:
        """Everything queued, waiting up to `timeout` seconds for something
        (or for `wake`); [] when nothing came."""
        if not self.items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                async with asyncio.timeout(timeout):
                    await self._waiter
            except TimeoutError:
                return []
            finally:
                self._waiter = None
        items = list(self.items)
        self.items.clear()
        return items


class Hub:
    """The streams of this process (one hub per process, per event loop)."""

    def __init__(self):
        self.loop: asyncio.AbstractEventLoop | None = None
        self.subscriptions: set[Subscription] = set()
        self.per_member: Counter[int] = Counter()
        self.reader: LogReader | None = None
        # The newest entry handed to the streams; a stream that subscribes
        # now gets every later one, and replays up to this one from the log.
        self.head = 0
        self.closing = False
        self._started = threading.Lock()

    async def start(self) -> None:
        """Start the reader once; returns when it knows the log's head."""
        loop = asyncio.get_running_loop()
        with self._started:
            if self.reader is None or not self.reader.is_alive():
                self.loop = loop
                self.reader = LogReader(self._deliver_from_thread)
                self.reader.start()
        started_at = await asyncio.wrap_future(self.reader.ready)
        self.head = max(self.head, started_at)

    def subscribe(self, member_id: int, audience: tuple[str, ...]) -> Subscription:
        if self.closing:
            raise StreamsBusy("The server is restarting; reconnect in a moment.")
        if len(self.subscriptions) >= settings.LIVE_STREAMS_PER_PROCESS:
            raise StreamsBusy(
                "This server holds as many live streams as it can; "
                "the page will try again shortly."
            )
        if self.per_member[member_id] >= settings.LIVE_STREAMS_PER_MEMBER:
            raise StreamsBusy(
                f"You have {settings.LIVE_STREAMS_PER_MEMBER} live pages open "
                "already; close one to make this one live."
            )
        subscription = Subscription(member_id, audience, settings.LIVE_QUEUE_LIMIT)
        self.subscriptions.add(subscription)
        self.per_member[member_id] += 1
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        if subscription in self.subscriptions:
            self.subscriptions.remove(subscription)
            self.per_member[subscription.member_id] -= 1
            if self.per_member[subscription.member_id] <= 0:
                del self.per_member[subscription.member_id]

    def close_all(self) -> None:
        """Tell every stream the server is stopping (with a retry hint)."""
        self.closing = True
        for subscription in list(self.subscriptions):
            subscription.offer(CLOSING)

    def deliver(self, messages: list[Message]) -> None:
        self.head = max(self.head, messages[-1].id)
        for subscription in list(self.subscriptions):
            for message in messages:
                subscription.offer(message)

    def _deliver_from_thread(self, messages: list[Message]) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.deliver, messages)


HUB = Hub()
