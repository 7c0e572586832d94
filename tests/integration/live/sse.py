"""A small Server-Sent Events client on a raw socket, for the tests that run a
real server: it sends the request as a browser's EventSource would (session
cookie, Last-Event-ID), reads the status line and headers, then the body,
chunked or not, and parses its frames as they arrive, each read bounded by a
timeout."""

import json
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import quote


class StreamEnded(Exception):
    """The server ended the response or closed the connection."""


@dataclass
class Frame:
    """One frame: the lines up to a blank line."""

    id: str | None = None
    event: str | None = None
    data: str | None = None
    retry: int | None = None
    comments: list[str] = field(default_factory=list)
    raw: bytes = b""

    @property
    def json(self):
        return None if self.data is None else json.loads(self.data)

    @property
    def is_comment(self) -> bool:
        """Only comments (a heartbeat): nothing an EventSource dispatches."""
        return (self.id, self.event, self.data, self.retry) == (None,) * 4

    @property
    def kind(self) -> str | None:
        """The log entry's kind, for a data frame."""
        body = self.json
        return body.get("kind") if isinstance(body, dict) else None


def parse_frame(raw: bytes) -> Frame:
    frame = Frame(raw=raw)
    data = []
    for line in raw.decode("utf-8").split("\n"):
        line = line.removesuffix("\r")
        if line.startswith(":"):
            frame.comments.append(line[1:].strip())
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "id":
            frame.id = value
        elif name == "event":
            frame.event = value
        elif name == "data":
            data.append(value)
        elif name == "retry" and value.isdigit():
            frame.retry = int(value)
    if data:
        frame.data = "\n".join(data)
    return frame


class _Chunked:
    """Decodes Transfer-Encoding: chunked as the bytes come in."""

    def __init__(self):
        self.pending = bytearray()
        self.left = 0  # bytes of the current chunk still to come
        self.crlf = False  # the CRLF after a chunk's data is due
        self.done = False

    def feed(self, data: bytes) -> bytes:
        self.pending += data
        out = bytearray()
        while not self.done:
            if self.left:
                taken = self.pending[: self.left]
                out += taken
                del self.pending[: len(taken)]
                self.left -= len(taken)
                if self.left:
                    break
                self.crlf = True
            if self.crlf:
                if len(self.pending) < 2:
                    break
                assert self.pending[:2] == b"\r\n", bytes(self.pending[:20])
                del self.pending[:2]
                self.crlf = False
            end = self.pending.find(b"\r\n")
            if end < 0:
                break
            size = int(bytes(self.pending[:end]).split(b";")[0], 16)
            del self.pending[: end + 2]
            if size == 0:
                self.done = True
            self.left = size
        return bytes(out)


class EventStream:
    """One request to the server; for a 200, its frames one by one."""

    def __init__(self, sock: socket.socket, timeout: float):
        self.sock = sock
        self.raw = bytearray()
        self.body = bytearray()
        self.ended = False
        # The response's end came (its last chunk, or all its length).
        self.complete = False
        # The first frame, once a caller has read it (helpers.connected).
        self.first: Frame | None = None
        head = self._read_head(timeout)
        lines = head.decode("latin-1").split("\r\n")
        _, status, *reason = lines[0].split(" ", 2)
        self.status = int(status)
        self.reason = reason[0] if reason else ""
        self.headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        self._chunked = (
            _Chunked()
            if "chunked" in self.headers.get("transfer-encoding", "").lower()
            else None
        )
        length = self.headers.get("content-length")
        self._left = int(length) if length is not None else None
        rest, self.raw = bytes(self.raw), bytearray()
        self._take(rest)

    # -- reading ---------------------------------------------------------

    def _read_head(self, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        while b"\r\n\r\n" not in self.raw:
            chunk = self._recv(deadline)
            if not chunk:
                raise StreamEnded(f"Closed before its headers: {bytes(self.raw)!r}")
            self.raw += chunk
        head, _, rest = bytes(self.raw).partition(b"\r\n\r\n")
        self.raw = bytearray(rest)
        return head

    def _recv(self, deadline: float, size: int = 65536) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("Nothing came in time.")
        self.sock.settimeout(left)
        try:
            return self.sock.recv(size)
        except ConnectionResetError:
            return b""

    def _take(self, data: bytes) -> None:
        """Body bytes from the socket's bytes."""
        if self._chunked is not None:
            self.body += self._chunked.feed(data)
            self.ended = self.complete = self._chunked.done
        elif self._left is not None:
            self.body += data[: self._left]
            self._left -= len(data[: self._left])
            self.ended = self.complete = self._left == 0
        else:
            self.body += data

    def _fill(self, deadline: float) -> None:
        """Read once more; StreamEnded at the end of the response."""
        if self.ended:
            raise StreamEnded("The response has ended.")
        chunk = self._recv(deadline)
        if not chunk:
            self.ended = True
            raise StreamEnded("The server closed the connection.")
        self._take(chunk)

    def read_body(self, timeout: float = 5) -> bytes:
        """The whole body of a response that ends (a refusal)."""
        deadline = time.monotonic() + timeout
        while not self.ended:
            try:
                self._fill(deadline)
            except StreamEnded:
                break
        return bytes(self.body)

    def json(self, timeout: float = 5):
        return json.loads(self.read_body(timeout))

    def next_frame(self, timeout: float = 5) -> Frame:
        """The next frame; TimeoutError if none within `timeout` seconds,
        StreamEnded if the response ends first."""
        deadline = time.monotonic() + timeout
        while True:
            end = self.body.find(b"\n\n")
            if end >= 0:
                raw = bytes(self.body[:end])
                del self.body[: end + 2]
                return parse_frame(raw)
            self._fill(deadline)

    def next_event(self, timeout: float = 5) -> Frame:
        """The next frame that is not only a comment (heartbeats skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            frame = self.next_frame(max(deadline - time.monotonic(), 0.001))
            if not frame.is_comment:
                return frame

    def events(self, count: int, timeout: float = 5) -> list[Frame]:
        """The next `count` non-comment frames, all within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        return [
            self.next_event(max(deadline - time.monotonic(), 0.001))
            for _ in range(count)
        ]

    def quiet_for(self, seconds: float) -> list[Frame]:
        """Every non-comment frame that comes within `seconds` (expected: none)."""
        deadline = time.monotonic() + seconds
        frames = []
        while True:
            try:
                frames.append(self.next_event(max(deadline - time.monotonic(), 0)))
            except TimeoutError:
                return frames

    def until_closed(self, timeout: float = 5) -> list[Frame]:
        """The frames left until the server ends the stream; TimeoutError if
        it is still open after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        frames = []
        while True:
            try:
                frames.append(self.next_frame(max(deadline - time.monotonic(), 0.001)))
            except StreamEnded:
                return frames

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def request_bytes(
    port: int,
    *,
    session: str | None = None,
    last_event_id: int | str | None = None,
    since: int | str | None = None,
    method: str = "GET",
    path: str = "/events",
    headers: dict[str, str] | None = None,
) -> bytes:
    target = path if since is None else f"{path}?since={quote(str(since))}"
    lines = [
        f"{method} {target} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: text/event-stream",
        "Cache-Control: no-cache",
    ]
    if session is not None:
        lines.append(f"Cookie: sessionid={session}")
    if last_event_id is not None:
        lines.append(f"Last-Event-ID: {last_event_id}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def open_stream(
    port: int,
    *,
    session: str | None = None,
    last_event_id: int | str | None = None,
    since: int | str | None = None,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    receive_buffer: int | None = None,
    timeout: float = 5,
) -> EventStream:
    """Send the request and read the response's head."""
    sock = socket.socket()
    if receive_buffer is not None:
        # Before connecting: the window the server may fill is set then.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    sock.settimeout(timeout)
    try:
        sock.connect(("127.0.0.1", port))
        sock.sendall(
            request_bytes(
                port,
                session=session,
                last_event_id=last_event_id,
                since=since,
                method=method,
                headers=headers,
            )
        )
        return EventStream(sock, timeout)
    except BaseException:
        sock.close()
        raise
