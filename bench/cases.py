"""Benchmark search terms drawn from the loaded data with a seed, never picked by hand.

    .venv/bin/python bench/cases.py [--database URL] [--seed 1] [--per-band 6]

prints the cases it draws from the database (default: the 1M PostgreSQL bench
set). Benchmarks import it (Django set up first) and call `draw_cases`:

- pieces of real names, emails and company names (of customers and tenant
  users), 3-6 characters at a random position, folded as the app folds text
  (cloudfactory.text.fold), each classified by how many customers hold it in
  their folded `search_text` (the column the searches read), counted with a
  LIMIT so a count stays bounded: rare (< 0.01 %), about 0.1 %, 0.3-1 %,
  1-5 %, over 5 %;
- real names typed letter by letter (1, 2, 3, ... characters);
- whole emails of customers and of tenant users; whole company names;
- accent pairs: a real accented piece as written and as folded;
- identifiers of real records: ORD-, INV-, TKT- numbers, their customer part
  (`ORD-4211`), `#<customer id>`;
- random letters that no customer holds (a search that finds nothing).

Rows are read by random ids between the table's smallest and largest id (one
primary-key lookup each, cheap at any size). The same seed on the same data
draws the same cases.
"""

import math
import random
import string
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# Bands of the share of customers holding a piece, [low, high). The gaps
# between them are left out, so every band is clearly apart from the next.
BAND_LIMITS = (
    ("rare (< 0.01 %)", 0.0, 0.0001),
    ("~0.1 % (0.05-0.2 %)", 0.0005, 0.002),
    ("0.3-1 %", 0.003, 0.01),
    ("1-5 %", 0.01, 0.05),
    ("over 5 %", 0.05, math.inf),
)
PIECE_LENGTHS = (3, 6)  # shortest and longest piece drawn
# Rows read (in runs of consecutive ids) to guess a piece's share before
# counting it: counting a common piece is the costly part of the draw.
SAMPLE_RUNS, SAMPLE_RUN = 20, 250
# Candidate pieces looked at, and seconds spent, at most, to fill the bands.
MAX_CANDIDATES = 4_000
MAX_SECONDS = 120.0
NOT_PRINTABLE_ASCII = r"[^ -~]"  # an accented or other non-ASCII letter


@dataclass(frozen=True)
class Band:
    name: str
    low: float  # share of customers, inclusive
    high: float  # exclusive

    def holds(self, count: int, capped: bool, customers: int) -> bool:
        """Whether `count` holders of `customers` (at least that many when
        `capped`) fall in this band."""
        share = count / max(customers, 1)
        if capped:
            return share >= self.low and math.isinf(self.high)
        return self.low <= share < self.high


BANDS = tuple(Band(*limits) for limits in BAND_LIMITS)


@dataclass(frozen=True)
class Case:
    """A term to search for, and what it is."""

    kind: str  # piece, prefix, email, company, accent, identifier, absent
    band: str  # the group it is reported in: a band, "prefix 1-2 chars", ...
    term: str  # as typed
    origin: str = ""  # where it was drawn from: "customer 4211 email"
    holders: int | None = None  # customers holding fold(term), up to a cap
    capped: bool = False  # holders is a lower bound

    @property
    def name(self) -> str:
        return f"{self.band}: {self.term}"

    @property
    def holders_text(self) -> str:
        if self.holders is None:
            return ""
        return f"{self.holders:,}{'+' if self.capped else ''}"


# --- reading the data ---------------------------------------------------------


def id_range(model) -> tuple[int, int]:
    from django.db.models import Max, Min

    bounds = model.objects.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        raise RuntimeError(f"{model._meta.db_table} is empty: load the demo data first")
    return bounds["low"], bounds["high"]


def random_rows(
    model,
    count: int,
    rng: random.Random,
    fields: Sequence[str],
    where: dict | None = None,
) -> list[dict]:
    """About `count` distinct rows (as dicts of `fields` and id): for each, the
    first row at or after a random id, optionally among rows matching `where`."""
    low, high = id_range(model)
    rows, seen = [], set()
    for _ in range(count * 3):
        if len(rows) >= count:
            break
        qs = model.objects.filter(id__gte=rng.randint(low, high), **(where or {}))
        row = qs.order_by("id").values("id", *fields).first()
        if row is None:
            qs = model.objects.filter(**(where or {}))
            row = qs.order_by("id").values("id", *fields).first()
        if row is not None and row["id"] not in seen:
            seen.add(row["id"])
            rows.append(row)
    return rows


def sample_texts(model, rng: random.Random) -> list[str]:
    """search_text of SAMPLE_RUNS runs of SAMPLE_RUN consecutive rows from
    random ids: a guess at how common a piece is, before counting it."""
    low, high = id_range(model)
    texts = []
    for _ in range(SAMPLE_RUNS):
        start = rng.randint(low, high)
        run = model.objects.filter(id__gte=start).order_by("id")
        texts += list(run.values_list("search_text", flat=True)[:SAMPLE_RUN])
    return texts


def count_holders(model, piece: str, cap: int) -> tuple[int, bool]:
    """How many rows of `model` hold the folded `piece` in search_text (the
    column and the LIKE the app searches with), counted up to `cap`; and
    whether the count stopped at the cap."""
    from django.db import connection

    from cloudfactory.textsearch.queries import like_pattern

    table = model._meta.db_table
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} "
        f"WHERE search_text LIKE %s ESCAPE '\\' LIMIT {int(cap)}) c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [like_pattern(piece)])
        counted = cursor.fetchone()[0]
    return counted, counted >= cap


# --- drawing pieces -------------------------------------------------------------


def random_piece(text: str, rng: random.Random, lengths=PIECE_LENGTHS) -> str:
    """A substring of 3-6 characters of `text` at a random position, without
    surrounding spaces (the palette strips them); "" when there is none."""
    size = rng.randint(*lengths)
    if len(text) < size:
        return ""
    start = rng.randint(0, len(text) - size)
    piece = text[start : start + size]
    return "" if piece != piece.strip() else piece


def customer_count() -> int:
    from cloudfactory.customers.models import Customer

    return Customer.objects.count()


def band_pieces(
    rng: random.Random,
    per_band: int,
    bands: Sequence[Band] = BANDS,
    *,
    max_candidates: int = MAX_CANDIDATES,
    max_seconds: float = MAX_SECONDS,
    log: Callable[[str], None] | None = None,
) -> list[Case]:
    """`per_band` folded pieces of real customers' and tenant users' names,
    emails and company names in each band of how many customers hold them.

    Each candidate's share is first guessed on a sample of customers; a
    candidate is counted (exactly, with a LIMIT just past the band it may fall
    in) only when a band it may fall in still needs pieces."""
    from cloudfactory.customers.models import Customer
    from cloudfactory.text import fold
    from cloudfactory.users.models import TenantUser

    customers = customer_count()
    sample = sample_texts(Customer, rng)
    sources = [
        ("customer", Customer, ("name", "email", "company_name")),
        ("user", TenantUser, ("name", "email")),
    ]
    found: dict[str, list[Case]] = {band.name: [] for band in bands}
    seen: set[str] = set()
    started = time.monotonic()
    candidates = batches = 0
    # Rows are drawn in batches, customers and tenant users in turn.
    while candidates < max_candidates and time.monotonic() - started < max_seconds:
        if all(len(cases) >= per_band for cases in found.values()):
            break
        what, model, fields = sources[batches % len(sources)]
        batches += 1
        for row in random_rows(model, 20, rng, fields):
            field = rng.choice([f for f in fields if row[f]] or [fields[0]])
            piece = random_piece(fold(row[field] or ""), rng)
            candidates += 1
            if not piece or piece in seen:
                continue
            seen.add(piece)
            open_bands = [b for b in bands if len(found[b.name]) < per_band]
            guess = sum(piece in text for text in sample) / max(len(sample), 1)
            # The bands the sample's share leaves possible (wide margins: the
            # sample is a few thousand rows).
            possible = [
                b for b in open_bands if b.low / 3 <= guess <= b.high * 3 + 0.0005
            ]
            if not possible:
                continue
            # Counted just past the highest band possible; for the open-ended
            # band, just past its start.
            top = max(possible, key=lambda b: b.low)
            limit = top.low if math.isinf(top.high) else top.high
            cap = math.ceil(limit * customers) + 1
            count, capped = count_holders(Customer, piece, cap)
            for band in possible:
                if band.holds(count, capped, customers):
                    origin = f"{what} {row['id']} {field}"
                    case = Case("piece", band.name, piece, origin, count, capped)
                    found[band.name].append(case)
                    if log:
                        log(f"  {case.name} ({case.holders_text} customers)")
                    break
    if log:
        filled = ", ".join(f"{name} {len(cases)}" for name, cases in found.items())
        log(
            f"  {candidates} candidates in {time.monotonic() - started:.1f} s: {filled}"
        )
    return [case for band in bands for case in found[band.name]]


def typed_prefixes(rng: random.Random, names: int, longest: int = 10) -> list[Case]:
    """Real names typed letter by letter: an individual customer's, a
    company's, a tenant user's, in turn; up to `longest` characters each."""
    from cloudfactory.customers.models import Customer
    from cloudfactory.users.models import TenantUser

    drawn = []
    kinds = [
        ("customer", Customer, {"type": "individual"}),
        ("company", Customer, {"type": "company"}),
        ("user", TenantUser, None),
    ]
    for n in range(names):
        what, model, where = kinds[n % len(kinds)]
        for row in random_rows(model, 1, rng, ["name"], where):
            drawn.append((f"{what} {row['id']} name", row["name"]))
    cases = []
    for origin, name in drawn:
        for size in range(1, min(len(name), longest) + 1):
            typed = name[:size]
            if typed != typed.strip():  # a space typed: the next letter shows it
                continue
            band = "prefix 1-2 chars" if size <= 2 else "prefix 3+ chars"
            cases.append(Case("prefix", band, typed, f"{origin} '{name}'"))
    return cases


def whole_emails(rng: random.Random, count: int) -> list[Case]:
    """Whole emails of `count` customers and `count` tenant users."""
    from cloudfactory.customers.models import Customer
    from cloudfactory.users.models import TenantUser

    cases = []
    for what, model in (("customer", Customer), ("user", TenantUser)):
        for row in random_rows(model, count, rng, ["email"]):
            origin = f"{what} {row['id']} email"
            cases.append(Case("email", f"{what} email", row["email"], origin))
    return cases


def company_names(rng: random.Random, count: int) -> list[Case]:
    """Whole company names of `count` company customers."""
    from cloudfactory.customers.models import Customer

    rows = random_rows(Customer, count, rng, ["company_name"], {"type": "company"})
    return [
        Case("company", "company name", r["company_name"], f"customer {r['id']}")
        for r in rows
        if r["company_name"]
    ]


def accent_pairs(rng: random.Random, count: int) -> list[Case]:
    """`count` pieces of real accented names, each as written (lower case,
    accents kept) and as folded: two cases that find the same rows."""
    from cloudfactory.customers.models import Customer
    from cloudfactory.text import fold

    customers = customer_count()
    cases = []
    where = {"name__regex": NOT_PRINTABLE_ASCII}
    for row in random_rows(Customer, count * 2, rng, ["name"], where):
        if len(cases) >= 2 * count:
            break
        name = row["name"]
        spots = [i for i, ch in enumerate(name) if ord(ch) > 127 and fold(ch)]
        if not spots:
            continue
        spot = rng.choice(spots)
        size = rng.randint(*PIECE_LENGTHS)
        start = max(0, min(spot - rng.randint(0, size - 1), len(name) - size))
        written = name[start : start + size].lower()
        folded = fold(written)
        if written != written.strip() or len(written) < 3 or folded == written:
            continue
        holders, capped = count_holders(Customer, folded, customers // 20 + 1)
        origin = f"customer {row['id']} name '{name}'"
        cases.append(Case("accent", "accented", written, origin, holders, capped))
        cases.append(Case("accent", "unaccented", folded, origin, holders, capped))
    return cases


def identifiers(rng: random.Random, count: int) -> list[Case]:
    """Numbers of `count` real orders, invoices and tickets; the customer part
    of an order's and an invoice's number (`ORD-4211`); `#<id>` and the bare
    id of `count` customers."""
    from cloudfactory.customers.models import Customer
    from cloudfactory.invoices.models import Invoice
    from cloudfactory.orders.models import Order
    from cloudfactory.support.models import Ticket

    cases = []
    for what, model in (("order", Order), ("invoice", Invoice), ("ticket", Ticket)):
        for row in random_rows(model, count, rng, ["number"]):
            origin = f"{what} {row['id']}"
            cases.append(Case("identifier", f"{what} number", row["number"], origin))
    for what, model in (("order", Order), ("invoice", Invoice)):
        for row in random_rows(model, 1, rng, ["number"]):
            prefix = row["number"].rsplit("-", 1)[0]
            origin = f"{what} {row['id']} {row['number']}"
            cases.append(Case("identifier", "number's customer part", prefix, origin))
    for row in random_rows(Customer, count, rng, []):
        origin = f"customer {row['id']}"
        cases.append(Case("identifier", "#customer id", f"#{row['id']}", origin))
        cases.append(Case("identifier", "bare customer id", str(row["id"]), origin))
    return cases


def absent_pieces(rng: random.Random, count: int) -> list[Case]:
    """`count` runs of 4-6 random letters that no customer holds."""
    from cloudfactory.customers.models import Customer

    cases = []
    for _ in range(count * 20):
        if len(cases) >= count:
            break
        piece = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 6)))
        holders, _ = count_holders(Customer, piece, 1)
        if holders == 0:
            cases.append(Case("absent", "no match", piece, "random letters", 0))
    return cases


def draw_cases(
    seed: int = 1,
    *,
    per_band: int = 6,
    bands: Sequence[Band] = BANDS,
    prefixes: int = 3,
    emails: int = 3,
    companies: int = 3,
    accents: int = 3,
    numbers: int = 2,
    absent: int = 2,
    log: Callable[[str], None] | None = None,
) -> list[Case]:
    """Every kind of case, from the database Django is set up for, drawn with
    `seed`: `per_band` pieces per band, `prefixes` names typed letter by
    letter, `emails` customer and tenant-user emails each, `companies`
    company names, `accents` accent pairs, `numbers` identifiers of each
    kind, `absent` pieces found nowhere. Each kind draws from its own
    generator, so changing one count leaves the other kinds' cases alone."""

    def rng(kind: str) -> random.Random:
        return random.Random(f"{seed}:{kind}")

    cases = band_pieces(rng("pieces"), per_band, bands, log=log)
    cases += typed_prefixes(rng("prefixes"), prefixes)
    cases += whole_emails(rng("emails"), emails)
    cases += company_names(rng("companies"), companies)
    cases += accent_pairs(rng("accents"), accents)
    cases += identifiers(rng("identifiers"), numbers)
    cases += absent_pieces(rng("absent"), absent)
    return cases


def main() -> int:
    import argparse
    import os
    import sys
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/cf_bench_1m"
        ),
        help="a DATABASE_URL (default: the 1M PostgreSQL bench set)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-band", type=int, default=6)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("CLOUDFACTORY_VAR_DIR", tempfile.mkdtemp(prefix="cf-cases-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cloudfactory.settings")
    import django

    django.setup()
    started = time.monotonic()
    cases = draw_cases(args.seed, per_band=args.per_band, log=print)
    for case in cases:
        holders = f"  ({case.holders_text} customers)" if case.holders_text else ""
        print(
            f"{case.kind:<10} {case.band:<24} {case.term!r}{holders}  [{case.origin}]"
        )
    print(f"{len(cases)} cases in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
