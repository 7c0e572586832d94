"""The command palette's server response, timed over HTTP for terms drawn from the data.

    .venv/bin/python bench/palette.py [--database URL|postgres|sqlite|livebench]
        [--seed 1] [--per-band 8] [--repeat 20] [--runs 3] [--db-repeat 3]
        [--hot 5] [--code HEAD|<commit>|worktree] [--only REGEX] [--tag TAG]

Against a database loaded with `cloudfactory demo` (default the 1M-customer
PostgreSQL bench set), it draws the search terms with `cases.py` (seeded,
never picked by hand: pieces of real names, emails and company names in bands
of how many customers hold them, real names typed letter by letter, whole
emails and company names, accent pairs, identifiers of real records, pieces
found nowhere), signs a staff admin in (created with `createadmin`), starts
`cloudfactory serve` on a free port, and times `GET /palette?q=<term>` for
every case: one warm-up request each, then `--repeat` rounds, each round every
case once in a shuffled order (seeded), on one keep-alive connection; then
each case `--hot` times back to back (its pages still in the database's
buffers). A run stops its rounds after `--max-minutes`.

Each run reports p50, p95 and max per case and per band; `--runs` runs, each
with its own server, the load average read before and after each. After each
run's requests, the database's part of each case is timed in this process:
the statements the palette's own functions run (captured as dbtime.py does),
grouped by what asked for them (the best match; the Customers, Users, Orders,
Invoices and Support groups) and by what they are (the sample that estimates
how common a piece is, a walk of a list's sort index, a lookup through the
trigram index, a count), each timed by the database in the request's order
(PostgreSQL: EXPLAIN (ANALYZE, BUFFERS): Execution Time and pages read;
SQLite: run and fetched), the median of `--db-repeat` such sequences; and
the wall time of the palette view, called in this process (the app's
part, without session and HTTP). The EXPLAIN ANALYZE of the slowest case's
statements goes in the report.

The code measured is src/ of the commit `--code` names (default HEAD when
the bench starts), extracted into a scratch directory and put first on the
path of the bench and of its servers, so commits landing during the runs do
not change it; `--code worktree` measures the working tree as it is.

The report goes to bench/results/palette-<database name>-<date>.md and to
standard output. The target (issue 12): under 50 ms at p95 for any query of
one or more characters, at 1M customers.
"""

import argparse
import io
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from cases import Case, draw_cases
from dbtime import capture, db_time
from run import DATABASES, ROOT, STAFF_EMAIL, Server, machine, percentile, write_result
from webclient import Client

TARGET_MS = 50
SHORTCUTS = {
    "postgres": DATABASES["postgres"],
    "sqlite": DATABASES["sqlite"],
    "livebench": "postgres://postgres@127.0.0.1:5432/cf_livebench",
}
# Statements by what they are, from their SQL (textsearch.queries,
# customers.records, web.query); the first pattern that matches names it.
STATEMENT_KINDS = (
    ("estimate", re.compile(r"TABLESAMPLE|WITH size\(n\)")),
    ("lookup", re.compile(r"COUNT\(\*\) OVER \(\) AS search_total")),
    ("records page", re.compile(r"COUNT\([^)]*\) OVER \(\)")),
    ("count", re.compile(r"^SELECT COUNT\(\*\) FROM \(SELECT", re.S)),
    ("walk", re.compile(r"\) w WHERE w\.search_text LIKE")),
    ("window end", re.compile(r"LIMIT 1 OFFSET")),
    ("related rows", re.compile(r'"customers_customer"\."id"\)? IN \(')),
    ("by number", re.compile(r'"number" = ')),
    ("by id", re.compile(r'"customers_customer"\."id" = ')),
)
TABLES = {
    "customers_customer": "customers",
    "users_tenantuser": "users",
    "orders_order": "orders",
    "invoices_invoice": "invoices",
    "support_ticket": "tickets",
}
TABLE = re.compile(r'FROM "?([a-z_]+)"?')
BUFFERS = re.compile(r"Buffers: shared ([^\n]*)")
# What web/js/palette.js sends with its GET.
HEADERS = {"HX-Request": "true"}


@dataclass
class Statement:
    part: str  # what asked for it: "Best match", "Customers", "Users", ...
    sql: str
    params: tuple
    ms: float = 0.0
    plan: str = ""

    @property
    def kind(self) -> str:
        what = next((k for k, p in STATEMENT_KINDS if p.search(self.sql)), "other")
        # The first of the app's tables it reads (an estimate reads pg_class first).
        tables = [t for t in TABLE.findall(self.sql) if t in TABLES]
        return f"{what} ({TABLES[tables[0]] if tables else '?'})"

    @property
    def label(self) -> str:
        return f"{self.part}: {self.kind}"

    @property
    def pages(self) -> int | None:
        """Pages the statement read (shared buffers hit and read, its plan's
        top node); None on SQLite."""
        found = BUFFERS.search(self.plan)
        if not found:
            return None
        return sum(int(n) for n in re.findall(r"(?:hit|read)=(\d+)", found.group(1)))


@dataclass
class DbPart:
    """The database's time for one case: its statements, each timed."""

    statements: list[Statement]
    whole: int  # statements palette_results runs in all (a check)
    # Wall time in this process of what the view does but the session and
    # HTTP: the palette view (its queries, the ORM, Python, its template),
    # median of the repetitions.
    app_ms: float = 0.0
    total_ms: float = 0.0  # median of the sequences' sums (db_part)

    @property
    def ms(self) -> float:
        return self.total_ms or sum(s.ms for s in self.statements)

    def by_part(self) -> dict[str, float]:
        parts: dict[str, float] = {}
        for s in self.statements:
            parts[s.part] = parts.get(s.part, 0.0) + s.ms
        return parts

    @property
    def pages(self) -> int | None:
        counted = [s.pages for s in self.statements if s.pages is not None]
        return sum(counted) if counted else None

    @property
    def slowest(self) -> Statement | None:
        return max(self.statements, key=lambda s: s.ms, default=None)


@dataclass
class CaseRun:
    """One case in one run."""

    times_ms: list[float] = field(default_factory=list)
    # The same request sent back to back (--hot times), after the rounds: what
    # it costs when its pages are still in the database's buffers.
    hot_ms: list[float] = field(default_factory=list)
    shown: str = ""
    # Answers other than 200, by status (503: a query passed the server's
    # DATABASE_QUERY_DEADLINE and was cancelled); their times count too.
    failures: dict[int, int] = field(default_factory=dict)

    def note(self, status: int, body: str) -> None:
        if status != 200:
            self.failures[status] = self.failures.get(status, 0) + 1
        elif not self.shown:
            self.shown = shown(body)

    @property
    def failed(self) -> str:
        return ", ".join(f"{n} x {status}" for status, n in self.failures.items())

    db: DbPart | None = None

    @property
    def p50(self) -> float:
        return percentile(self.times_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.times_ms, 95)

    @property
    def max(self) -> float:
        return max(self.times_ms)


@dataclass
class Run:
    number: int
    load_before: str
    load_after: str
    rounds: int
    seconds: float
    cases: list[CaseRun]


# --- what the palette shows -----------------------------------------------------

GROUP_LABEL = re.compile(r'class="palette-group-label"[^>]*>([^<]*)<')
SEE_ALL = re.compile(r"See all ([\d,]+\+?) in")


def shown(body: str) -> str:
    """The groups of a palette answer, each with its count ("See all N") or
    the options it shows: "Customers 1,234 · Users 3 · Commands 2"."""
    parts = []
    for chunk in body.split('role="group"')[1:]:
        label = GROUP_LABEL.search(chunk)
        name = label.group(1).strip() if label else "?"
        if name == "Best match":
            parts.append("best match")
            continue
        see = SEE_ALL.search(chunk)
        options = chunk.count('role="option"')
        parts.append(f"{name} {see.group(1) if see else options}")
    return " · ".join(parts) or "nothing"


# --- the database's part ----------------------------------------------------------


def palette_statements(user, term: str) -> tuple[list[Statement], int]:
    """The statements the palette runs for `term`, each with the group that
    asked for it, following palette_results step by step; and how many
    palette_results runs in one go (the two should agree)."""
    from cloudfactory.search import queries as palette

    q = palette.palette_query(term)
    found: dict[str, object] = {}

    def best():
        found["best"] = palette.best_match(user, q)

    statements = [Statement("Best match", *s) for s in capture(best)]
    if hasattr(palette, "_look"):
        look = partial(palette._look, q=q)
    else:  # `--code` of an older commit: each kind asked after the best match
        shown_url = found["best"].url if found["best"] else ""
        look = partial(palette._found, q=q, shown=shown_url)
    for source in palette.SOURCES:
        page = source.list_page
        if not user.has_perm(page.permission) or not source.asks(q):
            continue
        asked = capture(partial(look, source))
        statements += [Statement(page.title, *s) for s in asked]
    whole = capture(lambda: palette.palette_results(user, q))
    return statements, len(whole)


def app_time(user, term: str, repeat: int) -> float:
    """The view's work without the session, middleware and HTTP, in ms: the
    palette view called with the request, median of `repeat`."""
    from django.test import RequestFactory

    from cloudfactory.search.views import palette

    request = RequestFactory().get("/palette", {"q": term})
    request.user = user
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        palette(request)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def db_part(user, term: str, repeat: int) -> DbPart:
    """The case's statements timed in the order the request runs them, the
    sequence `repeat` times: one request's statements read enough pages to
    push each other out of PostgreSQL's buffers, which timing each statement
    over and over would hide. Each statement's time is its median; the total
    the median of the sequences' sums."""
    statements, whole = palette_statements(user, term)
    times: list[list[float]] = [[] for _ in statements]
    sums = []
    for _ in range(repeat):
        for s, kept in zip(statements, times, strict=True):
            timed = db_time([(s.sql, s.params)], 1)
            kept.append(timed.ms)
            s.plan = timed.plans[0] if timed.plans else ""
        sums.append(sum(kept[-1] for kept in times))
    for s, kept in zip(statements, times, strict=True):
        s.ms = statistics.median(kept)
    part = DbPart(statements, whole, app_time(user, term, repeat))
    part.total_ms = statistics.median(sums) if sums else 0.0
    return part


# --- a run ---------------------------------------------------------------------


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def palette_path(term: str) -> str:
    return f"/palette?{urlencode({'q': term})}"


def one_run(number: int, args, cases: list[Case], password: str, user) -> Run:
    load_before = loadavg()
    print(f"== run {number}: load average {load_before}", flush=True)
    results = [CaseRun() for _ in cases]
    paths = [palette_path(case.term) for case in cases]
    var_dir = os.environ["CLOUDFACTORY_VAR_DIR"]
    started = time.monotonic()
    rounds = 0
    with Server(dict(os.environ), Path(var_dir) / f"server-{number}.log") as server:
        client = Client("127.0.0.1", server.port)
        client.sign_in(STAFF_EMAIL, password)
        for n, path in enumerate(paths):  # warm-up: each case once
            response = client.get(path, HEADERS)
            results[n].note(response.status, response.text)
        order = list(range(len(cases)))
        rng = random.Random(f"{args.seed}:order:{number}")
        deadline = started + args.max_minutes * 60
        for _ in range(args.repeat):
            rng.shuffle(order)
            for n in order:
                response = client.get(paths[n], HEADERS)
                results[n].note(response.status, response.text)
                results[n].times_ms.append(response.seconds * 1000)
            rounds += 1
            if time.monotonic() > deadline:
                print(f"  stopped after {rounds} rounds (--max-minutes)", flush=True)
                break
        for n, path in enumerate(paths):  # back to back, the first one apart
            client.get(path, HEADERS)
            for _ in range(args.hot):
                response = client.get(path, HEADERS)
                results[n].hot_ms.append(response.seconds * 1000)
        client.close()
    seconds = time.monotonic() - started
    load_after = loadavg()
    print(
        f"  {rounds} rounds of {len(cases)} requests in {seconds:.0f} s; "
        f"load average {load_after}",
        flush=True,
    )
    if args.db_repeat:
        for case, result in zip(cases, results, strict=True):
            result.db = db_part(user, case.term, args.db_repeat)
    for case, result in zip(cases, results, strict=True):
        db = f"db {result.db.ms:6.1f}" if result.db else ""
        mark = "" if result.p95 < TARGET_MS else "  <-- over target"
        if result.failures:
            mark += f"  ({result.failed})"
        print(
            f"  {case.name[:56]:<56} p50 {result.p50:6.1f} p95 {result.p95:6.1f} "
            f"max {result.max:6.1f} {db}  {result.shown}{mark}",
            flush=True,
        )
    return Run(number, load_before, load_after, rounds, seconds, results)


# --- the report ---------------------------------------------------------------------


def database_line(url: str) -> str:
    from django.db import connection

    from cloudfactory.customers.queries import platform_totals

    totals = platform_totals()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
    if connection.vendor == "postgresql":
        settings = []
        with connection.cursor() as cursor:
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
                cursor.execute(f"SHOW {name}")
                settings.append(f"{name} {cursor.fetchone()[0]}")
        version += f" ({', '.join(settings)})"
    return (
        f"{version}: {totals.customers:,} customers, {totals.users:,} tenant users, "
        f"{totals.orders:,} orders, {totals.invoices:,} invoices, "
        f"{totals.tickets:,} tickets ({url.split('@')[-1]})"
    )


def band_rows(cases: list[Case], runs: list[Run]) -> list[str]:
    bands: dict[str, list[int]] = {}
    for n, case in enumerate(cases):
        bands.setdefault(case.band, []).append(n)
    runs_label = "/".join(str(run.number) for run in runs)
    lines = [
        f"| band | cases | pooled p50 ms, runs {runs_label} "
        f"| pooled p95 ms, runs {runs_label} | slowest case's p95 ms (worst run) "
        "| max ms | cases at 50 ms or more at p95 (worst run) "
        "| DB ms, median case (slowest) |",
        "| --- | ---: | --- | --- | --- | ---: | ---: | --- |",
    ]
    for band, members in bands.items():
        p50s, p95s = [], []
        for run in runs:
            pooled = [t for n in members for t in run.cases[n].times_ms]
            p50s.append(f"{percentile(pooled, 50):.1f}")
            p95s.append(f"{percentile(pooled, 95):.1f}")
        slow = max(
            ((run.cases[n].p95, n) for run in runs for n in members),
            key=lambda pair: pair[0],
        )
        over = max(sum(run.cases[n].p95 >= TARGET_MS for n in members) for run in runs)
        top = max(run.cases[n].max for run in runs for n in members)
        dbs = [ms for n in members if (ms := median_db(runs, n)) is not None]
        db = f"{statistics.median(dbs):.1f} ({max(dbs):.1f})" if dbs else ""
        lines.append(
            f"| {band} | {len(members)} | {' / '.join(p50s)} | {' / '.join(p95s)} "
            f"| {slow[0]:.1f} (`{cases[slow[1]].term}`) | {top:.1f} | {over} "
            f"| {db} |"
        )
    return lines


def dominant(db) -> str:
    if db is None or not db.statements:
        return ""
    parts = db.by_part()
    part = max(parts, key=parts.get)
    slowest = max((s for s in db.statements if s.part == part), key=lambda s: s.ms)
    return f"{part} {parts[part]:.1f} (its {slowest.kind} {slowest.ms:.1f})"


def median_db(runs: list[Run], n: int) -> float | None:
    values = [run.cases[n].db.ms for run in runs if run.cases[n].db]
    return statistics.median(values) if values else None


def median_app(runs: list[Run], n: int) -> float | None:
    values = [run.cases[n].db.app_ms for run in runs if run.cases[n].db]
    return statistics.median(values) if values else None


def case_rows(cases: list[Case], runs: list[Run]) -> list[str]:
    runs_label = "/".join(str(run.number) for run in runs)
    lines = [
        f"| band | term | customers holding it | shown | p50 ms (worst run) "
        f"| p95 ms, runs {runs_label} | max ms | p50 ms back to back (worst run) "
        "| DB ms | app ms | DB pages | stmts "
        "| most of the DB time: group ms (its slowest statement ms) | < 50 ms |",
        "| --- | --- | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- | --- |",
    ]
    last = runs[-1]
    for n, case in enumerate(cases):
        p95s = [run.cases[n].p95 for run in runs]
        p50 = max(run.cases[n].p50 for run in runs)
        top = max(run.cases[n].max for run in runs)
        hot = [
            percentile(run.cases[n].hot_ms, 50) for run in runs if run.cases[n].hot_ms
        ]
        hot_text = f"{max(hot):.1f}" if hot else ""
        db = median_db(runs, n)
        app = median_app(runs, n)
        pages = last.cases[n].db.pages if last.cases[n].db else None
        pages_text = f"{pages:,}" if pages is not None else ""
        db_text = f"{db:.1f} | {app:.1f} | {pages_text}" if db is not None else " | | "
        statements = len(last.cases[n].db.statements) if last.cases[n].db else ""
        verdict = "ok" if max(p95s) < TARGET_MS else "**MISS**"
        failed = [run.cases[n].failed for run in runs if run.cases[n].failures]
        if failed:
            verdict += f" ({'; '.join(failed)})"
        term = case.term.replace("|", "\\|")
        lines.append(
            f"| {case.band} | `{term}` | {case.holders_text} | {last.cases[n].shown} "
            f"| {p50:.1f} | {' / '.join(f'{p:.1f}' for p in p95s)} | {top:.1f} "
            f"| {hot_text} | {db_text} | {statements} "
            f"| {dominant(last.cases[n].db)} | {verdict} |"
        )
    return lines


def parts_summary(cases: list[Case], runs: list[Run]) -> list[str]:
    """Where the database's time goes, over all cases and over the slowest."""
    last = runs[-1]
    totals: dict[str, float] = {}
    for result in last.cases:
        if result.db is None:
            continue
        for s in result.db.statements:
            totals[s.label] = totals.get(s.label, 0.0) + s.ms
    if not totals:
        return []
    whole = sum(totals.values())
    lines = [
        "",
        f"#### Where the database's time goes (run {last.number}, all cases)",
        "",
        "| group: statement (table) | DB ms summed over the cases | share |",
        "| --- | ---: | ---: |",
    ]
    for label, ms in sorted(totals.items(), key=lambda item: -item[1])[:12]:
        lines.append(f"| {label} | {ms:.1f} | {100 * ms / whole:.0f} % |")
    return lines


def misses_summary(cases: list[Case], runs: list[Run]) -> list[str]:
    """For the cases over the target: which statement takes most of their
    database time, tallied."""
    last = runs[-1]
    tally: dict[str, list[tuple[float, str]]] = {}
    for n, case in enumerate(cases):
        result = last.cases[n]
        if max(run.cases[n].p95 for run in runs) < TARGET_MS or result.db is None:
            continue
        slowest = result.db.slowest
        label = slowest.label if slowest else "(no statement)"
        tally.setdefault(label, []).append((slowest.ms if slowest else 0, case.term))
    if not tally:
        return []
    lines = [
        "",
        f"#### Cases at {TARGET_MS} ms or more: their slowest statement "
        f"(run {last.number})",
        "",
        "| group: statement (table) | cases | its ms, median (max) | terms |",
        "| --- | ---: | --- | --- |",
    ]
    for label, found in sorted(tally.items(), key=lambda item: -len(item[1])):
        times = [ms for ms, _ in found]
        terms = ", ".join(f"`{term}`" for _, term in found[:8])
        more = f" and {len(found) - 8} more" if len(found) > 8 else ""
        lines.append(
            f"| {label} | {len(found)} | {statistics.median(times):.1f} "
            f"({max(times):.1f}) | {terms}{more} |"
        )
    return lines


def slowest_cases(cases: list[Case], runs: list[Run], count: int) -> list[str]:
    last = runs[-1]
    ranked = sorted(
        range(len(cases)), key=lambda n: -max(run.cases[n].p95 for run in runs)
    )[:count]
    lines = ["", f"#### The {count} slowest cases, statement by statement", ""]
    for n in ranked:
        case, result = cases[n], last.cases[n]
        p95 = max(run.cases[n].p95 for run in runs)
        lines.append(
            f"- `{case.term}` ({case.band}; {case.holders_text or '-'} customers; "
            f"{case.origin}): p95 {p95:.1f} ms (worst run), shows {result.shown}"
        )
        if result.db is None:
            continue
        if len(result.db.statements) != result.db.whole:
            lines.append(
                f"  (palette_results ran {result.db.whole} statements, the steps "
                f"{len(result.db.statements)})"
            )
        for s in result.db.statements:
            pages = f", {s.pages:,} pages" if s.pages is not None else ""
            lines.append(f"  - {s.label}: {s.ms:.2f} ms{pages}")
    worst_n = ranked[0]
    plans = last.cases[worst_n].db
    if plans is not None:
        lines += [
            "",
            f"EXPLAIN (ANALYZE, BUFFERS) of the statements of `{cases[worst_n].term}`"
            f" (run {last.number}), slowest first:",
            "",
        ]
        for s in sorted(plans.statements, key=lambda s: -s.ms)[:3]:
            lines += [
                f"{s.label}, {s.ms:.2f} ms:",
                "",
                "```",
                s.plan.strip(),
                "```",
                "",
            ]
    return lines


def sorting(cases: list[Case], runs: list[Run]) -> list[str]:
    """The misses sorted by how they miss: in the database alone, at the
    median already, or only at p95 in some runs (the machine's contention)."""
    db_over, p50_over, every_run, some_runs = [], [], [], []
    for n, case in enumerate(cases):
        p95s = [run.cases[n].p95 for run in runs]
        if max(p95s) < TARGET_MS:
            continue
        db = median_db(runs, n)
        if db is not None and db >= TARGET_MS:
            db_over.append(f"`{case.term}` {db:.0f}")
        elif min(run.cases[n].p50 for run in runs) >= TARGET_MS:
            p50_over.append(f"`{case.term}`")
        elif min(p95s) >= TARGET_MS:
            every_run.append(f"`{case.term}`")
        else:
            some_runs.append(f"`{case.term}`")
    return [
        "How the cases miss:",
        "",
        f"- the database's time alone is {TARGET_MS} ms or more (ms): "
        f"{len(db_over)}: {', '.join(db_over) or '-'}",
        f"- under that, but p50 is {TARGET_MS} ms or more in every run: "
        f"{len(p50_over)}: {', '.join(p50_over) or '-'}",
        f"- p50 under in some run, p95 over in every run: {len(every_run)}: "
        f"{', '.join(every_run) or '-'}",
        f"- p95 over in some runs only: {len(some_runs)}: "
        f"{', '.join(some_runs) or '-'}",
    ]


def report(args, url: str, cases: list[Case], runs: list[Run], draw_s: float) -> str:
    today = datetime.now(UTC).date().isoformat()
    over = [sum(c.p95 >= TARGET_MS for c in run.cases) for run in runs]
    worst_p95, worst_n, worst_run = max(
        (c.p95, n, run.number) for run in runs for n, c in enumerate(run.cases)
    )
    kinds: dict[str, int] = {}
    for case in cases:
        kinds[case.kind] = kinds.get(case.kind, 0) + 1
    command = (
        f".venv/bin/python bench/palette.py --database {args.database_arg} "
        f"--seed {args.seed} --per-band {args.per_band} --repeat {args.repeat} "
        f"--runs {args.runs} --db-repeat {args.db_repeat} --hot {args.hot}"
        f"{'' if args.code == 'HEAD' else f' --code {args.code}'}"
    )
    lines = [
        f"### Command palette: {args.db_name}, {today}",
        "",
        f"- Command: `{command}`",
        f"- Code: {args.code_line}",
        f"- Database: {database_line(url)}",
        *machine(),
        f"- Cases: {len(cases)} drawn with seed {args.seed} by bench/cases.py in "
        f"{draw_s:.1f} s ("
        + ", ".join(f"{count} {kind}" for kind, count in kinds.items())
        + "); the customers holding a piece are counted in their folded "
        "`search_text`.",
        f"- Each case: 1 warm-up request, then {args.repeat} rounds of every case "
        "in a shuffled order; wall time per request on the client over loopback "
        "(keep-alive HTTP/1.1, a signed-in admin, `GET /palette?q=<term>` with "
        "`HX-Request: true` as web/js/palette.js sends it). Back to back: after "
        f"the rounds, each case once more and then {args.hot} times in a row, "
        "its pages still in the database's buffers.",
        "- DB ms: the statements the palette's functions run for the term, "
        "timed by the database in the order the request runs them "
        "(PostgreSQL: EXPLAIN (ANALYZE, BUFFERS) Execution Time; SQLite: run and "
        f"fetched), summed, median of {args.db_repeat} such sequences; median "
        "over the runs. DB pages: the pages those statements read (shared "
        "buffers hit and read, EXPLAIN's BUFFERS, the last run's last sequence). "
        "App ms: the wall time in the bench process of "
        "the palette view called with the request (its queries with the ORM, "
        "Python and its template; no session, middleware nor HTTP), median of "
        f"{args.db_repeat}, median over the runs. The rest of the wall time is "
        "the server's framework: session, permissions, middleware, ASGI, HTTP.",
        "",
        "| run | load average before | load average after | rounds | seconds "
        "| cases at 50 ms or more at p95 | slowest p95 ms | answers not 200 |",
        "| ---: | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for run, count in zip(runs, over, strict=True):
        p95, n = max((c.p95, n) for n, c in enumerate(run.cases))
        failed = [
            f"`{cases[k].term}` {c.failed}"
            for k, c in enumerate(run.cases)
            if c.failures
        ]
        lines.append(
            f"| {run.number} | {run.load_before} | {run.load_after} | {run.rounds} "
            f"| {run.seconds:.0f} | {count} of {len(cases)} "
            f"| {p95:.1f} (`{cases[n].term}`) | {'; '.join(failed) or 'none'} |"
        )
    met = "met" if max(over) == 0 else "**not met**"
    lines += [
        "",
        f"Target (p95 under {TARGET_MS} ms for every query): {met}. Worst case over "
        f"the runs: `{cases[worst_n].term}` ({cases[worst_n].band}) p95 "
        f"{worst_p95:.1f} ms in run {worst_run}; at most {max(over)} of "
        f"{len(cases)} cases at {TARGET_MS} ms or more in a run.",
        "",
        *sorting(cases, runs),
        "",
        "#### By band",
        "",
        *band_rows(cases, runs),
        "",
        "#### By case",
        "",
        *case_rows(cases, runs),
        *parts_summary(cases, runs),
        *misses_summary(cases, runs),
        *slowest_cases(cases, runs, args.slowest),
        "",
    ]
    return "\n".join(lines)


# --- the whole -------------------------------------------------------------------


def snapshot_code(code: str, var_dir: str) -> str:
    """Serve and query with src/ of commit `code`, extracted under `var_dir`
    and put first on the path of this process and of the servers it starts,
    so a commit landing during the runs cannot change the code measured
    ("worktree": the working tree as it is). The report's line about it."""
    if code == "worktree":
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        state = "with uncommitted changes" if dirty else "no uncommitted changes"
        return f"the working tree's src/ ({state})"
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{code}^{{commit}}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subject = subprocess.run(
        ["git", "log", "-1", "--format=%s", commit],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, "src"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    dest = Path(var_dir) / "code"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(dest, filter="data")
    src = str(dest / "src")
    sys.path.insert(0, src)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [src, *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return f"src/ of commit {commit[:12]} ({subject[:100]}), a snapshot"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default="postgres",
        help="a DATABASE_URL, or postgres (cf_bench_1m), sqlite or livebench",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-band", type=int, default=8, help="pieces per band")
    parser.add_argument("--repeat", type=int, default=20, help="rounds per run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--db-repeat", type=int, default=3, help="0: no database timing"
    )
    parser.add_argument(
        "--hot", type=int, default=5, help="requests of each case back to back"
    )
    parser.add_argument("--slowest", type=int, default=5, help="cases detailed")
    parser.add_argument(
        "--max-minutes", type=float, default=12, help="a run stops its rounds after"
    )
    parser.add_argument("--only", help="only the cases whose band or term matches")
    parser.add_argument("--tag", help="added to the results file's name")
    parser.add_argument(
        "--code",
        default="HEAD",
        help="the commit whose src/ is measured (default HEAD, taken at the "
        "start), or worktree for the working tree as it is",
    )
    args = parser.parse_args()
    args.database_arg = args.database
    url = SHORTCUTS.get(args.database, args.database)
    path = urlsplit(url).path
    args.db_name = Path(path).stem if url.startswith("sqlite") else path.strip("/")

    var_dir = tempfile.mkdtemp(prefix="cf-palette-")
    os.environ["DATABASE_URL"] = url
    os.environ["CLOUDFACTORY_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
    args.code_line = snapshot_code(args.code, var_dir)
    print(f"Code: {args.code_line}", flush=True)
    import django
    from django.core.management import call_command

    django.setup()
    import cloudfactory

    print(f"  imported from {Path(cloudfactory.__file__).parent}", flush=True)
    from cloudfactory.customers.models import Customer
    from cloudfactory.staff.models import StaffUser

    if not Customer.objects.exists():
        print(f"No customers in {url}: load them first.", file=sys.stderr)
        return 2
    password = secrets.token_urlsafe(18)
    call_command(
        "createadmin", email=STAFF_EMAIL, password=password, stdout=io.StringIO()
    )
    user = StaffUser.objects.get(email=STAFF_EMAIL)
    print(f"Drawing cases from {url} with seed {args.seed}", flush=True)
    started = time.monotonic()
    cases = draw_cases(args.seed, per_band=args.per_band, log=print)
    draw_s = time.monotonic() - started
    if args.only:
        cases = [c for c in cases if re.search(args.only, f"{c.band} {c.term}")]
    print(f"{len(cases)} cases in {draw_s:.1f} s", flush=True)
    runs = [
        one_run(number, args, cases, password, user)
        for number in range(1, args.runs + 1)
    ]
    text = report(args, url, cases, runs, draw_s)
    tag = f"-{args.tag}" if args.tag else ""
    write_result(f"palette-{args.db_name}{tag}", text)
    # Kept when the run fails: the servers' logs are in it.
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
