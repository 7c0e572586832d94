import uvicorn
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the platform over HTTP with uvicorn (ASGI)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")
        parser.add_argument(
            "--workers", type=int, default=1, help="processes; default 1"
        )

    def handle(self, *args, host: str, port: int, workers: int, **options):
        if not 0 < port < 65536:
            raise CommandError(f"Port {port} is out of range (1-65535).")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        self.stdout.write(f"Serving on http://{host}:{port} (Ctrl-C to stop)")
        uvicorn.run(
            "cloudfactory.asgi:application",
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=False,
            # Django has no startup or shutdown hooks for the ASGI lifespan.
            lifespan="off",
        )
