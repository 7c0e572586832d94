"""This process's open event streams, and the fan-out of new log entries to
them.

One `LogReader` thread per process reads each new entry once; the hub hands
each batch to every stream without waiting on any of them.

Under `cloudfactory serve` a stream that has caught up is written directly:
its frames go to its connection's buffer as the batch is handed out, with no
task to wake per stream (`Subscription.writer`). A client that stops reading
lets its buffer grow: past LIVE_BUFFER_LIMIT bytes, or with bytes left unsent
for LIVE_SEND_DEADLINE seconds, it is dropped and its connection cut. Elsewhere
(or while a stream replays) entries wait in a queue its stream reads; one
with more than LIVE_QUEUE_LIMIT entries waiting while its write has waited
STALLED seconds on its client, or ten times that many, is dropped. Either
way one stalled client delays no one, memory stays bounded, and a stream
that keeps reading takes a burst of any size.
"""

import asyncio
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable

from django.conf import settings

from cloudfactory.activity.messages import Message
from cloudfactory.activity.reader import LogReader

logger = logging.getLogger(__name__)

CLOSING = "closing"  # the server is stopping: reconnect to another
DROPPED = "dropped"  # the client stopped reading
STALLED = 1.0  # seconds a write may wait on its client while entries pile up
BEHIND = 10  # times LIVE_QUEUE_LIMIT: dropped however recently it wrote
SLICE = 250  # streams handed a batch before the event loop serves others


class StreamsBusy(Exception):
    """A stream beyond the caps of this process or of this member."""


class Subscription:
    """One open stream's place in the hub."""

    def __init__(self, member_id: int, audience: tuple[str, ...], limit: int):
        self.member_id = member_id
        self.audience = audience
        self.limit = limit
        # The id of the last entry sent: replay and fan-out may overlap.
        self.sent = 0
        self.items: deque[Message | str] = deque()
        self.ended = False
        self.dropped = False
        # Writes `bytes` to the connection at once and answers how many bytes
        # wait to be sent (None once it is gone); set by `write_directly`.
        self.writer: Callable[[bytes], int | None] | None = None
        # Since when bytes have waited on the client (direct writes).
        self.unsent_since: float | None = None
        # When the write now waiting on the client began; None between writes.
        self.sending_since: float | None = None
        # The stream's task, cancelled when its queue fills while it is stuck
        # writing to a client that stopped reading.
        self.task: asyncio.Task | None = asyncio.current_task()
        self._waiter: asyncio.Future | None = None

    def write_directly(self, writer: Callable[[bytes], int | None]) -> None:
        """From now on, entries go straight to the connection through `writer`.
        Only with nothing queued: the queue's entries would come after."""
        assert not self.items
        self.writer = writer

    def deliver(self, messages: list[Message]) -> None:
        if self.ended:
            return
        if self.writer is None:
            for message in messages:
                self.offer(message)
            return
        frames = [m.frame(self.audience) for m in messages if m.id > self.sent]
        if frames:
            self.sent = messages[-1].id
            self.write(b"".join(frames))

    def write(self, data: bytes) -> None:
        """Write `data` directly; drop a client that stopped reading."""
        unsent = self.writer(data)
        if unsent is None:
            self.end(DROPPED)  # the connection is gone
        elif unsent == 0:
            self.unsent_since = None
        elif unsent > settings.LIVE_BUFFER_LIMIT or self._unsent_too_long():
            logger.info("A live stream stopped reading; dropped it")
            self.end(DROPPED)
        elif self.unsent_since is None:
            self.unsent_since = time.monotonic()

    def _unsent_too_long(self) -> bool:
        since = self.unsent_since
        return since is not None and (
            time.monotonic() - since > settings.LIVE_SEND_DEADLINE
        )

    def offer(self, item: Message | str) -> None:
        """Queue `item` without waiting; a stalled queue ends the stream."""
        if self.ended:
            return
        if isinstance(item, Message) and self._stopped_reading():
            item = DROPPED
        if isinstance(item, str):
            self.end(item)
        else:
            self.items.append(item)
            self.wake()

    def end(self, why: str) -> None:
        """Tell the stream to end (CLOSING, DROPPED), once."""
        if self.ended:
            return
        self.ended = True
        self.items.append(why)
        self.wake()
        if why == DROPPED:
            self.dropped = True
            if self.writer is None and self.task is not None:
                # Its stream may be stuck in a write: wake it there too.
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

    def take_now(self) -> list[Message | str]:
        items = list(self.items)
        self.items.clear()
        return items

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
        return self.take_now()


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
        # Batches still being handed out, with the streams still to get each.
        self.backlog: deque[tuple[list[Message], list[Subscription]]] = deque()
        self.draining = False

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
            subscription.end(CLOSING)

    def deliver(self, messages: list[Message]) -> None:
        """Hand a batch to every stream open now, in slices: pages answered
        on the same event loop wait for a slice, not for every stream."""
        self.head = max(self.head, messages[-1].id)
        self.backlog.append((messages, list(self.subscriptions)))
        if not self.draining:
            self.draining = True
            self._drain()

    def _drain(self) -> None:
        # Batches go out in order: a stream gets the next one after this one.
        budget = SLICE
        while self.backlog and budget > 0:
            messages, waiting = self.backlog[0]
            while waiting and budget > 0:
                waiting.pop().deliver(messages)
                budget -= 1
            if not waiting:
                self.backlog.popleft()
        if self.backlog:
            asyncio.get_running_loop().call_soon(self._drain)
        else:
            self.draining = False

    def _deliver_from_thread(self, messages: list[Message]) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.deliver, messages)


HUB = Hub()
