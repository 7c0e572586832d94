"""`cloudfactory serve` in a process of its own, on the test database."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.live import database_url, free_port, healthy

START_TIMEOUT = 20  # seconds
# The server starts with this soft limit on open files, to show it raises it.
LOW_OPEN_FILES = 256


class Server:
    """A running `cloudfactory serve` on 127.0.0.1."""

    def __init__(self, process: subprocess.Popen, port: int, log_path: Path):
        self.process = process
        self.port = port
        self.log_path = log_path

    def connection(self, timeout: float = 5) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def socket(self, receive_buffer: int | None = None) -> socket.socket:
        sock = socket.socket()
        if receive_buffer is not None:
            # Before connecting: the window the server may fill is set then.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(5)
        sock.connect(("127.0.0.1", self.port))
        return sock

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _lower_open_file_limit() -> None:
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(LOW_OPEN_FILES, hard), hard))


@contextlib.contextmanager
def serving(log_dir: Path, *options: str, env: dict[str, str] | None = None):
    """Run `cloudfactory serve *options` until the block ends; yield a Server."""
    port = free_port()
    log_path = log_dir / f"serve-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "cloudfactory.cli", "serve", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, *options],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_lower_open_file_limit,
        )
    server = Server(process, port, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not healthy(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The server did not start. Its output:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()


def many_customers(count: int) -> None:
    """Enough rows for an export far larger than the sockets' buffers, so its
    server must wait on a client that stops reading."""
    from django.utils import timezone

    from cloudfactory.customers.models import Customer

    now = timezone.now()
    Customer.objects.bulk_create(
        (
            Customer(
                name=f"Customer {n} " + "x" * 180,
                type=Customer.Type.COMPANY,
                email=f"customer{n}@example.test",
                created_at=now,
            )
            for n in range(count)
        ),
        batch_size=2_000,
    )
