"""Hostile load on one server: stalled downloads and silent sockets, while a
signed-in member's pages are timed.

    .venv/bin/python bench/load.py [--database postgres|sqlite]
        [--stalled 12] [--idle 500] [--repeat 200]

Against the bench database (see run.py), it starts `cloudfactory serve` on a
free port with its default settings and:

1. times four requests a person makes all day (a search partial, a filter
   partial, the summary cards, a customer's panel), `--repeat` times each,
   with nothing else going on;
2. opens `--stalled` downloads of every customer from three staff members,
   each on a socket with a 4 KB receive window that reads the status line and
   then nothing, so the server fills its buffers and waits; and `--idle`
   sockets that connect and never send a byte;
3. times the same requests again, while all of that is held open.

Everything stays on loopback and is closed at the end; the run stops by
itself. The table goes to bench/results/load-<database>-<date>.md.
"""

import argparse
import io
import os
import secrets
import socket
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from run import (
    DATABASES,
    HTMX,
    RESULTS,
    Server,
    database_line,
    machine,
    panel_ids,
    percentile,
)
from webclient import Client

MEMBERS = 3
REQUESTS = {
    "search partial": ("/customers/?q=smi", HTMX),
    "filter partial": ("/customers/?type=company&sort=name", HTMX),
    "summary cards": ("/customers/cards", HTMX),
}


def time_pages(client: Client, requests: dict, repeat: int) -> dict[str, list]:
    """Each request `repeat` times, interleaved; ms, and any status but 200."""
    times: dict[str, list[float]] = {label: [] for label in requests}
    failures: list[str] = []
    for _ in range(repeat):
        for label, (path, headers) in requests.items():
            response = client.get(path, headers)
            if response.status != 200:
                failures.append(f"{label}: {response.status}")
            times[label].append(response.seconds * 1000)
    return {"times": times, "failures": failures}


def stalled_download(port: int, session: str) -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    sock.sendall(
        b"GET /customers/export HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Cookie: sessionid=" + session.encode() + b"\r\n\r\n"
    )
    try:
        status = int(sock.recv(64).split(b" ")[1])
    except TimeoutError:
        status = 0  # no answer within 10 s
    return sock, status


def idle_socket(port: int) -> socket.socket:
    sock = socket.socket()
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    return sock


def closed_by_server(sockets: list[socket.socket]) -> int:
    closed = 0
    for sock in sockets:
        sock.setblocking(False)
        try:
            closed += sock.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    return closed


def report(name: str, args, alone, loaded, downloads, idle_closed, load) -> str:
    today = datetime.now(UTC).date().isoformat()
    lines = [
        f"### Under load: {name}, {today}",
        "",
        f"- Command: `.venv/bin/python bench/load.py --database {name} "
        f"--stalled {args.stalled} --idle {args.idle} --repeat {args.repeat} "
        f"--settle {args.settle:g}`",
        f"- Database: {database_line(name)}",
        f"- Load average before the run: {load}",
        *machine(),
        "",
        f"Held open during the second timing: {args.stalled} downloads of every "
        f"customer from {MEMBERS} staff members, reading nothing after the status "
        f"line ({downloads.count(200)} answered 200, "
        f"{downloads.count(429)} refused with 429, "
        f"{downloads.count(0)} not answered within 10 s), and {args.idle} silent "
        f"sockets ({idle_closed} of them closed by the server by the end).",
        "",
        "| request | alone p50 ms | alone p95 ms | under load p50 ms "
        "| under load p95 ms | not 200 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label in alone["times"]:
        a, b = alone["times"][label], loaded["times"][label]
        failed = sum(f.startswith(f"{label}:") for f in loaded["failures"])
        lines.append(
            f"| {label} | {percentile(a, 50):.1f} | {percentile(a, 95):.1f} "
            f"| {percentile(b, 50):.1f} | {percentile(b, 95):.1f} | {failed} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=tuple(DATABASES), default="postgres")
    parser.add_argument("--stalled", type=int, default=12)
    parser.add_argument("--idle", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument(
        "--settle", type=float, default=5, help="seconds before the second timing"
    )
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="cf-load-")
    os.environ["DATABASE_URL"] = DATABASES[args.database]
    os.environ["CLOUDFACTORY_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
    import django
    from django.core.management import call_command

    django.setup()
    passwords = {}
    for n in range(MEMBERS):
        email = f"bench-load-{n}@cloudfactory.local"
        passwords[email] = secrets.token_urlsafe(18)
        call_command(
            "createadmin",
            email=email,
            password=passwords[email],
            stdout=io.StringIO(),
        )
    requests = {
        **REQUESTS,
        "customer panel": (f"/customers/{panel_ids(1)[0]}/panel", HTMX),
    }
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with Server(dict(os.environ), Path(var_dir) / "server.log") as server:
        members = []
        for email, password in passwords.items():
            client = Client("127.0.0.1", server.port)
            client.sign_in(email, password)
            members.append(client)
        timed = members[0]
        time_pages(timed, requests, 5)  # warm up
        print(f"timing alone, {args.repeat} x {len(requests)}", flush=True)
        alone = time_pages(timed, requests, args.repeat)
        downloads, held = [], []
        for n in range(args.stalled):
            sock, status = stalled_download(
                server.port, members[n % MEMBERS].cookies["sessionid"]
            )
            downloads.append(status)
            held.append(sock)
        idle = [idle_socket(server.port) for _ in range(args.idle)]
        time.sleep(args.settle)  # the downloads fill their buffers and wait
        print(f"timing under load: {downloads.count(200)} stalled", flush=True)
        loaded = time_pages(timed, requests, args.repeat)
        idle_closed = closed_by_server(idle)
        for sock in held + idle:
            sock.close()
        for client in members:
            client.close()
    text = report(args.database, args, alone, loaded, downloads, idle_closed, load)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"load-{args.database}-{datetime.now(UTC).date()}.md"
    path.write_text(text)
    print(text)
    print(f"(written to {path})")
    return 1 if loaded["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
