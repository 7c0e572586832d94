import os

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cloudfactory.web.server import (
    DEFAULT_READ_TIMEOUT,
    READ_TIMEOUT_ENV,
    GuardedHttpProtocol,
    raise_open_file_limit,
)


def _env_number(name: str, default: float) -> float:
    value = os.environ.get(name, "")
    try:
        return float(value) if value.strip() else default
    except ValueError:
        raise CommandError(f"{name}={value!r} is not a number.") from None


class Command(BaseCommand):
    help = (
        "Serve the platform over HTTP with uvicorn (ASGI). Meant to sit behind a "
        "reverse proxy (docs/deployment.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")
        parser.add_argument(
            "--workers", type=int, default=1, help="processes; default 1"
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=int(_env_number("SERVE_CONCURRENCY", 200)),
            help=(
                "requests served at once per process; beyond, 503 "
                "(env SERVE_CONCURRENCY, default 200)"
            ),
        )
        parser.add_argument(
            "--keep-alive",
            type=int,
            default=int(_env_number("SERVE_KEEP_ALIVE", 5)),
            help=(
                "seconds an idle kept-alive connection stays open "
                "(env SERVE_KEEP_ALIVE, default 5)"
            ),
        )
        parser.add_argument(
            "--read-timeout",
            type=float,
            default=_env_number(READ_TIMEOUT_ENV, DEFAULT_READ_TIMEOUT),
            help=(
                "seconds a client has to send a whole request, head and body "
                f"(env {READ_TIMEOUT_ENV}, default {DEFAULT_READ_TIMEOUT:g})"
            ),
        )
        parser.add_argument(
            "--shutdown-timeout",
            type=int,
            default=int(_env_number("SERVE_SHUTDOWN_TIMEOUT", 10)),
            help=(
                "seconds running requests get to finish after SIGTERM before "
                "they are cut (env SERVE_SHUTDOWN_TIMEOUT, default 10)"
            ),
        )

    def handle(
        self,
        *args,
        host: str,
        port: int,
        workers: int,
        concurrency: int,
        keep_alive: int,
        read_timeout: float,
        shutdown_timeout: int,
        **options,
    ):
        if not 0 < port < 65536:
            raise CommandError(f"Port {port} is out of range (1-65535).")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        for name, value in (
            ("--concurrency", concurrency),
            ("--keep-alive", keep_alive),
            ("--read-timeout", read_timeout),
            ("--shutdown-timeout", shutdown_timeout),
        ):
            if value <= 0:
                raise CommandError(f"{name} must be more than 0.")
        # The worker processes read it when they build their protocol.
        os.environ[READ_TIMEOUT_ENV] = str(read_timeout)
        open_files = raise_open_file_limit()
        self.stdout.write(
            f"Serving on http://{host}:{port} (Ctrl-C to stop): at most "
            f"{concurrency} requests at once per process, {open_files} open files"
        )
        trusted_proxies = settings.TRUSTED_PROXIES
        uvicorn.run(
            "cloudfactory.asgi:application",
            host=host,
            port=port,
            workers=workers,
            http=GuardedHttpProtocol,
            limit_concurrency=concurrency,
            timeout_keep_alive=keep_alive,
            timeout_graceful_shutdown=shutdown_timeout,
            # X-Forwarded-For and -Proto are believed from TRUSTED_PROXIES
            # only; with none, the socket's peer is the client.
            proxy_headers=bool(trusted_proxies),
            forwarded_allow_ips=trusted_proxies or None,
            server_header=False,
            log_level="info",
            access_log=False,
            # Django has no startup or shutdown hooks for the ASGI lifespan.
            lifespan="off",
        )
