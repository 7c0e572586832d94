"""`/events`: the event log as Server-Sent Events, for signed-in staff.

An async ASGI endpoint, served beside Django's handler rather than through
it, so an open stream holds no request thread and no database connection
while it waits: it checks the session once, replays what the client missed
from the log, then only reads its queue in the hub (activity/hub.py).

Frames: `id: N` + `data: {json}` per entry; `event: reload` when the client
is further behind than the replay window (its page reloads its data);
`event: closing` before the server stops; a comment as heartbeat.
"""

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from importlib import import_module
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from cloudfactory.activity.hub import CLOSING, DROPPED, HUB, StreamsBusy
from cloudfactory.activity.messages import audience, batch_messages
from cloudfactory.activity.reader import events_after, log_head
from cloudfactory.web.cursor import MAX_BIGINT
from cloudfactory.web.security import session_end
from cloudfactory.web.server import (
    ABORT_EXTENSION,
    WRITE_EXTENSION,
    when_shutting_down,
)

logger = logging.getLogger(__name__)

EVENTS_PATH = "/events"
PERMISSION = "customers.view_customer"
# How long the stream waits for the reader to know the log's head.
START_TIMEOUT = 2.0

HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    # Proxies must pass each frame on at once, not buffer the response.
    (b"x-accel-buffering", b"no"),
]


@dataclass(frozen=True)
class Member:
    id: int
    permissions: frozenset[str]


def with_event_stream(app):
    """`app`, with `/events` answered by the event stream."""
    when_shutting_down(HUB.close_all)

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == EVENTS_PATH:
            return await event_stream(scope, receive, send)
        return await app(scope, receive, send)

    return application


async def event_stream(scope, receive, send) -> None:
    if scope["method"] not in ("GET", "HEAD"):
        return await _refuse(send, 405, "Only GET is answered here.")
    headers = dict(scope["headers"])
    member = await sync_to_async(stream_member, thread_sensitive=False)(
        _session_key(headers.get(b"cookie", b""))
    )
    if member is None:
        return await _refuse(send, 401, "Sign in first.")
    if PERMISSION not in member.permissions:
        return await _refuse(send, 403, "Your role does not show live activity.")
    try:
        await asyncio.wait_for(HUB.start(), START_TIMEOUT)
    except TimeoutError:
        return await _refuse(send, 503, "The database is unavailable.")
    try:
        subscription = HUB.subscribe(member.id, audience(member.permissions))
    except StreamsBusy as busy:
        return await _refuse(send, 429, str(busy), retry_after=30)
    try:
        await _serve(scope, receive, send, subscription, _last_seen(scope, headers))
    finally:
        HUB.unsubscribe(subscription)


async def _serve(scope, receive, send, subscription, last_seen: int | None) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    if scope["method"] == "HEAD":
        return await send({"type": "http.response.body", "body": b""})
    write = _writer(send, subscription)
    gone = asyncio.ensure_future(_disconnected(receive))
    gone.add_done_callback(lambda _: subscription.wake())
    try:
        await write(f"retry: {settings.LIVE_RETRY_MS}\n: live\n\n".encode())
        subscription.sent = HUB.head
        if last_seen is not None:
            subscription.sent = await _replay(write, subscription.audience, last_seen)
        # What came meanwhile, through the queue; then, under `serve`, the
        # hub writes each batch straight to the connection.
        while items := subscription.take_now():
            if not await _write_items(write, subscription, items):
                return
        direct = scope.get("extensions", {}).get(WRITE_EXTENSION)
        if direct is not None:
            subscription.write_directly(direct)
        ends_at = time.monotonic() + settings.LIVE_STREAM_LIFETIME
        while not gone.done():
            wait = min(settings.LIVE_HEARTBEAT, ends_at - time.monotonic())
            if wait <= 0:
                # Reconnect now and then: the session is checked again.
                return await _end(write, subscription, b"event: closing\ndata: {}\n\n")
            items = await subscription.take(wait)
            if items:
                if not await _write_items(write, subscription, items):
                    return
            elif not gone.done():
                await _heartbeat(write, subscription)
    except ClientGone:
        await _abort(scope)
    except asyncio.CancelledError:
        if not subscription.dropped:
            raise
        asyncio.current_task().uncancel()  # the hub's cancel, handled here
        logger.info("A live stream stopped reading; dropped it")
        await _abort(scope)
    finally:
        gone.cancel()


async def _write_items(write, subscription, items) -> bool:
    """Write queued entries, or end the stream on CLOSING and DROPPED;
    False once it has ended."""
    frames = []
    for item in items:
        if item == CLOSING:
            frames.append(b"retry: 1000\nevent: closing\ndata: {}\n\n")
            await _end(write, subscription, b"".join(frames))
            return False
        if item == DROPPED:
            raise ClientGone
        if item.id > subscription.sent:
            frames.append(item.frame(subscription.audience))
            subscription.sent = item.id
    if frames:
        await write(b"".join(frames))
    return True


async def _heartbeat(write, subscription) -> None:
    if subscription.writer is not None:
        subscription.write(b": heartbeat\n\n")
        if subscription.dropped:
            raise ClientGone
    else:
        await write(b": heartbeat\n\n")


async def _end(write, subscription, last: bytes) -> None:
    """Send `last` and end the response."""
    if subscription.writer is not None:
        subscription.write(last)
        last = b""
    await write(last, final=True)


async def _abort(scope) -> None:
    """Cut the connection of a client that stopped reading, its unsent bytes
    dropped (under `cloudfactory serve`; elsewhere the server closes it)."""
    abort = scope.get("extensions", {}).get(ABORT_EXTENSION)
    if abort is not None:
        abort()
        # The server learns the connection is lost before the stream returns.
        await asyncio.sleep(0)


class ClientGone(Exception):
    """The client went away or stopped reading."""


def _writer(send, subscription):
    """`send` for body frames, given up on after LIVE_SEND_DEADLINE seconds;
    marks the subscription as sending while it waits."""

    async def write(data: bytes, final: bool = False) -> None:
        message = {"type": "http.response.body", "body": data, "more_body": not final}
        subscription.sending_since = time.monotonic()
        try:
            async with asyncio.timeout(settings.LIVE_SEND_DEADLINE):
                await send(message)
        except TimeoutError:
            logger.info(
                "A live stream read nothing for %s s", settings.LIVE_SEND_DEADLINE
            )
            raise ClientGone from None
        except OSError:
            raise ClientGone from None
        finally:
            subscription.sending_since = None

    return write


async def _replay(write, audience_: tuple[str, ...], last_seen: int) -> int:
    """Send every entry after `last_seen` up to the hub's head, in order, or
    `event: reload` past the replay window; returns the last id sent."""
    head = HUB.head
    if last_seen == head:
        return head
    if last_seen > head:
        # The page may have read the log after this process's reader did:
        # entries up to last_seen then still arrive from the hub, and are
        # skipped. Only ids beyond the log itself (a restored database) mean
        # the page must read its data again.
        logged = await sync_to_async(_log_head, thread_sensitive=False)()
        if last_seen <= logged:
            return last_seen
        await write(_reload(logged))
        return logged
    batches = await sync_to_async(_missed, thread_sensitive=False)(last_seen, head)
    if batches is None:
        await write(_reload(head))
        return head
    for messages in batches:
        await write(b"".join(message.frame(audience_) for message in messages))
    return head


def _missed(last_seen: int, head: int):
    """The messages after `last_seen` up to `head`, in batches; None when they
    are more than the replay window."""
    try:
        entries = events_after(
            last_seen, up_to=head, limit=settings.LIVE_REPLAY_LIMIT + 1
        )
        oldest = timezone.now() - timedelta(hours=settings.LIVE_REPLAY_HOURS)
        if len(entries) > settings.LIVE_REPLAY_LIMIT or (
            entries and entries[0].created_at < oldest
        ):
            return None
        return [
            batch_messages(entries[i : i + 500]) for i in range(0, len(entries), 500)
        ]
    finally:
        connection.close()


def _log_head() -> int:
    try:
        return log_head()
    finally:
        connection.close()


def _reload(head: int) -> bytes:
    return f"id: {head}\nevent: reload\ndata: {{}}\n\n".encode()


async def _disconnected(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def stream_member(session_key: str | None) -> Member | None:
    """The signed-in staff member of this session, once, or None."""
    if not session_key:
        return None
    try:
        engine = import_module(settings.SESSION_ENGINE)
        request = HttpRequest()
        request.session = engine.SessionStore(session_key)
        user = get_user(request)
        if not user.is_authenticated or not user.is_active:
            return None
        if session_end(request.session, time.time()) is not None:
            return None
        return Member(user.pk, frozenset(user.get_all_permissions()))
    finally:
        connection.close()


def _session_key(cookie_header: bytes) -> str | None:
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header.decode("latin-1"))
    except Exception:  # noqa: BLE001 - a malformed cookie is no session
        return None
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel else None


def _last_seen(scope, headers: dict) -> int | None:
    """The id of the last entry the client has: its Last-Event-ID, else the
    page's `since` (the log's head when it was rendered)."""
    value = headers.get(b"last-event-id", b"").decode("latin-1")
    if not value:
        since = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        value = (since.get("since") or [""])[0]
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if 0 <= number <= MAX_BIGINT else None


async def _refuse(send, status: int, sentence: str, retry_after: int | None = None):
    headers = [
        (b"content-type", b"application/json"),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
    ]
    if retry_after:
        headers.append((b"retry-after", str(retry_after).encode()))
    body = json.dumps({"detail": sentence}).encode()
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
