"""A TCP proxy on loopback that a test can hang or cut, standing between the
server under test and the shared PostgreSQL (which is never stopped)."""

import contextlib
import select
import socket
import threading


class Proxy:
    """Forwards 127.0.0.1:`port` to `upstream`.

    - hang(): keeps every connection open but forwards nothing more, and
      accepts new ones that get no answer: a database that hangs.
    - cut(): closes every connection and refuses new ones: a database that
      stopped.
    - restore(): forwards again, as the database coming back.
    """

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket | None]] = []
        self._state = "open"
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def hang(self) -> None:
        self._state = "hung"

    def cut(self) -> None:
        with self._lock:
            self._state = "cut"
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            _close(*pair)

    def restore(self) -> None:
        self._state = "open"

    def close(self) -> None:
        self._stop.set()
        self.cut()
        self._listener.close()

    def _accept(self) -> None:
        self._listener.settimeout(0.1)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self._state == "cut":
                # Closed at once, as a connection refused is to the client.
                client.close()
                continue
            thread = threading.Thread(target=self._pump, args=(client,), daemon=True)
            thread.start()

    def _pump(self, client: socket.socket) -> None:
        upstream = None
        with self._lock:
            self._pairs.append((client, None))
        while self._state == "hung" and not self._stop.is_set():
            self._stop.wait(0.05)
        try:
            upstream = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _close(client)
            return
        with self._lock:
            if (client, None) not in self._pairs:
                _close(client, upstream)
                return
            self._pairs.remove((client, None))
            self._pairs.append((client, upstream))
        ends = {client: upstream, upstream: client}
        try:
            while not self._stop.is_set():
                if self._state == "hung":
                    self._stop.wait(0.05)
                    continue
                ready, _, _ = select.select(list(ends), [], [], 0.05)
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    ends[end].sendall(data)
        except OSError:
            return
        finally:
            _close(client, upstream)


def _close(*sockets: socket.socket | None) -> None:
    for sock in sockets:
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
