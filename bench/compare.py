"""The Customers page beside a stock Django admin changelist of the same table,
in the same server, requests interleaved.

    .venv/bin/python bench/compare.py [--database postgres|sqlite] [--seed 1]
        [--per-band 4] [--repeat 10] [--runs 3] [--code HEAD] [--tag TAG]

Against a bench database already loaded with `cloudfactory demo` (run.py:
BENCH_POSTGRES_URL, BENCH_SQLITE_URL), it starts `cloudfactory serve` with
bench/stock_admin's settings: the product and, at /django-admin/, a ModelAdmin of
the product's own Customer model as a Django project would write it (the
guide's columns; search on name, email and company name; filters on type and
status; newest first; 50 a page). Both are served by one process, on one
database, signed in as one superuser.

The cases are drawn from the data with `--seed` (bench/cases.py), never picked:
pieces of names, emails and company names by how many customers hold them
(rare, ~0.1 %, 0.3-1 %, 1-5 %, over 5 %), real names typed letter by letter,
whole emails, company names, accent pairs (as written and folded), pieces
found nowhere; each filter alone and with a common piece (the first piece
drawn over 5 %, else 1-5 %); the unfiltered list; and for every sort, the
page that starts 10 %, 50 % and 90 % down the list (ours: the cursor "Load
more" would carry there; the admin: its page number), beside that sort's
first page.

Ours is timed as a keystroke fetches it (`HX-Request`: the list fragment); the
admin as it answers a search: its whole changelist page. Each round sends
every case to both, in an order shuffled with the seed, on one keep-alive
connection; `--repeat` rounds per run, `--runs` runs, each with its own
server, the load average read before and after each. A case's figure is its
p95 per side and the ratio admin p95 / ours p95 within the run.

A third side, "its SQL", is the floor under ours: the statements our request
for the case runs (captured once per run by calling the same URL in this
process: session, member, list, count), executed in the same rounds, in
order, on one connection of this process, every row fetched, timed around
them. Ours minus its SQL, at p50, is what the framework, the Python and HTTP
add to the database's answer. The report goes to
bench/results/compare-<database>[-tag]-<date>.md.
"""

import argparse
import io
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from cases import Case, draw_cases
from palette import loadavg, snapshot_code
from run import (
    DATABASES,
    HTMX,
    Server,
    database_line,
    machine,
    percentile,
    write_result,
)
from run import FILTERS as LIST_FILTERS
from webclient import Client

BENCH = Path(__file__).resolve().parent
STAFF_EMAIL = "bench@cloudfactory.local"
ADMIN_PATH = "/django-admin/customers/customer/"
SEARCH_KINDS = ("piece", "prefix", "email", "company", "accent", "absent")
# Our sorts and the admin's `o` for them (the list_display column, 1-based).
SORTS = {"created": "7", "name": "1", "users": "6"}
DEPTHS = (0.1, 0.5, 0.9)
FILTERS = tuple(f for f in LIST_FILTERS if len(f) == 1)  # each filter alone
# The targets: ours at p95, and the ratio admin / ours per search case.
SEARCH_MS = {"postgres": 25.0, "sqlite": 25.0}
PLAIN_MS = 10.0
RATIO = {"postgres": 10.0, "sqlite": 5.0}
DEEP_FACTOR = 2.0
# Above its SQL, at p50: rendering and framework for a page (the target).
ABOVE_SQL_MS = 5.0
SIDES = ("ours", "admin", "sql")
RESULT_COUNT = re.compile(r'id="result-count">\s*(.*?)\s*</p>', re.S)
ADMIN_COUNT = re.compile(r'class="paginator"[^>]*>(.*?)</p>', re.S)


@dataclass
class Pair:
    """One case, as our list and as the admin's changelist."""

    group: str
    label: str
    ours: dict
    admin: dict
    search: bool = False  # held to the search targets
    depth: float = 0.0  # how far down the list the page starts

    def our_path(self) -> str:
        return f"/customers/?{urlencode(self.ours)}" if self.ours else "/customers/"

    def admin_path(self) -> str:
        return f"{ADMIN_PATH}?{urlencode(self.admin)}" if self.admin else ADMIN_PATH


@dataclass
class Timed:
    ours: list[float] = field(default_factory=list)
    admin: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    ours_shown: str = ""
    admin_shown: str = ""
    statements: int = 0

    def p95(self, side: str) -> float:
        return percentile(getattr(self, side), 95)

    def p50(self, side: str) -> float:
        return percentile(getattr(self, side), 50)

    @property
    def ratio(self) -> float:
        return self.p95("admin") / max(self.p95("ours"), 0.001)

    @property
    def above_sql(self) -> float:
        """Ours minus its SQL, at p50."""
        return self.p50("ours") - self.p50("sql")


@dataclass
class Run:
    number: int
    load_before: str
    load_after: str
    seconds: float
    timed: list[Timed]


# --- the cases -------------------------------------------------------------------


def admin_filters(filters: dict) -> dict:
    return {f"{name}__exact": value for name, value in filters.items()}


def search_pairs(cases: list[Case]) -> list[Pair]:
    pairs = []
    for case in cases:
        if case.kind not in SEARCH_KINDS:
            continue
        pairs.append(
            Pair(case.band, case.term, {"q": case.term}, {"q": case.term}, search=True)
        )
    return pairs


def common_piece(cases: list[Case]) -> str:
    for band in ("over 5 %", "1-5 %"):
        for case in cases:
            if case.kind == "piece" and case.band == band:
                return case.term
    raise RuntimeError("no common piece was drawn")


def filter_pairs(piece: str) -> list[Pair]:
    pairs = [Pair("no filter", "the list", {}, {})]
    for filters in FILTERS:
        label = urlencode(filters)
        pairs.append(Pair("filter", label, dict(filters), admin_filters(filters)))
        searched = {**filters, "q": piece}
        admin = {**admin_filters(filters), "q": piece}
        pairs.append(
            Pair(
                "filter with a common piece",
                f"{label}&q={piece}",
                searched,
                admin,
                True,
            )
        )
    return pairs


def deep_pairs() -> list[Pair]:
    """Every sort's first page and its pages 10 %, 50 % and 90 % down."""
    from cloudfactory.customers.models import Customer
    from cloudfactory.customers.queries import CUSTOMERS
    from cloudfactory.web.cursor import cursor_encode

    total = Customer.objects.count()
    pairs = []
    for key, column in SORTS.items():
        for descending in (True, False):
            sort = f"-{key}" if descending else key
            ordering = CUSTOMERS.sorts.ordering(sort)
            order = f"-{column}" if descending else column
            ours = {"sort": sort} if sort != "-created" else {}
            admin = {"o": order}
            pairs.append(Pair("sort, first page", sort, ours, admin, depth=0.0))
            for depth in DEPTHS:
                offset = int(total * depth)
                page = offset // 50 + 1
                # The row before the admin's page: ours continues after it.
                row = Customer.objects.order_by(*ordering)[page * 50 - 51]
                token = cursor_encode(*CUSTOMERS.sorts.cursor(row, sort))
                pairs.append(
                    Pair(
                        "sort, deep page",
                        f"{sort} at {depth:.0%}",
                        {**ours, "cursor": token},
                        {**admin, "p": str(page)},
                        depth=depth,
                    )
                )
    return pairs


# --- measuring ---------------------------------------------------------------------


def shown(body: str, pattern: re.Pattern) -> str:
    match = pattern.search(body)
    if not match:
        return f"{body.count('data-row-id=')} rows"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()
    counted = re.search(r"\d[\d,]*\+? (?:customers?|results?)", text)
    return counted.group(0) if counted else text[:40]


def one_run(number: int, args, pairs: list[Pair], password: str) -> Run:
    load_before = loadavg()
    print(f"== run {number}: load average {load_before}", flush=True)
    timed = [Timed() for _ in pairs]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "stock_admin.settings",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [os.environ.get("PYTHONPATH"), str(BENCH)])
        ),
    }
    var_dir = os.environ["CLOUDFACTORY_VAR_DIR"]
    started = time.monotonic()
    with Server(env, Path(var_dir) / f"server-{number}.log") as server:
        client = Client("127.0.0.1", server.port)
        client.sign_in(STAFF_EMAIL, password)
        requests = [(n, side) for n in range(len(pairs)) for side in ("ours", "admin")]
        for n, side in requests:  # warm-up, and what each shows
            response = fetch(client, pairs[n], side)
            pattern = RESULT_COUNT if side == "ours" else ADMIN_COUNT
            setattr(timed[n], f"{side}_shown", shown(response.text, pattern))
        statements = [our_statements(pair) for pair in pairs]
        for t, captured in zip(timed, statements, strict=True):
            t.statements = len(captured)
        requests += [(n, "sql") for n in range(len(pairs))]
        rng = random.Random(f"{args.seed}:order:{number}")
        for round_number in range(args.repeat):
            rng.shuffle(requests)
            for n, side in requests:
                if side == "sql":
                    timed[n].sql.append(run_statements(statements[n]))
                    continue
                response = fetch(client, pairs[n], side)
                getattr(timed[n], side).append(response.seconds * 1000)
            print(f"  round {round_number + 1}: load {loadavg()}", flush=True)
        client.close()
    seconds = time.monotonic() - started
    load_after = loadavg()
    print(f"  {seconds:.0f} s; load average {load_after}", flush=True)
    for pair, t in zip(pairs, timed, strict=True):
        print(
            f"  {pair.group[:26]:<26} {pair.label[:30]:<30} ours p95 "
            f"{t.p95('ours'):7.1f}  admin p95 {t.p95('admin'):8.1f}  x{t.ratio:6.1f}"
            f"  SQL p50 {t.p50('sql'):6.1f}  above it {t.above_sql:5.1f}",
            flush=True,
        )
    return Run(number, load_before, load_after, seconds, timed)


def our_statements(pair: Pair) -> list[tuple[str, tuple]]:
    """The (sql, params) our request for `pair` runs, the bench's staff member
    signed in: called in this process, through the same middleware and view."""
    from dbtime import capture
    from django.test import Client as DjangoClient

    from cloudfactory.staff.models import StaffUser

    client = DjangoClient(HTTP_HOST="127.0.0.1")
    client.force_login(StaffUser.objects.get(email=STAFF_EMAIL))
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in HTMX.items()}
    client.get(pair.our_path(), **headers)  # the process's samples, read once
    answers = []
    captured = capture(lambda: answers.append(client.get(pair.our_path(), **headers)))
    if answers[0].status_code != 200:
        raise RuntimeError(f"GET {pair.our_path()} answered {answers[0].status_code}")
    return captured


def run_statements(statements: list[tuple[str, tuple]]) -> float:
    """Milliseconds to run `statements` in order, every row fetched."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def fetch(client: Client, pair: Pair, side: str):
    if side == "ours":
        response = client.get(pair.our_path(), HTMX)
    else:
        response = client.get(pair.admin_path())
    if response.status != 200:
        path = pair.our_path() if side == "ours" else pair.admin_path()
        raise RuntimeError(f"GET {path} answered {response.status}")
    return response


# --- the report --------------------------------------------------------------------


def fmt(value: float) -> str:
    return f"{value:,.1f}"


def report(args, url: str, pairs: list[Pair], runs: list[Run], draw_s: float) -> str:
    lines = [
        f"### The Customers page beside a stock Django admin: {args.db_name}, "
        f"{datetime.now(UTC).date()}",
        "",
        f"- Command: `.venv/bin/python bench/compare.py --database {args.database} "
        f"--seed {args.seed} --per-band {args.per_band} --repeat {args.repeat} "
        f"--runs {args.runs}`",
        f"- Code: {args.code_line}",
        f"- Database: {database_line(args.database)}",
        *machine(),
        f"- Cases: {len(pairs)} drawn with seed {args.seed} in {draw_s:.1f} s; each "
        f"timed {args.repeat} times a run on each side, interleaved.",
        "",
        "| run | load average before | after | seconds |",
        "| ---: | --- | --- | ---: |",
    ]
    lines += [
        f"| {r.number} | {r.load_before} | {r.load_after} | {r.seconds:.0f} |"
        for r in runs
    ]
    lines += ["", *verdicts(args, pairs, runs), "", "#### By case", ""]
    header = "| group | case | ours shows | admin shows |"
    header += " ours p95 ms, runs | admin p95 ms, runs | admin / ours, runs |"
    header += " its SQL p50 ms, runs (statements) | ours p50 above its SQL, runs |"
    lines += [header, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for n, pair in enumerate(pairs):
        first = runs[0].timed[n]
        ours = " / ".join(fmt(r.timed[n].p95("ours")) for r in runs)
        admin = " / ".join(fmt(r.timed[n].p95("admin")) for r in runs)
        ratio = " / ".join(f"{r.timed[n].ratio:.1f}" for r in runs)
        sql = " / ".join(fmt(r.timed[n].p50("sql")) for r in runs)
        above = " / ".join(fmt(r.timed[n].above_sql) for r in runs)
        lines.append(
            f"| {pair.group} | `{pair.label}` | {first.ours_shown} | "
            f"{first.admin_shown} | {ours} | {admin} | {ratio} | "
            f"{sql} ({first.statements}) | {above} |"
        )
    return "\n".join(lines) + "\n"


def verdicts(args, pairs: list[Pair], runs: list[Run]) -> list[str]:
    db = args.db_kind
    searches = [n for n, p in enumerate(pairs) if p.search]
    worst_ours = {
        n: max(r.timed[n].p95("ours") for r in runs) for n in range(len(pairs))
    }
    worst_ratio = {n: min(r.timed[n].ratio for r in runs) for n in range(len(pairs))}
    over = [n for n in searches if worst_ours[n] > SEARCH_MS[db]]
    low = [n for n in searches if worst_ratio[n] < RATIO[db]]
    plain = [n for n, p in enumerate(pairs) if p.group in ("no filter", "filter")]
    slow_plain = [n for n in plain if worst_ours[n] > PLAIN_MS]
    deep_lines = []
    for n, pair in enumerate(pairs):
        if pair.group != "sort, deep page":
            continue
        first = next(
            m
            for m, p in enumerate(pairs)
            if p.group == "sort, first page" and p.label == pair.label.split(" at ")[0]
        )
        factor = max(
            r.timed[n].p95("ours") / max(r.timed[first].p95("ours"), 0.001)
            for r in runs
        )
        if factor > DEEP_FACTOR:
            deep_lines.append(f"`{pair.label}` {factor:.1f}x")

    def names(ns):
        return ", ".join(
            f"`{pairs[n].label}` ({fmt(worst_ours[n])} ms, x{worst_ratio[n]:.1f})"
            for n in ns
        )

    median_ratio = sorted(worst_ratio[n] for n in searches)[len(searches) // 2]
    above = {n: max(r.timed[n].above_sql for r in runs) for n in range(len(pairs))}
    heavy = [n for n in range(len(pairs)) if above[n] > ABOVE_SQL_MS]
    median_above = sorted(above.values())[len(above) // 2]
    return [
        "Worst case over the runs (ours: the highest p95; the ratio: the lowest):",
        "",
        f"- Search cases at or under {SEARCH_MS[db]:.0f} ms at p95: "
        f"{len(searches) - len(over)} of {len(searches)}"
        + (f"; over: {names(over)}" if over else "")
        + ".",
        f"- Search cases at least {RATIO[db]:.0f}x faster than the admin: "
        f"{len(searches) - len(low)} of {len(searches)} (median x{median_ratio:.1f})"
        + (f"; under: {names(low)}" if low else "")
        + ".",
        f"- The unfiltered list and the filters under {PLAIN_MS:.0f} ms: "
        f"{len(plain) - len(slow_plain)} of {len(plain)}"
        + (f"; over: {names(slow_plain)}" if slow_plain else "")
        + ".",
        "- Deep pages within "
        f"{DEEP_FACTOR:.0f}x of their sort's first page: "
        + ("all" if not deep_lines else "not " + ", ".join(deep_lines))
        + ".",
        f"- Ours at most {ABOVE_SQL_MS:.0f} ms above its SQL at p50: "
        f"{len(pairs) - len(heavy)} of {len(pairs)} cases (median "
        f"{fmt(median_above)} ms, most {fmt(max(above.values()))} ms).",
    ]


# --- the whole --------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=tuple(DATABASES), default="postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-band", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--code", default="HEAD")
    parser.add_argument("--tag")
    args = parser.parse_args()
    url = DATABASES[args.database]
    args.db_kind = "sqlite" if url.startswith("sqlite") else "postgres"
    path = urlsplit(url).path
    args.db_name = Path(path).stem if url.startswith("sqlite") else path.strip("/")

    var_dir = tempfile.mkdtemp(prefix="cf-compare-")
    os.environ["DATABASE_URL"] = url
    os.environ["CLOUDFACTORY_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
    args.code_line = snapshot_code(args.code, var_dir)
    import django
    from django.core.management import call_command

    django.setup()
    from cloudfactory.customers.models import Customer

    if not Customer.objects.exists():
        print(f"No customers in {url}: load them first.", file=sys.stderr)
        return 2
    password = secrets.token_urlsafe(18)
    call_command(
        "createadmin", email=STAFF_EMAIL, password=password, stdout=io.StringIO()
    )
    started = time.monotonic()
    cases = draw_cases(args.seed, per_band=args.per_band, numbers=0, log=print)
    pairs = search_pairs(cases) + filter_pairs(common_piece(cases)) + deep_pairs()
    draw_s = time.monotonic() - started
    print(f"{len(pairs)} cases in {draw_s:.1f} s", flush=True)
    runs = [one_run(n, args, pairs, password) for n in range(1, args.runs + 1)]
    text = report(args, url, pairs, runs, draw_s)
    tag = f"-{args.tag}" if args.tag else ""
    write_result(f"compare-{args.db_name}{tag}", text)
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
