"""What `cloudfactory serve` adds to uvicorn for clients it cannot trust.

uvicorn keeps a socket that never sends a request, or sends it a byte at a
time, open for as long as the client likes, and counts a silent socket against
`limit_concurrency` like a request being served: a few hundred of them then
answer every real request with 503. `GuardedHttpProtocol` closes a connection
whose request (head and body) has not fully arrived within the read timeout,
and counts it against the limit only once its request head is in. A socket
costs a file descriptor, so the server also raises its open-file limit as far
as the system lets it.

Long-lived streams (`STREAM_PATHS`) have caps of their own: they do not count
against the concurrency limit meant for pages, and when the server begins to
shut down, the callbacks given to `when_shutting_down` tell them to close.
"""

import asyncio
import contextlib
import os
import resource
import socket
import struct

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Read by every worker process: `serve` sets it before uvicorn starts them.
READ_TIMEOUT_ENV = "SERVE_READ_TIMEOUT"
DEFAULT_READ_TIMEOUT = 10.0
# Where the hard limit is "unlimited", this is plenty for one process.
OPEN_FILES_CEILING = 1_048_576
STREAM_PATHS = frozenset({"/events"})
# In a stream's ASGI scope: cuts its connection at once, unsent bytes dropped
# (closing would wait for a client that stopped reading to take them).
ABORT_EXTENSION = "cloudfactory.abort"
# In a stream's ASGI scope: writes a body chunk at once, without waiting, and
# answers how many bytes wait to be sent (None once the connection is gone):
# a stream's frames go out without a task woken per stream.
WRITE_EXTENSION = "cloudfactory.write"
# SO_LINGER on, for 0 s: close() resets the connection instead of leaving the
# kernel to deliver what is still buffered.
_RESET_ON_CLOSE = struct.pack("ii", 1, 0)

_streams: set["GuardedHttpProtocol"] = set()
_shutdown_callbacks: list = []


def when_shutting_down(callback) -> None:
    """Call `callback()` once, on the event loop, when the server starts to stop."""
    _shutdown_callbacks.append(callback)


def _shutting_down() -> None:
    while _shutdown_callbacks:
        _shutdown_callbacks.pop()()


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for reading each request."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = float(
            os.environ.get(READ_TIMEOUT_ENV, DEFAULT_READ_TIMEOUT)
        )
        self.read_deadline: asyncio.TimerHandle | None = None
        self.base_limit = self.limit_concurrency

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)
        # Counted against the limit once its request head is in (below).
        self.connections.discard(self)
        self._arm_read_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_read_deadline()
        _streams.discard(self)
        super().connection_lost(exc)

    def on_headers_complete(self) -> None:
        self.connections.add(self)
        if self.base_limit is not None:
            # Each open stream is one connection and one task: the limit
            # stretches by as many, so it counts only the rest.
            self.limit_concurrency = self.base_limit + len(_streams)
        super().on_headers_complete()
        if self.scope.get("path") in STREAM_PATHS:
            _streams.add(self)
            extensions = self.scope.setdefault("extensions", {})
            extensions[ABORT_EXTENSION] = self.cut
            extensions[WRITE_EXTENSION] = self.write_now

    def shutdown(self) -> None:
        _shutting_down()
        super().shutdown()

    def write_now(self, data: bytes) -> int | None:
        """Write `data` as the next piece of the response body being sent,
        as uvicorn's own `send` would, without waiting for the client."""
        cycle = self.cycle
        if (
            cycle is None
            or cycle.response_complete
            or cycle.disconnected
            or self.transport.is_closing()
        ):
            return None
        if cycle.chunked_encoding:
            self.transport.write(b"%x\r\n%b\r\n" % (len(data), data))
        else:
            self.transport.write(data)
        return self.transport.get_write_buffer_size()

    def cut(self) -> None:
        """Reset the connection now, dropping whatever it still has to send."""
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _RESET_ON_CLOSE)
        self.transport.abort()

    def on_message_complete(self) -> None:
        self._cancel_read_deadline()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        _streams.discard(self)
        super().on_response_complete()
        # Waiting for the next request on a kept-alive connection: it must
        # come in time too, even once its first bytes have stopped the
        # keep-alive timer.
        if not self.transport.is_closing() and not self.pipeline:
            self._arm_read_deadline()

    def _arm_read_deadline(self) -> None:
        self._cancel_read_deadline()
        self.read_deadline = self.loop.call_later(
            self.read_timeout, self._read_deadline_passed
        )

    def _cancel_read_deadline(self) -> None:
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None

    def _read_deadline_passed(self) -> None:
        # A request whose body stopped coming is told its client is gone.
        self.read_deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def raise_open_file_limit() -> int:
    """Raise this process's soft limit on open files to its hard limit.

    Returns the new soft limit.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = OPEN_FILES_CEILING if hard == resource.RLIM_INFINITY else hard
    if soft == resource.RLIM_INFINITY or soft >= target:
        return soft
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target
