"""Live events (/events) under load: the time from a change's commit to the
event parsed by a connected client, with many streams open.

    .venv/bin/python bench/live.py [--database postgres|sqlite] [--instances 1|2]
        [--streams 1000] [--rate 5] [--seconds 30] [--tag TAG]

Against the bench database (see run.py: BENCH_POSTGRES_URL, BENCH_SQLITE_URL;
already loaded with `cloudfactory demo`), it starts `cloudfactory serve` (one
worker) on a free loopback port, two with `--instances 2` (PostgreSQL), signs
in four staff members (two admins, two of the support role, which sees no card
details: two encodings of each event) and raises the per-member cap of streams
for the bench servers (LIVE_STREAMS_PER_MEMBER), so a few members hold them
all. Then:

1. Pages alone: the customers list partial, a search partial, a panel and the
   summary cards, `--page-repeat` times each, interleaved.
2. Opens `--streams` streams from a client process of its own (asyncio, raw
   sockets, HTTP/1.1 chunked and SSE parsed here, each entry's JSON decoded),
   which records when it has parsed each entry, by id. With two instances,
   half the streams on each. The server's RSS with one stream and with all:
   memory per idle stream. The pages again, the streams open and idle.
3. Steady changes, "service": `customer_change_status` from this process (a
   process other than the server: PostgreSQL's NOTIFY, SQLite's poll) at
   `--rate` a second for `--seconds`, each stamped right after its COMMIT (an
   on_commit hook that runs before the one announcing the entry). Latency =
   the client's parse time - that stamp, for every (stream, entry) pair. The
   pages are timed again meanwhile.
4. Steady changes, "http": the same through the status action of a server
   (POST /customers/<id>/status, CSRF token, as the panel's form posts); with
   two instances alternately through A and B, and each entry's latency is
   counted apart on the streams of the other instance and of the same one.
   The commit is not seen from here: latency is counted from the entry's
   `created_at`, a moment before its COMMIT (it slightly overstates).
5. (one instance) Events per second: entries appended in bulk (one
   transaction every 20 ms, announced as the services announce) at rising
   rates, `--step-seconds` each, until a step has a missed delivery or a p99
   of 1 s or more; entries/s, frames/s delivered, latency, and the CPU of the
   server and of the client process (which share the machine).
6. (one instance) The most streams one process holds: a fresh server with the
   per-process cap lifted (LIVE_STREAMS_PER_PROCESS), streams opened up to
   each of `--ramp` (bounded by the open-files limit), one test entry after
   each, until a refusal, an error or a stream that does not get it.

Times are wall-clock (time.time) in each process of this one machine. Everything
stays on loopback and is closed at the end; statuses changed are changed back.
The table goes to bench/results/live-<database>[-2x][-tag]-<date>.md.
"""

import argparse
import asyncio
import io
import json
import math
import multiprocessing
import os
import random
import resource
import secrets
import shutil
import sys
import tempfile
import threading
import time
import traceback
from array import array
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from load import time_pages
from run import DATABASES, HTMX, RESULTS, Server, machine, panel_ids, percentile
from webclient import Client

HOST = "127.0.0.1"
TARGET_MS = 250
# The events-per-second steps go on while no delivery is missed and p99 stays
# under this: the rate is kept up with, if slower than the target.
STEP_LIMIT_MS = 1000
MEMBERS = (("admin", 0), ("admin", 1), ("support", 0), ("support", 1))
REASON = "Live events benchmark"
LIFTED = "1000000"  # a cap no run reaches


# --- the client process: streams on raw sockets ------------------------------


class SseStream(asyncio.Protocol):
    """One /events stream: HTTP/1.1 head, chunked body, SSE frames, JSON."""

    def __init__(self, request: bytes, port: int):
        self.request = request
        self.port = port
        self.transport = None
        self.status: int | None = None
        self.error = ""
        self.ready = asyncio.get_running_loop().create_future()
        self.head = bytearray()
        self.raw = bytearray()
        self.text = bytearray()
        self.chunked = False
        self.state = "size"  # in the chunked body: size line, data, CRLF
        self.left = 0
        self.ids = array("q")
        self.times = array("d")
        self.reloads = self.closings = self.bad = 0
        self.closed = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc) -> None:
        self.closed = True
        if not self.ready.done():
            self.status = self.status or 0
            self.error = self.error or repr(exc)
            self.ready.set_result(None)

    def data_received(self, data: bytes) -> None:
        if self.status is None:
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.head[:end]).decode("latin-1").split("\r\n")
            data = bytes(self.head[end + 4 :])
            self.head = bytearray()
            self.status = int(lines[0].split()[1])
            headers = {
                name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:])
            }
            self.chunked = headers.get("transfer-encoding", "").lower() == "chunked"
            self.ready.set_result(None)
            if self.status != 200:
                self.transport.close()
                return
        if data:
            self._sse(self._dechunk(data) if self.chunked else data)

    def _dechunk(self, data: bytes) -> bytes:
        raw = self.raw
        raw += data
        pos, out = 0, []
        while pos < len(raw):
            if self.state == "size":
                end = raw.find(b"\r\n", pos)
                if end < 0:
                    break
                self.left = int(bytes(raw[pos:end]).split(b";")[0], 16)
                pos = end + 2
                self.state = "data" if self.left else "end"
                if not self.left:
                    break
            elif self.state == "data":
                take = min(self.left, len(raw) - pos)
                out.append(bytes(raw[pos : pos + take]))
                pos += take
                self.left -= take
                if not self.left:
                    self.state, self.left = "crlf", 2
            elif self.state == "crlf":
                take = min(self.left, len(raw) - pos)
                pos += take
                self.left -= take
                if not self.left:
                    self.state = "size"
            else:
                break
        del raw[:pos]
        return b"".join(out)

    def _sse(self, data: bytes) -> None:
        text = self.text
        text += data
        start = 0
        while (end := text.find(b"\n\n", start)) >= 0:
            self._frame(bytes(text[start:end]))
            start = end + 2
        del text[:start]

    def _frame(self, frame: bytes) -> None:
        ident = event = data = None
        for line in frame.split(b"\n"):
            if not line or line.startswith(b":"):
                continue
            name, _, value = line.partition(b":")
            if value.startswith(b" "):
                value = value[1:]
            if name == b"id":
                ident = value
            elif name == b"data":
                data = value if data is None else data + b"\n" + value
            elif name == b"event":
                event = value
        if event is None and data is not None:
            body = json.loads(data)
            parsed_at = time.time()
            number = int(ident)
            if body.get("id") != number:
                self.bad += 1
            self.ids.append(number)
            self.times.append(parsed_at)
        elif event == b"reload":
            self.reloads += 1
        elif event == b"closing":
            self.closings += 1


def stream_request(port: int, session: str) -> bytes:
    return (
        f"GET /events HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Accept: text/event-stream\r\nCookie: sessionid={session}\r\n\r\n"
    ).encode()


def latency_summary(values: list[float], missed: int) -> dict:
    if not values:
        return {"pairs": 0, "missed": missed}
    values.sort()
    return {
        "pairs": len(values),
        "missed": missed,
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1],
        "mean": sum(values) / len(values),
    }


class Streams:
    """The client process's streams, driven by commands from the bench."""

    def __init__(self):
        self.streams: list[SseStream] = []

    def _alive(self):
        return [s for s in self.streams if s.status == 200 and not s.closed]

    async def open(self, port: int, sessions: list[str], count: int) -> dict:
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(100)

        async def one(n: int) -> SseStream:
            async with gate:
                stream = SseStream(
                    stream_request(port, sessions[n % len(sessions)]), port
                )
                try:
                    await asyncio.wait_for(
                        loop.create_connection(lambda: stream, HOST, port), 10
                    )
                    await asyncio.wait_for(asyncio.shield(stream.ready), 20)
                except (OSError, TimeoutError) as exc:
                    stream.status = stream.status or 0
                    stream.error = stream.error or repr(exc)
                    if stream.transport is not None:
                        stream.transport.close()
                return stream

        started = time.monotonic()
        opened = await asyncio.gather(*(one(n) for n in range(count)))
        self.streams += opened
        errors = Counter(s.error.split("(")[0] for s in opened if s.status == 0)
        return {
            "seconds": time.monotonic() - started,
            "statuses": dict(Counter(s.status for s in opened)),
            "errors": dict(errors),
        }

    async def state(self) -> dict:
        by_port: dict = {}
        for s in self.streams:
            row = by_port.setdefault(
                s.port,
                {"open": 0, "closed": 0, "refused": 0, "reloads": 0, "closings": 0},
            )
            if s.status != 200:
                row["refused"] += 1
            elif s.closed:
                row["closed"] += 1
            else:
                row["open"] += 1
            row["reloads"] += s.reloads
            row["closings"] += s.closings
            row["bad"] = row.get("bad", 0) + s.bad
        return by_port

    async def reset(self) -> None:
        for s in self.streams:
            s.ids = array("q")
            s.times = array("d")

    async def wait(self, last_id: int, timeout: float) -> dict:
        """Until every open stream has parsed `last_id` (ids come in order)."""
        started = time.monotonic()
        while True:
            alive = self._alive()
            behind = [s for s in alive if not s.ids or s.ids[-1] < last_id]
            if not behind or time.monotonic() - started > timeout:
                return {"behind": len(behind), "seconds": time.monotonic() - started}
            await asyncio.sleep(0.05)

    async def analyse(self, commits: dict, labels: dict) -> dict:
        """Latency in ms of every (stream, entry) pair: the stream's parse time
        minus the entry's commit stamp, by (the stream's port, the entry's
        label), pooled by port, by label and in all; with a port for label
        (the server the change went through), also pooled as "same" and
        "other" instance. Refused streams are not counted; a stream the
        server closed counts every entry it lacks as missed."""
        pooled: dict[tuple, list] = {}
        missed: Counter = Counter()
        last = 0.0
        for s in self.streams:
            if s.status != 200:
                continue
            got = dict(zip(s.ids, s.times, strict=True))
            for event_id, committed in commits.items():
                label = labels.get(event_id, "")
                keys = [(s.port, label), (s.port, "*"), ("*", label), ("*", "*")]
                if isinstance(label, int):
                    keys.append(("*", "same" if label == s.port else "other"))
                parsed = got.get(event_id)
                if parsed is None:
                    for key in keys:
                        missed[key] += 1
                        pooled.setdefault(key, [])
                    continue
                latency = (parsed - committed) * 1000
                for key in keys:
                    pooled.setdefault(key, []).append(latency)
                last = max(last, parsed)
        return {
            "groups": {
                key: latency_summary(values, missed[key])
                for key, values in pooled.items()
            },
            "first_commit": min(commits.values()) if commits else 0.0,
            "last_parse": last,
        }

    async def close(self) -> None:
        for s in self.streams:
            if s.transport is not None:
                s.transport.close()
        await asyncio.sleep(0.2)


def raise_open_files() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def client_main(conn) -> None:
    raise_open_files()
    asyncio.run(_client_commands(conn))


async def _client_commands(conn) -> None:
    loop = asyncio.get_running_loop()
    streams = Streams()
    while True:
        command, args = await loop.run_in_executor(None, conn.recv)
        try:
            result = await getattr(streams, command)(*args)
        except Exception:  # noqa: BLE001 - reported to the bench, which stops
            result = {"error": traceback.format_exc()}
        conn.send(result)
        if command == "close":
            return


class ClientProcess:
    """The streams' process, and the pipe to it."""

    def __enter__(self) -> "ClientProcess":
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=client_main, args=(child,), daemon=True)
        self.process.start()
        return self

    def call(self, command: str, *args):
        self.conn.send((command, args))
        result = self.conn.recv()
        if isinstance(result, dict) and "error" in result:
            raise RuntimeError(f"The client process failed:\n{result['error']}")
        return result

    def __exit__(self, *exc) -> None:
        try:
            if self.process.is_alive():
                self.call("close")
        finally:
            self.process.join(10)
            if self.process.is_alive():
                self.process.kill()


# --- this process: measures of the machine and the servers -------------------


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds of some processes over a stretch of wall time, as % of one core."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.started = time.monotonic()
        self.cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}

    def read(self) -> dict[str, float]:
        wall = time.monotonic() - self.started
        return {
            name: 100 * (cpu_seconds(pid) - self.cpu[name]) / wall
            for name, pid in self.pids.items()
        }


def database_size(name: str) -> str:
    from django.db import connection

    from cloudfactory.activity.models import Event
    from cloudfactory.customers.models import Customer

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
            path = Path(connection.settings_dict["NAME"])
            size = sum(
                p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()
            )
    return (
        f"{version}, {Customer.objects.count():,} customers, "
        f"{Event.objects.count():,} log entries, {size / 1e6:,.0f} MB "
        f"({name}: {DATABASES[name].split('@')[-1]})"
    )


# --- this process: changes ---------------------------------------------------


class Changes:
    """Status changes through the services (stamped at COMMIT) or through a
    server's status action; every customer changed is remembered, to be
    changed back at the end."""

    def __init__(self, actor):
        from cloudfactory.activity import bus
        from cloudfactory.customers.models import Customer

        self.actor = actor
        active = list(
            Customer.objects.filter(status="active").values_list("id", flat=True)
        )
        self.pool = random.Random(7).sample(active, min(len(active), 5000))
        self.changed: list[int] = []
        self.announced: list[int] = []
        self.failures: list[str] = []
        bus.subscribe(self.announced.append)

    def next_customer(self) -> int:
        customer_id = self.pool.pop()
        self.changed.append(customer_id)
        return customer_id

    def through_service(self) -> tuple[int, float]:
        """One change; its entry's id and the wall time of its COMMIT."""
        from django.db import transaction

        from cloudfactory.customers.services import customer_change_status

        stamp: list[float] = []
        before = len(self.announced)
        with transaction.atomic():
            # Registered first, so it runs first after the COMMIT (before the
            # hook that announces the entry).
            transaction.on_commit(lambda: stamp.append(time.time()))
            customer_change_status(
                customer_id=self.next_customer(),
                status="suspended",
                actor=self.actor,
                reason=REASON,
            )
        return self.announced[before], stamp[0]

    def through_http(self, client: Client) -> int:
        """One change through `client`'s server; the customer's id."""
        customer_id = self.next_customer()
        form = urlencode({"status": "suspended", "reason": REASON}).encode()
        answer = client.request(
            "POST",
            f"/customers/{customer_id}/status",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": client.cookies.get("csrftoken", ""),
                "HX-Request": "true",
                "Origin": client.origin,
                "Referer": f"{client.origin}/customers/",
            },
        )
        if answer.status != 200:
            self.failures.append(f"POST status of #{customer_id}: {answer.status}")
        return customer_id

    def restore(self) -> int:
        from django.db import connection

        from cloudfactory.customers.models import Customer
        from cloudfactory.customers.services import customer_change_status

        back = 0
        for customer_id in Customer.objects.filter(
            pk__in=self.changed, status="suspended"
        ).values_list("id", flat=True):
            customer_change_status(
                customer_id=customer_id,
                status="active",
                actor=self.actor,
                reason=REASON + " (changed back)",
            )
            back += 1
        connection.close()
        return back


def bulk_append(count: int, customers: list[int]) -> tuple[list[int], float]:
    """`count` entries in one transaction, announced as event_append announces
    them (after the COMMIT, the last id); their ids and the COMMIT's wall time."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cloudfactory.activity.models import Event
    from cloudfactory.activity.services import LOG_ORDER_LOCK, event_announce

    stamp: list[float] = []
    with transaction.atomic():
        transaction.on_commit(lambda: stamp.append(time.time()))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOG_ORDER_LOCK])
        now = timezone.now()
        entries = Event.objects.bulk_create(
            Event(
                kind="customer.status_changed",
                customer_id=random.choice(customers),
                payload={"from": "active", "to": "suspended", "reason": REASON},
                notable=False,
                created_at=now,
            )
            for _ in range(count)
        )
        last = entries[-1].pk
        transaction.on_commit(lambda: event_announce(last))
    return [e.pk for e in entries], stamp[0]


def steady(rate: float, seconds: float, change, keep_going=None) -> float:
    """`change(n)` `rate` times a second for `seconds` (and while
    `keep_going()`); returns the rate achieved."""
    started = time.monotonic()
    n = 0
    while True:
        due = started + n / rate
        if due - started >= seconds and not (keep_going and keep_going()):
            break
        time.sleep(max(0.0, due - time.monotonic()))
        change(n)
        n += 1
    return n / (time.monotonic() - started)


def entries_since(head: int) -> list[tuple]:
    from django.db import connection

    from cloudfactory.activity.models import Event

    rows = list(
        Event.objects.filter(pk__gt=head)
        .order_by("pk")
        .values_list("pk", "created_at", "customer_id")
    )
    connection.close()
    return rows


def log_head() -> int:
    from django.db import connection

    from cloudfactory.activity.reader import log_head as head

    value = head()
    connection.close()
    return value


# --- the run -----------------------------------------------------------------


def page_requests() -> dict:
    return {
        "list partial": ("/customers/", HTMX),
        "search partial": ("/customers/?q=smi", HTMX),
        "customer panel": (f"/customers/{panel_ids(1)[0]}/panel", HTMX),
        "summary cards": ("/customers/cards", HTMX),
    }


class Run:
    def __init__(self, args):
        self.args = args
        self.loads: list[tuple[str, str]] = []
        self.notes: list[str] = []
        self.result: dict = {}

    def mark(self, phase: str) -> None:
        self.loads.append((phase, load_average()))
        print(
            f"[{datetime.now(UTC):%H:%M:%S}] {phase}: load {self.loads[-1][1]}",
            flush=True,
        )

    # -- setup --

    def setup(self) -> None:
        args = self.args
        self.var_dir = tempfile.mkdtemp(prefix="cf-livebench-")
        os.environ["DATABASE_URL"] = DATABASES[args.database]
        os.environ["CLOUDFACTORY_VAR_DIR"] = self.var_dir
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
        import django
        from django.core.management import call_command

        django.setup()
        from cloudfactory.customers.models import Customer
        from cloudfactory.staff.models import StaffUser

        if not Customer.objects.exists():
            raise SystemExit(
                f"{args.database}: no customers in {DATABASES[args.database]}; load "
                "them with `cloudfactory demo --customers N` first."
            )
        self.passwords = {}
        for role, n in MEMBERS:
            email = f"live-bench-{role}-{n}@cloudfactory.local"
            self.passwords[email] = secrets.token_urlsafe(18)
            call_command(
                "createadmin",
                email=email,
                password=self.passwords[email],
                role=role,
                stdout=io.StringIO(),
            )
        self.admin = StaffUser.objects.get(email=next(iter(self.passwords)))
        self.database = database_size(args.database)
        self.requests = page_requests()
        self.customers = list(
            Customer.objects.values_list("id", flat=True).order_by("?")[:2000]
        )

    def server_env(self, **extra) -> dict:
        return {
            **os.environ,
            "LIVE_STREAMS_PER_MEMBER": LIFTED,
            **extra,
        }

    def sign_in(self, server: Server) -> list[Client]:
        clients = []
        for email, password in self.passwords.items():
            client = Client(HOST, server.port)
            client.sign_in(email, password)
            clients.append(client)
        return clients

    # -- phases --

    def open_streams(self, streams: ClientProcess, servers, sessions) -> dict:
        share = self.args.streams // len(servers)
        for server in servers:
            # The first stream starts the server's log reader (a thread, and
            # on PostgreSQL its LISTEN connection): RSS from there on.
            streams.call("open", server.port, sessions, 1)
        time.sleep(2)
        before = {s.port: s.rss_mb() for s in servers}
        opened = {}
        for server in servers:
            opened[server.port] = streams.call("open", server.port, sessions, share - 1)
            o = opened[server.port]
            print(
                f"  opened {share - 1} more on :{server.port} in {o['seconds']:.1f} s: "
                f"{o['statuses']} {o['errors'] or ''}",
                flush=True,
            )
        time.sleep(3)
        after = {s.port: s.rss_mb() for s in servers}
        return {
            "opened": opened,
            "share": share,
            "rss": {port: (before[port], after[port]) for port in before},
        }

    def phase_service(self, streams, servers, changes, page_client) -> dict:
        args = self.args
        streams.call("reset")
        head = log_head()
        commits: dict[int, float] = {}
        pages: dict = {}
        done = threading.Event()

        def time_them():
            try:
                pages.update(time_pages(page_client, self.requests, args.page_repeat))
            finally:
                done.set()

        def change(_n):
            event_id, committed = changes.through_service()
            commits[event_id] = committed

        meter = CpuMeter({f":{s.port}": s.process.pid for s in servers})
        timer = threading.Thread(target=time_them) if page_client else None
        if timer:
            timer.start()
        rate = steady(
            args.rate, args.seconds, change, lambda: timer and not done.is_set()
        )
        if timer:
            timer.join()
        from django.db import connection

        connection.close()
        waited = streams.call("wait", max(commits), 15)
        cpu = meter.read()
        rows = entries_since(head)
        gaps = sorted(
            (commits[pk] - created.timestamp()) * 1000
            for pk, created, _ in rows
            if pk in commits
        )
        labels = dict.fromkeys(commits, "this process")
        analysed = streams.call("analyse", commits, labels)
        return {
            "entries": len(commits),
            "rate": rate,
            "waited": waited,
            "cpu": cpu,
            "latency": analysed["groups"],
            "pages": pages,
            "created_to_commit_ms": (percentile(gaps, 50), gaps[-1]) if gaps else None,
        }

    def phase_http(self, streams, servers, changes, posters) -> dict:
        args = self.args
        streams.call("reset")
        head = log_head()
        via: dict[int, int] = {}  # customer id -> the port its change went through

        def change(n):
            client = posters[n % len(posters)]
            via[changes.through_http(client)] = client.port

        meter = CpuMeter({f":{s.port}": s.process.pid for s in servers})
        rate = steady(args.rate, args.seconds, change)
        rows = [r for r in entries_since(head) if r[2] in via]
        waited = streams.call("wait", rows[-1][0], 15) if rows else {}
        cpu = meter.read()
        commits = {pk: created.timestamp() for pk, created, _ in rows}
        labels = {pk: via[customer] for pk, _, customer in rows}
        analysed = streams.call("analyse", commits, labels)
        return {
            "entries": len(commits),
            "posted": len(via),
            "rate": rate,
            "waited": waited,
            "cpu": cpu,
            "latency": analysed["groups"],
        }

    def phase_throughput(self, streams, server, client_pid) -> list[dict]:
        args = self.args
        steps = []
        for rate in args.steps:
            streams.call("reset")
            commits: dict[int, float] = {}
            tick = 0.02
            carry = 0.0
            meter = CpuMeter({"server": server.process.pid, "clients": client_pid})
            started = time.monotonic()
            n = 0
            while (due := started + n * tick) - started < args.step_seconds:
                time.sleep(max(0.0, due - time.monotonic()))
                carry += rate * tick
                count = int(carry)
                carry -= count
                if count:
                    ids, committed = bulk_append(count, self.customers)
                    commits.update(dict.fromkeys(ids, committed))
                n += 1
            elapsed = time.monotonic() - started
            from django.db import connection

            connection.close()
            waited = streams.call("wait", max(commits), 20)
            cpu = meter.read()
            analysed = streams.call("analyse", commits, {})
            everything = analysed["groups"].get(("*", "*"), {})
            span = analysed["last_parse"] - analysed["first_commit"]
            step = {
                "rate": rate,
                "entries": len(commits),
                "entries_s": len(commits) / elapsed,
                "frames_s": everything.get("pairs", 0) / span if span > 0 else 0,
                "latency": everything,
                "waited": waited,
                "cpu": cpu,
                "state": streams.call("state"),
            }
            steps.append(step)
            print(
                f"  {rate}/s: {step['entries_s']:.0f} entries/s, "
                f"{step['frames_s']:,.0f} frames/s, p50 {everything.get('p50', 0):.0f} "
                f"p99 {everything.get('p99', 0):.0f} max {everything.get('max', 0):.0f}"
                f" ms, missed {everything.get('missed')}, "
                f"CPU server {cpu['server']:.0f} % clients {cpu['clients']:.0f} %",
                flush=True,
            )
            if everything.get("missed") or everything.get("p99", 0) >= STEP_LIMIT_MS:
                break
            time.sleep(1)
        return steps

    def phase_ramp(self, sessions) -> list[dict]:
        args = self.args
        limit = raise_open_files() - 300
        env = self.server_env(LIVE_STREAMS_PER_PROCESS=LIFTED)
        rows = []
        log = Path(self.var_dir) / "server-ramp.log"
        with Server(env, log) as server, ClientProcess() as streams:
            # The reader starts with the first stream; RSS from there on.
            streams.call("open", server.port, sessions, 1)
            time.sleep(1)
            base = server.rss_mb()
            held = 1
            for target in args.ramp:
                if target > limit:
                    self.notes.append(
                        f"Ramp stopped below {target:,}: this process may open "
                        f"{limit + 300:,} files (RLIMIT_NOFILE hard limit)."
                    )
                    break
                opened = streams.call("open", server.port, sessions, target - held)
                held = target
                time.sleep(2)
                self.mark(f"ramp {target}")
                streams.call("reset")
                ids, committed = bulk_append(1, self.customers)
                waited = streams.call("wait", ids[0], 30)
                analysed = streams.call("analyse", {ids[0]: committed}, {})
                state = streams.call("state")[server.port]
                row = {
                    "target": target,
                    "opened": opened,
                    "open": state["open"],
                    "rss": server.rss_mb(),
                    "base": base,
                    "latency": analysed["groups"].get(("*", "*"), {}),
                    "waited": waited,
                }
                rows.append(row)
                lat = row["latency"]
                print(
                    f"  ramp {target}: {opened['statuses']} {opened['errors'] or ''} "
                    f"open {state['open']}, RSS {row['rss']:.0f} MB, test entry "
                    f"p50 {lat.get('p50', 0):.0f} p99 {lat.get('p99', 0):.0f} "
                    f"max {lat.get('max', 0):.0f} ms, missed {lat.get('missed')}",
                    flush=True,
                )
                refused = sum(v for k, v in opened["statuses"].items() if k != 200)
                if refused or lat.get("missed") or state["open"] != target:
                    break
        return rows

    # -- all of it --

    def go(self) -> None:
        args = self.args
        self.setup()
        self.mark("start")
        count = args.instances
        logs = [Path(self.var_dir) / f"server-{n}.log" for n in range(count)]
        servers = [Server(self.server_env(), log) for log in logs]
        changes = Changes(self.admin)
        try:
            for server in servers:
                server.__enter__()
            members = {s.port: self.sign_in(s) for s in servers}
            a = servers[0]
            page_client = members[a.port][0]
            sessions = [c.cookies["sessionid"] for c in members[a.port]]
            time_pages(page_client, self.requests, 5)  # warm-up
            self.mark("pages alone")
            self.result["pages_alone"] = time_pages(
                page_client, self.requests, args.page_repeat
            )
            with ClientProcess() as streams:
                self.client_pid = streams.process.pid
                self.mark("opening streams")
                self.result["open"] = self.open_streams(streams, servers, sessions)
                self.result["state_open"] = streams.call("state")
                self.mark("pages, streams open and idle")
                self.result["pages_idle"] = time_pages(
                    page_client, self.requests, args.page_repeat
                )
                self.mark("steady changes through the services")
                self.result["service"] = self.phase_service(
                    streams, servers, changes, page_client
                )
                self.print_latency("service", self.result["service"])
                self.mark("steady changes through the status action")
                posters = [members[s.port][0] for s in servers]
                self.result["http"] = self.phase_http(
                    streams, servers, changes, posters
                )
                self.print_latency("http", self.result["http"])
                if count == 1 and args.steps:
                    self.mark("events per second")
                    self.result["steps"] = self.phase_throughput(
                        streams, a, streams.process.pid
                    )
                self.result["state_end"] = streams.call("state")
                self.result["rss_end"] = {s.port: s.rss_mb() for s in servers}
                self.mark("closing streams")
            for clients in members.values():
                for client in clients:
                    client.close()
        finally:
            for server in reversed(servers):
                if hasattr(server, "process"):
                    server.__exit__(None, None, None)
            self.notes.append(
                f"{changes.restore()} customers changed back to active at the end."
            )
        self.failures = changes.failures
        if count == 1 and args.ramp:
            self.mark("ramp")
            # The members' sessions are in the database: the ramp's server
            # takes them as the first servers did.
            self.result["ramp"] = self.phase_ramp(sessions)
        self.mark("end")
        self.servers = servers

    def print_latency(self, phase: str, result: dict) -> None:
        for key in (("*", "*"), ("*", "other"), ("*", "same")):
            s = result["latency"].get(key)
            if s and s.get("pairs"):
                print(
                    f"  {phase}, entries {key[1]}: {s['pairs']} pairs, "
                    f"p50 {s['p50']:.1f} p95 {s['p95']:.1f} p99 {s['p99']:.1f} "
                    f"max {s['max']:.1f} ms, missed {s['missed']}",
                    flush=True,
                )
        if result.get("pages"):
            for label, times in result["pages"]["times"].items():
                print(
                    f"  page {label}: p50 {percentile(times, 50):.1f} "
                    f"p95 {percentile(times, 95):.1f} ms",
                    flush=True,
                )


# --- the report ----------------------------------------------------------------


def fmt(value, digits=1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def latency_rows(title: str, latency: dict, names: dict) -> list[str]:
    """All pairs; with two servers, also by the streams' server, and for
    changes through a server, by the same or the other instance."""
    keys = [("*", "*")]
    if len(names) == 2:
        keys += [(port, "*") for port in names]
        keys += [("*", "other"), ("*", "same")]
    lines = []
    for key in keys:
        s = latency.get(key)
        if s is None:
            continue
        port, label = key
        streams = "all" if port == "*" else f"on {names[port]}"
        entries = {
            "*": "all",
            "other": "made through the other instance",
            "same": "made through the same instance",
        }[label]
        p99 = s.get("p99")
        met = p99 is not None and p99 < TARGET_MS and not s["missed"]
        lines.append(
            f"| {title} | {streams} | {entries} | {s['pairs']:,} | {s['missed']} | "
            f"{fmt(s.get('p50'))} | {fmt(s.get('p95'))} | {fmt(p99)} | "
            f"{fmt(s.get('max'))} | {'ok' if met else '**MISS**'} |"
        )
    return lines


def report(run: Run) -> str:
    args, r = run.args, run.result
    names = {s.port: "AB"[n] for n, s in enumerate(run.servers)}
    mode = "two instances" if args.instances == 2 else "one instance"
    command = (
        f".venv/bin/python bench/live.py --database {args.database} "
        f"--instances {args.instances} --streams {args.streams} --rate {args.rate:g} "
        f"--seconds {args.seconds:g} --page-repeat {args.page_repeat}"
        + (f" --tag {args.tag}" if args.tag else "")
    )
    lines = [
        f"### Live events: {args.database}, {mode}, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"- Command: `{command}`",
        f"- Database: {run.database}",
        *machine(),
        "- Load average (1, 5, 15 min) at each phase: "
        + "; ".join(f"{phase} {load}" for phase, load in run.loads),
        f"- Streams: {args.streams:,} ("
        + (
            f"{r['open']['share']:,} on each of two `cloudfactory serve` processes "
            "A and B, one worker each"
            if len(run.servers) == 2
            else "on one `cloudfactory serve` process A, one worker"
        )
        + "), from "
        f"{len(MEMBERS)} signed-in members (2 admins, 2 of the support role: two "
        "encodings of each entry), the servers started with "
        f"LIVE_STREAMS_PER_MEMBER={LIFTED} (the default cap of 20 a member lifted); "
        "one client process of the bench, raw sockets, each entry's SSE frame and "
        "JSON parsed.",
        "",
        "#### Latency: commit to the entry parsed by each stream (ms)",
        "",
        "| changes | streams | entries | pairs | missed | p50 | p95 | p99 | max "
        f"| p99 < {TARGET_MS} ms, none missed |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    service, http = r["service"], r["http"]
    lines += latency_rows(
        f"services, {service['rate']:.1f}/s", service["latency"], names
    )
    lines += latency_rows(
        f"status action, {http['rate']:.1f}/s", http["latency"], names
    )
    gap = service.get("created_to_commit_ms")
    lines += [
        "",
        f"Services: {service['entries']} changes by `customer_change_status` in "
        "this process, each stamped by an on_commit hook that runs right after "
        "COMMIT. Status action: "
        f"{http['posted']} POSTs to /customers/<id>/status"
        + (" alternately on A and B" if len(run.servers) == 2 else "")
        + f", {http['entries']} entries; their latency counts from the entry's "
        "created_at, read before its insert, a moment before COMMIT"
        + (
            f" (in the services' changes it came {gap[0]:.1f} ms before the "
            f"COMMIT at the median, {gap[1]:.1f} ms at most)"
            if gap
            else ""
        )
        + ". CPU of the servers meanwhile: "
        + ", ".join(f"{names[int(k[1:])]} {v:.0f} %" for k, v in service["cpu"].items())
        + " (services), "
        + ", ".join(f"{names[int(k[1:])]} {v:.0f} %" for k, v in http["cpu"].items())
        + " (status action) of one core.",
    ]
    if run.failures:
        lines.append(f"Status actions not answered 200: {run.failures[:5]}")
    lines += ["", "#### Streams", ""]
    for port, (before, after) in r["open"]["rss"].items():
        opened = r["open"]["opened"][port]
        per = (after - before) * 1024 / (r["open"]["share"] - 1)
        lines.append(
            f"- {names[port]}: {r['open']['share'] - 1:,} opened after the first in "
            f"{opened['seconds']:.1f} s, answers {opened['statuses']}"
            f"{', errors ' + str(opened['errors']) if opened['errors'] else ''}; "
            f"server RSS {before:.0f} MB with one stream, {after:.0f} MB with all: "
            f"**{per:.1f} KB a stream**; {r['rss_end'][port]:.0f} MB at the end."
        )
    for port, state in r["state_end"].items():
        lines.append(
            f"- {names[port]} at the end: {state['open']:,} streams open, "
            f"{state['closed']} closed by the server, {state['refused']} refused; "
            f"{state['reloads']} `reload` and {state['closings']} `closing` "
            f"events, {state['bad']} entries whose JSON id differed from `id:`."
        )
    alone, idle, loaded = r["pages_alone"], r["pages_idle"], service["pages"]
    lines += [
        "",
        f"#### Pages on A, {args.page_repeat} of each, interleaved (ms)",
        "",
        "No stream; then the streams open and idle (no change made); then the "
        f"streams open while the services' changes flow at {args.rate:g}/s.",
        "",
        "| request | no stream p50 | p95 | streams idle p50 | p95 "
        "| changes flowing p50 | p95 | p95 ratio, flowing / no stream "
        "| not 200 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, times in alone["times"].items():
        still, under = idle["times"][label], loaded["times"][label]
        failed = sum(
            f.startswith(f"{label}:") for f in idle["failures"] + loaded["failures"]
        )
        lines.append(
            f"| {label} | {percentile(times, 50):.1f} | {percentile(times, 95):.1f} "
            f"| {percentile(still, 50):.1f} | {percentile(still, 95):.1f} "
            f"| {percentile(under, 50):.1f} | {percentile(under, 95):.1f} "
            f"| {percentile(under, 95) / percentile(times, 95):.2f} | {failed} |"
        )
    if r.get("steps"):
        lines += [
            "",
            f"#### Events per second, {args.streams:,} streams on one instance",
            "",
            "Entries appended in bulk from this process, one transaction every "
            "20 ms, announced after COMMIT as the services do; "
            f"{args.step_seconds:g} s a step.",
            "",
            "| asked entries/s | entries/s | frames/s delivered | p50 ms | p99 ms "
            "| max ms | missed | CPU server % | CPU clients % |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in r["steps"]:
            lat = s["latency"]
            lines.append(
                f"| {s['rate']} | {s['entries_s']:.0f} | {s['frames_s']:,.0f} | "
                f"{fmt(lat.get('p50'))} | {fmt(lat.get('p99'))} | "
                f"{fmt(lat.get('max'))} | {lat.get('missed')} | "
                f"{s['cpu']['server']:.0f} | {s['cpu']['clients']:.0f} |"
            )

        def best(limit_ms: float) -> str:
            good = [
                s
                for s in r["steps"]
                if not s["latency"].get("missed")
                and s["latency"].get("p99", math.inf) < limit_ms
            ]
            if not good:
                return "none of the steps"
            top = good[-1]
            return (
                f"**{top['entries_s']:.0f} entries/s, "
                f"{top['frames_s']:,.0f} frames/s**"
                + (" (the last step)" if top is r["steps"][-1] else "")
            )

        lines += [
            "",
            f"Highest step with p99 under {TARGET_MS} ms and none missed: "
            f"{best(TARGET_MS)}. Highest kept up with (none missed, p99 under "
            f"{STEP_LIMIT_MS} ms; the steps stop at the first that is not): "
            f"{best(STEP_LIMIT_MS)}.",
        ]
    if r.get("ramp"):
        lines += [
            "",
            "#### Streams one process holds (LIVE_STREAMS_PER_PROCESS lifted)",
            "",
            "| streams | answers | open | server RSS MB | test entry p50 ms "
            "| p99 ms | max ms | missed |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for row in r["ramp"]:
            lat = row["latency"]
            errors = row["opened"]["errors"]
            lines.append(
                f"| {row['target']:,} | {row['opened']['statuses']}"
                f"{' ' + str(errors) if errors else ''}"
                f" | {row['open']:,} | {row['rss']:.0f} | {fmt(lat.get('p50'))} "
                f"| {fmt(lat.get('p99'))} | {fmt(lat.get('max'))} "
                f"| {lat.get('missed')} |"
            )
        held = [
            row
            for row in r["ramp"]
            if row["open"] == row["target"] and not row["latency"].get("missed")
        ]
        if held:
            top = held[-1]
            lines.append(
                f"\nHeld with every stream receiving: **{top['target']:,}** "
                f"({(top['rss'] - top['base']) * 1024 / top['target']:.1f} KB a "
                f"stream over the server's RSS with one; the default cap is "
                f"LIVE_STREAMS_PER_PROCESS=5000)."
            )
    lines += ["", *(f"- {note}" for note in run.notes), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=tuple(DATABASES), default="postgres")
    parser.add_argument("--instances", type=int, choices=(1, 2), default=1)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5, help="changes a second")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--page-repeat", type=int, default=100)
    parser.add_argument(
        "--steps",
        default="10,20,50,100,200,500,1000",
        help="entries a second, one step each (empty: skip)",
    )
    parser.add_argument("--step-seconds", type=float, default=10)
    parser.add_argument(
        "--ramp",
        default="1000,2000,4000,8000,16000",
        help="streams held by one process, a step each (empty: skip)",
    )
    parser.add_argument("--tag", help="added to the results file's name")
    args = parser.parse_args()
    args.steps = [int(x) for x in args.steps.split(",") if x]
    args.ramp = [int(x) for x in args.ramp.split(",") if x]
    if args.instances == 2 and args.database != "postgres":
        parser.error("two instances share a PostgreSQL database")
    run = Run(args)
    run.go()
    text = report(run)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = "-".join(
        part
        for part in (
            "live",
            args.database,
            "2x" if args.instances == 2 else "",
            args.tag or "",
            datetime.now(UTC).date().isoformat(),
        )
        if part
    )
    path = RESULTS / f"{stem}.md"
    path.write_text(text)
    print()
    print(text)
    print(f"(written to {path})")
    shutil.rmtree(run.var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
