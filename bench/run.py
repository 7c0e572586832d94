"""The Customers page benchmark, measured over HTTP against a running server.

    .venv/bin/python bench/run.py [--database postgres|sqlite|both] [--quick]

For each database it signs a staff member in (created with `createadmin`),
starts `cloudfactory serve` on a free port against that database, and times:

- the list partial (HX-Request: true -> the #list-results fragment) for every
  keystroke of typed searches (common, mid-frequency and rare pieces, a full
  email), every filter, every sort, filters with sorts, search with both, and
  the next page of a few lists;
- the detail panel (/customers/<id>/panel) of customers across the table;
- the summary cards (/customers/cards);
- the export of every customer (/customers/export), with the server's memory
  (VmRSS of its process) sampled while it streams.

Times are wall times on the client over loopback (the server's time plus
a loopback round trip), each request repeated, p50/p95 reported. Beside each,
the database's own time for the statements the same query functions run
(see dbtime.py), so the framework's share is visible. The table goes to
bench/results/<database>-<date>.md and to standard output.

The databases (already loaded with `cloudfactory demo`) are given by
BENCH_POSTGRES_URL (default the 1M-customer cf_bench_1m on 127.0.0.1) and
BENCH_SQLITE_URL (default var/bench-100k.sqlite3, 100,000 customers).

With `--pages records` it times instead the list partials of the Users, Orders,
Invoices and Support pages (records.py): no filter, the largest and a typical
customer, each page's own searches and filters.
"""

import argparse
import html
import io
import math
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from dbtime import DbTime, capture, db_time
from records import record_scenarios
from webclient import Client

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DATABASES = {
    "postgres": os.environ.get(
        "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cf_bench_1m"
    ),
    "sqlite": os.environ.get(
        "BENCH_SQLITE_URL", f"sqlite:///{ROOT / 'var' / 'bench-100k.sqlite3'}"
    ),
}
STAFF_EMAIL = "bench@cloudfactory.local"
# The cards take a few ms: enough requests that p95 is not one stray stall.
CARDS_REPEAT = 200

# Targets (the issue): server time at the 95th percentile, export rate.
PARTIAL_MS = 50
PANEL_MS = 50
CARDS_MS = 5
EXPORT_ROWS_PER_S = {"postgres": 300_000, "sqlite": 100_000}

# Typed searches, folded as the search column holds them, with the share of the
# 1M demo customers holding each (the tables show the count the page shows);
# a real customer's email is typed too (pick_email).
SEARCHES = (
    ("common surname piece", "smith"),  # 1.3 %: found by walking the list
    ("mid-frequency name", "nelson"),  # 0.25 %: found through the trigram index
    ("rare name", "mueller"),  # 0.04 %
    ("no match", "qxzj"),
)
# Each filter and pair of filters; the narrowest pair (2 % of the rows) is the
# hardest for a walk along a sort index.
FILTERS = (
    {"type": "company"},
    {"type": "individual"},
    {"status": "active"},
    {"status": "suspended"},
    {"status": "inactive"},
    {"type": "company", "status": "suspended"},
    {"type": "individual", "status": "inactive"},
)
SORTS = ("name", "-name", "users", "-users", "created", "-created")


@dataclass
class Scenario:
    group: str
    label: str
    params: dict = field(default_factory=dict)
    page2: bool = False  # follow the first page's "Load more" link
    path: str = "/customers/"  # the list page's URL


@dataclass
class Outcome:
    scenario: Scenario
    times_ms: list[float]
    result: str
    db: DbTime | None

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)


def write_result(stem: str, text: str) -> Path:
    """`text` to bench/results/<stem>-<date>.md, and to standard output."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{stem}-{datetime.now(UTC).date()}.md"
    out.write_text(text)
    print()
    print(text)
    print(f"(written to {out})")
    return out


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: of 20 samples, p95 is the 19th smallest."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


# --- the data --------------------------------------------------------------


def pick_email() -> str:
    """A real customer's email (an individual's, from the middle of the table):
    the rare exact search, typed in full."""
    from django.db.models import Max

    from cloudfactory.customers.models import Customer

    middle = Customer.objects.aggregate(top=Max("id"))["top"] // 2
    customer = (
        Customer.objects.filter(type="individual", id__gte=middle)
        .order_by("id")
        .first()
    )
    return customer.email.lower()


def keystrokes(piece: str, quick: bool) -> list[str]:
    """The search box's successive values while `piece` is typed."""
    lengths = range(1, len(piece) + 1)
    if quick:
        lengths = sorted({1, 2, 3, len(piece) // 2, len(piece)} - {0})
    return [piece[:n] for n in lengths]


def scenarios(email: str, quick: bool) -> list[Scenario]:
    found = [*SEARCHES, ("full email", email)]
    out = []
    for what, piece in found:
        for typed in keystrokes(piece, quick):
            out.append(Scenario(f"Typed search: {what} '{piece}'", "", {"q": typed}))
    for filters in FILTERS:
        out.append(Scenario("Filters (newest first)", "", dict(filters)))
    for sort in SORTS:
        out.append(Scenario("Sorts (no filter)", "", {"sort": sort}))
    pairs = [FILTERS[1], FILTERS[2], FILTERS[6]]
    if quick:
        pairs = [FILTERS[2], FILTERS[6]]
    for filters in pairs:
        for sort in SORTS:
            out.append(Scenario("Filters with sorts", "", {**filters, "sort": sort}))
    for params in (
        {"q": "smith", "type": "individual", "sort": "name"},
        {"q": "smith", "status": "suspended", "sort": "-users"},
        {"q": "nelson", "type": "company", "sort": "-name"},
        {"q": "sm", "type": "individual", "status": "inactive", "sort": "created"},
        {"q": "mueller", "type": "individual", "status": "active", "sort": "users"},
    ):
        out.append(Scenario("Search with filters and sort", "", params))
    for params in (
        {},
        {"sort": "name"},
        {"q": "smith"},
        {"type": "individual", "status": "inactive", "sort": "-users"},
    ):
        out.append(Scenario("Next page (cursor from Load more)", "", params, True))
    for s in out:
        s.label = s.label or ("?" + urlencode(s.params) if s.params else "(none)")
    return out


# --- the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`cloudfactory serve` on a free port, started and stopped by the bench."""

    def __init__(self, env: dict, log_path: Path, workers: int = 1):
        self.port = free_port()
        self.env = env
        self.log_path = log_path
        self.workers = workers

    def __enter__(self) -> "Server":
        command = [
            str(Path(sys.executable).parent / "cloudfactory"),
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"The server stopped; see {self.log_path}")
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"The server did not start; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


# --- measuring -------------------------------------------------------------------

HTMX = {"HX-Request": "true", "HX-Target": "list-results"}
COUNT_TEXT = re.compile(r'id="result-count">\s*(.*?)\s*</p>', re.S)
NEXT_LINK = re.compile(r'hx-get="(\?[^"]*cursor=[^"]*)"')


def list_params(client: Client, s: Scenario) -> dict:
    """The query of the request `s` times: for a next page, the first page's
    Load more link (its cursor), as htmx follows it."""
    if not s.page2:
        return s.params
    first = client.get(f"{s.path}?{urlencode(s.params)}", HTMX)
    link = html.unescape(NEXT_LINK.search(first.text).group(1))
    return dict(parse_qsl(link[1:]))


def result_text(body: str, params: dict) -> str:
    if "cursor" in params:
        return f"{body.count('data-row-id=')} more rows"
    match = COUNT_TEXT.search(body)
    if not match:
        return "?"
    text = re.sub(r"<[^>]+>", "", match.group(1))
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r" (customers|users|orders|invoices|tickets)\b", "", text)
    text = text.replace(
        "· among the newest; type three or more characters to search them all",
        "(newest)",
    )
    return re.sub(r" · .*", " (partial)", text)


def time_requests(client, path, headers, repeat, warmup) -> tuple[list[float], str]:
    for _ in range(warmup):
        client.get(path, headers)
    times, body = [], ""
    for _ in range(repeat):
        response = client.get(path, headers)
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        times.append(response.seconds * 1000)
        body = response.text
    return times, body


def LIST_PAGES() -> dict:  # noqa: N802
    from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
    from cloudfactory.invoices.lists import INVOICE_LIST_PAGE
    from cloudfactory.orders.lists import ORDER_LIST_PAGE
    from cloudfactory.support.lists import TICKET_LIST_PAGE
    from cloudfactory.users.lists import USER_LIST_PAGE

    return {
        "/customers/": CUSTOMER_LIST_PAGE,
        "/users": USER_LIST_PAGE,
        "/orders": ORDER_LIST_PAGE,
        "/invoices": INVOICE_LIST_PAGE,
        "/support": TICKET_LIST_PAGE,
    }


def list_db_time(params: dict, repeat: int, path: str = "/customers/") -> DbTime:
    """What the list partial runs, as listing.ListPage.respond runs it."""
    from cloudfactory.web.listing import PAGE_SIZE

    page = LIST_PAGES()[path]
    form = page.parse(params)
    if not form.is_valid():
        raise RuntimeError(f"Bad list parameters {params}: {form.errors}")
    f = form.to_filter()

    def work():
        rows = page.query.page(f, after=form.after, limit=PAGE_SIZE)
        if form.after is None:
            page.query.count(f, rows)  # the count the view runs, if any

    return db_time(capture(work), repeat)


def bench_lists(client, cases, repeat, warmup, db_repeat, plans) -> list[Outcome]:
    outcomes = []
    for s in cases:
        params = list_params(client, s)
        path = f"{s.path}?{urlencode(params)}"
        times, body = time_requests(client, path, HTMX, repeat, warmup)
        db = list_db_time(params, db_repeat, s.path)
        outcome = Outcome(s, times, result_text(body, params), db)
        outcomes.append(outcome)
        plans.append((f"{s.group}: {s.label}", db))
        mark = "" if outcome.p95 < PARTIAL_MS else "  <-- over target"
        print(
            f"  {s.label:<58} p50 {outcome.p50:6.1f}  p95 {outcome.p95:6.1f}  "
            f"db {db.ms:6.1f} ms  {outcome.result}{mark}",
            flush=True,
        )
    return outcomes


def panel_ids(count: int) -> list[int]:
    """Customers spread over the whole table, oldest to newest ids."""
    from django.db.models import Max

    from cloudfactory.customers.models import Customer

    top = Customer.objects.aggregate(top=Max("id"))["top"]
    ids = []
    for n in range(count):
        pk = (
            Customer.objects.filter(id__gte=1 + top * n // count)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        ids.append(pk)
    return ids


def bench_panel(client, repeat, db_repeat, plans) -> Outcome:
    """Each customer's panel opened once, as a person opens it: no warm-up of
    that customer's rows (one other panel warms the server up)."""
    from cloudfactory.customers.panel import panel_context
    from cloudfactory.staff.models import StaffUser

    ids = panel_ids(repeat + 1)
    client.get(f"/customers/{ids.pop()}/panel", HTMX)
    times = []
    for pk in ids:
        response = client.get(f"/customers/{pk}/panel", HTMX)
        if response.status != 200:
            raise RuntimeError(f"The panel of #{pk} answered {response.status}")
        times.append(response.seconds * 1000)
    user = StaffUser.objects.get(email=STAFF_EMAIL)
    db = [
        db_time(capture(lambda pk=pk: panel_context(user, pk)), db_repeat) for pk in ids
    ]
    median = sorted(db, key=lambda d: d.ms)[len(db) // 2]
    plans.append(("Detail panel (median customer)", median))
    s = Scenario("Detail panel", f"/customers/<id>/panel, {len(ids)} customers")
    return Outcome(s, times, "", median)


def bench_cards(client, repeat, warmup, db_repeat, plans) -> Outcome:
    from cloudfactory.customers.queries import platform_totals

    times, _ = time_requests(client, "/customers/cards", HTMX, repeat, warmup)
    db = db_time(capture(platform_totals), db_repeat)
    plans.append(("Summary cards", db))
    return Outcome(Scenario("Summary cards", "/customers/cards"), times, "", db)


@dataclass
class Export:
    rows: int
    seconds: float
    first_byte_ms: float
    rss_before: float
    rss_peak: float
    rss_after: float
    megabytes: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


def export_once(client: Client, server: Server) -> Export:
    """One export of every customer, the server's RSS sampled every 20 ms."""
    rss_before = server.rss_mb()
    peak = [rss_before]
    done = threading.Event()

    def sample():
        while not done.wait(0.02):
            peak.append(server.rss_mb())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    seen = {"newlines": 0, "bytes": 0, "first": None}

    def on_chunk(chunk: bytes):
        if seen["first"] is None:
            seen["first"] = time.perf_counter()
        seen["newlines"] += chunk.count(b"\n")  # each row ends in CRLF
        seen["bytes"] += len(chunk)

    started = time.perf_counter()
    response = client.get("/customers/export", on_chunk=on_chunk)
    done.set()
    sampler.join()
    if response.status != 200:
        raise RuntimeError(f"The export answered {response.status}")
    return Export(
        rows=seen["newlines"] - 1,  # the header row
        seconds=response.seconds,
        first_byte_ms=(seen["first"] - started) * 1000,
        rss_before=rss_before,
        rss_peak=max(peak),
        rss_after=server.rss_mb(),
        megabytes=seen["bytes"] / 1e6,
    )


def export_db_time(plans) -> tuple[DbTime, str]:
    from cloudfactory.customers.lists import CUSTOMER_LIST_PAGE
    from cloudfactory.customers.queries import CustomerFilter
    from cloudfactory.web.export import export_sql

    sql, params = export_sql(
        CUSTOMER_LIST_PAGE.query.export_rows(CustomerFilter()),
        CUSTOMER_LIST_PAGE.export.columns,
    )
    db = db_time([(sql, tuple(params))], 1, timing=False)
    plans.append(("Export (all rows)", db))
    return db, sql


# --- the report ------------------------------------------------------------------


def machine() -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (nproc)",
        "- Memory (free -h):",
        "",
        "```",
        free.rstrip(),
        "```",
    ]


def database_line(name: str) -> str:
    from django.db import connection

    from cloudfactory.customers.models import Customer

    customers = Customer.objects.count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    return (
        f"{version}, {customers:,} customers ({name}: {DATABASES[name].split('@')[-1]})"
    )


def summary(outcomes: list[Outcome], misses: list[Outcome]) -> str:
    if not outcomes:
        return "No list requests (--only matched none)."
    worst = max(outcomes, key=lambda o: o.p95)
    return (
        f"Summary: {len(outcomes)} list requests, {len(misses)} at 50 ms or more "
        f"at p95; slowest p95 {worst.p95:.1f} ms (`{worst.scenario.label}`)."
    )


def verdict(value: float, target: float) -> str:
    return "ok" if value < target else "**MISS**"


def lists_table(outcomes: list[Outcome]) -> list[str]:
    lines = []
    group = None
    for o in outcomes:
        if o.scenario.group != group:
            group = o.scenario.group
            lines += [
                "",
                f"#### {group}",
                "",
                "| request | shown | p50 ms | p95 ms | DB ms | stmts | < 50 ms |",
                "| --- | --- | ---: | ---: | ---: | ---: | --- |",
            ]
        lines.append(
            f"| `{o.scenario.label}` | {o.result} | {o.p50:.1f} | {o.p95:.1f} "
            f"| {o.db.ms:.1f} | {o.db.statements} | {verdict(o.p95, PARTIAL_MS)} |"
        )
    return lines


def report(name, args, outcomes, panel, cards, exports, export_db) -> str:
    today = datetime.now(UTC).date().isoformat()
    misses = [o for o in outcomes if o.p95 >= PARTIAL_MS]
    lines = [
        f"### {name} — {today}",
        "",
        f"- Database: {database_line(name)}",
        *machine(),
        f"- Command: `.venv/bin/python bench/run.py --database {name}"
        f"{' --quick' if args.quick else ''}"
        f"{' --pages records' if args.pages == 'records' else ''}`",
        f"- Each list request: {args.warmup} warm-up + {args.repeat} timed; "
        "times are wall time per request on the client over loopback "
        "(keep-alive HTTP/1.1, signed-in staff, `HX-Request: true`).",
        "- DB ms: the database's own time for the statements the same query "
        "functions run (PostgreSQL: sum of EXPLAIN (ANALYZE, BUFFERS) Execution "
        "Time; SQLite: the statements run and fetched in-process), median of "
        f"{args.db_repeat}. The difference is the framework: session, "
        "permissions, form, template, ASGI, HTTP.",
        "",
        summary(outcomes, misses),
    ]
    lines += lists_table(outcomes)
    if panel is None:  # --pages records: the list partials only
        return "\n".join([*lines, ""])
    lines += [
        "",
        "#### Detail panel and summary cards",
        "",
        "| request | p50 ms | p95 ms | DB ms | stmts | target |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for o, goal in ((panel, PANEL_MS), (cards, CARDS_MS)):
        lines.append(
            f"| `{o.scenario.label}` | {o.p50:.1f} | {o.p95:.1f} | {o.db.ms:.2f} "
            f"| {o.db.statements} | < {goal} ms: {verdict(o.p95, goal)} |"
        )
    rows, target = exports[0].rows, EXPORT_ROWS_PER_S[name]
    best = max(exports, key=lambda e: e.rate)
    lines += [
        "",
        "#### Export of every customer (/customers/export, CSV)",
        "",
        "| run | rows | MB | seconds | rows/s | first byte ms | server RSS MB "
        "before / peak / after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for n, e in enumerate(exports, 1):
        lines.append(
            f"| {n} | {e.rows:,} | {e.megabytes:.0f} | {e.seconds:.2f} | "
            f"{e.rate:,.0f} | {e.first_byte_ms:.0f} | "
            f"{e.rss_before:.0f} / {e.rss_peak:.0f} / {e.rss_after:.0f} |"
        )
    lines += [
        "",
        f"Best {best.rate:,.0f} rows/s against a target of {target:,} rows/s: "
        f"{verdict(-best.rate, -target)}. The database alone produces the rows in "
        f"{export_db.ms / 1000:.2f} s ({rows / (export_db.ms / 1000):,.0f} rows/s"
        f"{', EXPLAIN ANALYZE with TIMING OFF' if name == 'postgres' else ''}).",
        "",
    ]
    return "\n".join(lines)


def write_plans(path: Path, plans) -> None:
    with open(path, "w") as out:
        for title, db in plans:
            out.write(
                f"=== {title}: {db.ms:.2f} ms (planning {db.planning_ms:.2f} ms)\n"
            )
            for plan in db.plans:
                out.write(plan + "\n\n")


# --- the run -----------------------------------------------------------------------


def run_one(name: str, args) -> int:
    var_dir = tempfile.mkdtemp(prefix="cf-bench-")
    os.environ["DATABASE_URL"] = DATABASES[name]
    os.environ["CLOUDFACTORY_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from cloudfactory.customers.models import Customer

    if not Customer.objects.exists():
        print(
            f"{name}: no customers in {DATABASES[name]}; load them with "
            "`cloudfactory demo --customers N` first.",
            file=sys.stderr,
        )
        return 2
    password = secrets.token_urlsafe(18)
    call_command(
        "createadmin", email=STAFF_EMAIL, password=password, stdout=io.StringIO()
    )
    if args.pages == "records":
        cases = record_scenarios(Scenario)
    else:
        cases = scenarios(pick_email(), args.quick)
    if args.only:
        cases = [s for s in cases if re.search(args.only, f"{s.group} {s.label}")]
    plans: list = []
    print(f"== {name}: {DATABASES[name]}", flush=True)
    with Server(dict(os.environ), Path(var_dir) / "server.log") as server:
        client = Client("127.0.0.1", server.port)
        client.sign_in(STAFF_EMAIL, password)
        outcomes = bench_lists(
            client, cases, args.repeat, args.warmup, args.db_repeat, plans
        )
        if args.pages == "records":
            client.close()
            text = report(name, args, outcomes, *[None] * 4)
            return finish(name, args, text, plans, var_dir)
        panel = bench_panel(client, args.repeat, args.db_repeat, plans)
        print(
            f"  panel p50 {panel.p50:.1f} p95 {panel.p95:.1f} db {panel.db.ms:.2f} ms",
            flush=True,
        )
        cards = bench_cards(client, CARDS_REPEAT, args.warmup, args.db_repeat, plans)
        print(
            f"  cards p50 {cards.p50:.1f} p95 {cards.p95:.1f} db {cards.db.ms:.2f} ms",
            flush=True,
        )
        exports = []
        for _ in range(args.exports):
            exports.append(export_once(client, server))
            e = exports[-1]
            print(
                f"  export {e.rows:,} rows in {e.seconds:.2f} s "
                f"= {e.rate:,.0f} rows/s, "
                f"RSS {e.rss_before:.0f}/{e.rss_peak:.0f}/{e.rss_after:.0f} MB",
                flush=True,
            )
        client.close()
    export_db, _ = export_db_time(plans)
    text = report(name, args, outcomes, panel, cards, exports, export_db)
    return finish(name, args, text, plans, var_dir)


def finish(name, args, text, plans=(), var_dir=None) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    tag = f"-{args.tag}" if args.tag else ""
    pages = "-records" if args.pages == "records" else ""
    stem = f"{name}{pages}{tag}-{datetime.now(UTC).date().isoformat()}"
    (RESULTS / f"{stem}.md").write_text(text)
    if args.plans:
        write_plans(RESULTS / f"{stem}-plans.txt", plans)
    print()
    print(text)
    print(f"(written to {RESULTS / (stem + '.md')})")
    # Kept when the run fails: the server's log is in it.
    if var_dir:
        shutil.rmtree(var_dir, ignore_errors=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", choices=("postgres", "sqlite", "both"), default="both"
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer keystrokes and repetitions"
    )
    parser.add_argument(
        "--only", help="only the list requests whose group or label matches"
    )
    parser.add_argument("--plans", action="store_true", help="also write every EXPLAIN")
    parser.add_argument("--tag", help="added to the results file's name")
    parser.add_argument(
        "--pages",
        choices=("customers", "records"),
        default="customers",
        help="records: the Users, Orders, Invoices and Support lists instead",
    )
    args = parser.parse_args()
    args.repeat = 5 if args.quick else 20
    args.warmup = 1 if args.quick else 2
    args.db_repeat = 2 if args.quick else 5
    args.exports = 1 if args.quick else 3
    if args.database != "both":
        return run_one(args.database, args)
    # One process per database: Django's settings are read once per process.
    flags = [
        *(["--quick"] if args.quick else []),
        *(["--only", args.only] if args.only else []),
        *(["--plans"] if args.plans else []),
        *(["--tag", args.tag] if args.tag else []),
        "--pages",
        args.pages,
    ]
    worst = 0
    for name in ("postgres", "sqlite"):
        worst = max(
            worst,
            subprocess.run(
                [sys.executable, __file__, "--database", name, *flags]
            ).returncode,
        )
    return worst


if __name__ == "__main__":
    sys.exit(main())
