"""Django's ASGI handler with its request threads kept for the next request,
and a deadline on every write to a client."""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

logger = logging.getLogger(__name__)

# Threads kept idle for the next requests; beyond, a burst's threads end.
IDLE_THREADS = 16


class RequestThreadHandler(ASGIHandler):
    """Runs each request's synchronous code (middleware, view, database) on one
    thread, as Django's handler does, but takes that thread from a pool of
    idle ones instead of starting a thread per request and another to join it:
    0.4 ms less a request (see docs/decisions.md)."""

    def __init__(self):
        super().__init__()
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Only HTTP connections are served, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else self._new_executor()
        send = send_within(settings.SEND_DEADLINE, send)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            # A view abandoned by a client that went away may still be running
            # on the thread: it goes back to the pool once that is done.
            await asyncio.wrap_future(executor.submit(_idle))
            if len(self._idle) < IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)

    def load_middleware(self, is_async=False):
        """The middleware chain built as under WSGI, all synchronous, and
        entered once on the request's thread. Django's own async chain, with
        middleware that can run either way (axes, htmx), leaves that thread for
        the event loop and comes back for the view: one CPU ms a request more
        (docs/decisions.md)."""
        super().load_middleware(is_async=False)
        self._middleware_chain = sync_to_async(
            self._middleware_chain, thread_sensitive=True
        )

    @staticmethod
    def _new_executor() -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")


def _idle() -> None:
    """Queued behind a request's work: done once the thread is free."""


class ClientTooSlow(asyncio.CancelledError):
    """A client read nothing for SEND_DEADLINE seconds. Django's handler takes
    it as a client that went away: the response is closed, and a download
    gives back its connection and its slot."""


def send_within(seconds: float, send):
    """`send`, cut off when a body write waits on the client for `seconds`
    (the server waits while a client that stopped reading fills its buffers)."""

    async def timed_send(message):
        if message["type"] != "http.response.body":
            return await send(message)
        try:
            return await asyncio.wait_for(send(message), seconds)
        except TimeoutError:
            logger.warning("A client read nothing for %.0f s; dropping it", seconds)
            raise ClientTooSlow from None

    return timed_send
