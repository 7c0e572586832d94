"""Django's ASGI handler with each request's synchronous work done in one
visit to a thread kept for the next request, and a deadline on every write to
a client."""

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

logger = logging.getLogger(__name__)

# Threads kept idle for the next requests; beyond, a burst's threads end.
IDLE_THREADS = 16


class RequestThreadHandler(ASGIHandler):
    """Runs each request's synchronous code (middleware, view, database) on one
    thread, as Django's handler does, but takes that thread from a pool of
    idle ones instead of starting a thread per request and another to join it
    (see docs/decisions.md), and goes there once a request."""

    def __init__(self):
        super().__init__()
        self._idle: list[ThreadPoolExecutor] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Only HTTP connections are served, not {scope['type']}.")
        executor = self._idle.pop() if self._idle else self._new_executor()
        send = send_within(settings.SEND_DEADLINE, send)
        thread_free = False
        try:
            async with ThreadSensitiveContext(executor=executor):
                thread_free = await self.handle(scope, receive, send)
        finally:
            # A view abandoned by a client that went away may still be running
            # on the thread: it goes back to the pool once that is done.
            if not thread_free:
                await asyncio.wrap_future(executor.submit(_idle))
            if len(self._idle) < IDLE_THREADS:
                self._idle.append(executor)
            else:
                executor.shutdown(wait=False)

    def load_middleware(self, is_async=False):
        """The middleware chain built as under WSGI, all synchronous: the
        request's thread runs it whole (`_respond`)."""
        super().load_middleware(is_async=False)

    async def handle(self, scope, receive, send) -> bool:
        """Django's ASGI handling with the request's synchronous work done in
        one visit to its thread: the request's start, the middleware and the
        view, and for a response whose body is already made, its end. Django's
        own handler goes to the thread and back four times (the two signals,
        the middleware, the response's close), and the middleware that can run
        either way (axes, htmx) leave it for the event loop and come back for
        the view (docs/decisions.md). A streamed response (a download) is then
        sent as Django sends it, cut short if the client goes away.

        True when the request's thread is known to be free."""
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return True
        set_script_prefix(get_script_prefix(scope))
        try:
            response = await sync_to_async(self._respond, thread_sensitive=True)(
                scope, body_file
            )
            if not response.streaming:
                with contextlib.suppress(ClientTooSlow):
                    await self.send_response(response, send)
                return True
            await self._stream(response, receive, send)
            return False
        finally:
            body_file.close()

    def _respond(self, scope, body_file) -> HttpResponseBase:
        """On the request's thread: the response, closed already (the
        request's end) unless its body is still to be made."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()
        return response

    async def _stream(self, response: HttpResponseBase, receive, send) -> None:
        """Send a streamed response while listening for the client to go away,
        which stops the stream; then close it on the request's thread."""
        sending = asyncio.create_task(self.send_response(response, send))
        listening = asyncio.create_task(self.listen_for_disconnect(receive))
        try:
            await asyncio.wait(
                [sending, listening], return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            sending.cancel()
            listening.cancel()
            ended = await asyncio.gather(sending, listening, return_exceptions=True)
            await sync_to_async(response.close, thread_sensitive=True)()
        for outcome in ended:
            if isinstance(outcome, Exception) and not isinstance(
                outcome, RequestAborted
            ):
                raise outcome

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
            async with asyncio.timeout(seconds):
                return await send(message)
        except TimeoutError:
            logger.warning("A client read nothing for %.0f s; dropping it", seconds)
            raise ClientTooSlow from None

    return timed_send
