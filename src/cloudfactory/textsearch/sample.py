"""A sample of a large table's search column, kept in the process for a few
minutes: how common a piece is, and (PostgreSQL) which of its trigrams the
index should be asked for, judged without a query.

A search of a large table used to spend a sampling query of its own on that
(2-3 ms at 1M rows, each list of the palette once). The sample guides the plan
only: which rows a search finds never depends on it. A table of fewer than
CACHED_FROM rows is judged by a query each time, which a sample of the whole
table makes exact.
"""

import logging
import random
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, connections

from cloudfactory.textsearch.indexes import search_key

logger = logging.getLogger(__name__)

# Tables smaller than this are sampled by a query on each search.
CACHED_FROM = 100_000
SAMPLE_ROWS = 20_000
# A piece's share is judged on as many of them as it takes to meet it this
# often (within some 5 %): a common piece is judged on a few thousand.
ENOUGH = 400
# Of those, rows whose search keys weigh the ways of asking the index.
KEY_ROWS = 5_000
# How long a process keeps a table's sample before it reads a new one.
KEPT_SECONDS = 600
# What pg_trgm makes trigrams of: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+")
# Relative costs of a lookup through the index, per row of the table: an
# entry of a trigram's posting list read, and a row found by them all that is
# fetched and checked. Measured at 1M customers and 4.7M users on PostgreSQL
# 15: 0.02-0.09 µs an entry, 2-11 µs a row (its page mostly outside shared
# buffers).
ENTRY_COST = 1.0
ROW_COST = 200.0
# What a holder costs when a lookup finds its id in the key table instead
# (textsearch.key_tables): its key's row read there, then its own row read by
# id, an index descent and a page each. Measured at 4.7M tenant users on
# PostgreSQL 15: 'lazly' (1,148 holders, as many rows found by its trigrams)
# 4.0 ms through the table's index, 4.6 through the key table; 'illin' (1,063
# holders of 4,667 rows found, posting lists of 220,000-270,000 entries) 29.9
# and 7.3 ms.
KEYED_ROW_COST = 2.4 * ROW_COST


@dataclass
class Sample:
    """About SAMPLE_ROWS search texts of a table of `size` rows, and, for each,
    the values of some of its columns (`columns`, `values`): the filters a
    search may be narrowed by."""

    size: float
    texts: list[str]
    columns: tuple[str, ...] = ()
    values: list[tuple] = field(default_factory=list)
    taken: float = field(default_factory=time.monotonic)
    _joined: str | None = None
    _joined_keys: str | None = None
    # Trigram -> keys holding it: the commonest are asked about most.
    _trigram_rows: Counter | None = None
    _keys: list[str] | None = None
    _chosen: dict = field(default_factory=dict)
    _key_shares: dict = field(default_factory=dict)
    # The columns' values -> the texts holding them, newline-joined, and how many.
    _by_values: dict[tuple, tuple[str, int]] | None = None

    def prepare(self) -> "Sample":
        """Build now what the first searches would otherwise build (some 50
        ms at 20,000 rows): the joined texts, the keys, their trigrams."""
        if self._joined is None:
            self._joined = "\n".join(self.texts)
        self._key_share("aaa")  # a trigram: the keys' trigram counts
        self._grouped()
        return self

    def filtered(
        self, piece: str, equalities: list[tuple[str, object]]
    ) -> tuple[int, int] | None:
        """How many texts have the column values `equalities` ((column, value)
        pairs), and how many of those hold `piece`, of all the texts; None
        when the sample lacks one of the columns."""
        at = {column: n for n, column in enumerate(self.columns)}
        if any(column not in at for column, _ in equalities):
            return None
        kept = holding = 0
        for values, (joined, count) in self._grouped().items():
            if all(values[at[column]] == value for column, value in equalities):
                kept += count
                holding += rows_holding(joined, piece)[0]
        return kept, holding

    def _grouped(self) -> dict[tuple, tuple[str, int]]:
        if self._by_values is None:
            groups: dict[tuple, list[str]] = {}
            for text, values in zip(self.texts, self.values, strict=False):
                groups.setdefault(values, []).append(text)
            self._by_values = {
                values: ("\n".join(texts), len(texts))
                for values, texts in groups.items()
            }
        return self._by_values

    def holding(self, piece: str) -> tuple[int, int]:
        """How many texts hold `piece`, and of how many read: the first texts
        until ENOUGH hold it (they come in no order), else every text."""
        if self._joined is None:
            self._joined = "\n".join(self.texts)
        found, read = rows_holding(self._joined, piece, enough=ENOUGH)
        return found, read or self._seen

    @property
    def _seen(self) -> int:
        return max(len(self.texts), 1)

    @property
    def keys(self) -> list[str]:
        """The search keys of KEY_ROWS of the texts, spread over them: enough
        to weigh the ways of asking the index against each other."""
        if self._keys is None:
            step = max(len(self.texts) // KEY_ROWS, 1)
            self._keys = [search_key(text) for text in self.texts[::step]]
        return self._keys

    @property
    def _keys_seen(self) -> int:
        return max(len(self.keys), 1)

    def key_pattern_cost(self, segments: list[str], kept: float = 1.0) -> float:
        """What asking the index for keys holding every one of `segments` (in
        order) costs, as a share of the table: every posting list read, and
        the rows found by them all, which the sample bounds by its rarest
        segment (`kept`: the share of those that filters ANDed in the index
        keep)."""
        unseen = 0.5 / self._keys_seen  # a trigram or segment never met
        entries = 0.0
        found = 1.0
        for segment in segments:
            grams = trigrams_of(segment)
            if not grams:
                continue
            entries += sum(max(self._key_share(g), unseen) for g in grams)
            found = min(found, max(self._key_share(segment), unseen))
        if entries == 0:
            return float("inf")  # nothing for the index: every row rechecked
        return ENTRY_COST * entries + ROW_COST * found * kept

    def keyed_lookup_cheaper(self, piece: str, holders: float, kept: float) -> bool:
        """Whether the key table finds the holders of `piece` (a share
        `holders` of the table, `kept` of them by the filters) for less than
        the table's index asked for the key: its posting lists are long, or
        its trigrams find many rows that do not hold the piece."""
        segments = self.key_segments(piece)[0]
        return KEYED_ROW_COST * holders * kept < self.key_pattern_cost(segments, kept)

    def _key_share(self, segment: str) -> float:
        """The share of sampled keys holding `segment`."""
        if self._trigram_rows is None:
            self._trigram_rows = Counter(
                gram for key in self.keys for gram in trigrams_of(key)
            )
        if len(segment) == 3 and _WORD.fullmatch(segment):
            return self._trigram_rows[segment] / self._keys_seen
        share = self._key_shares.get(segment)
        if share is None:
            if self._joined_keys is None:
                self._joined_keys = "\n".join(self.keys)
            found, _ = rows_holding(self._joined_keys, segment)
            share = found / self._keys_seen
            if len(self._key_shares) > 10_000:
                self._key_shares.clear()
            self._key_shares[segment] = share
        return share

    def key_segments(self, piece: str) -> tuple[list[str], float]:
        """The parts of `piece`'s key the index is best asked for, and the
        share of the table's rows they find (an upper bound)."""
        chosen = self._chosen.get(piece)
        if chosen is None:
            options = key_options(piece)
            best = min(options, key=self.key_pattern_cost)
            found = min(
                (self._key_share(segment) for segment in best if trigrams_of(segment)),
                default=1.0,
            )
            chosen = (best, found)
            # Shared by the process's threads: kept, never read back here.
            if len(self._chosen) > 1_000:
                self._chosen.clear()
            self._chosen[piece] = chosen
        return chosen


def rows_holding(joined: str, piece: str, enough: int = 0) -> tuple[int, int | None]:
    """How many of the newline-joined `joined` texts hold `piece`, each counted
    once however often it holds it (a user's name is in their email too,
    which counting occurrences took for two rows); and how many texts were
    read: with `enough`, the first ones until that many hold it, else all
    (None)."""
    if not piece:
        return joined.count("\n") + 1, None
    if "\n" in piece:
        return 0, None
    found = 0
    at = joined.find(piece)
    while at >= 0:
        found += 1
        end = joined.find("\n", at)
        if end < 0:
            break
        if found == enough:
            return found, joined.count("\n", 0, end) + 1
        at = joined.find(piece, end)
    return found, None


def key_options(piece: str) -> list[list[str]]:
    """Ways to ask the index for rows whose key may hold `piece`'s key: the
    whole key; its words each with the space before it; its runs of letters
    and digits; and each of those alone. Each is in order within the key, so
    none misses a row."""
    words = piece.split(" ")
    by_word = [search_key(words[0])] + [search_key(" " + word) for word in words[1:]]
    runs = [search_key(run) for run in _WORD.findall(piece) if len(run) >= 3]
    options = [[search_key(piece)], [part for part in by_word if part]]
    if runs:
        options.append(runs)
    for part in {*by_word, *runs}:
        if trigrams_of(part):
            options.append([part])
    return options


def trigrams_of(segment: str) -> set[str]:
    """The trigrams pg_trgm takes from a LIKE pattern's `%segment%`."""
    return {
        word[i : i + 3] for word in _WORD.findall(segment) for i in range(len(word) - 2)
    }


_samples: dict[tuple[str, str], Sample] = {}
# Samples being read again in the background, by table.
_refreshing: dict[tuple[str, str], threading.Thread] = {}
# The columns each table's samples read beside the search text.
_columns: dict[str, tuple[str, ...]] = {}
_lock = threading.Lock()


def cached_sample(table: str, columns: tuple[str, ...] = ()) -> Sample | None:
    """The process's sample of `table`; None for a table of fewer than
    CACHED_FROM rows. `columns`: columns the sample should read beside the
    search text; a sample without them serves while one with them is read.

    The first search of a table in a process reads it (85-180 ms at 1M
    rows, seconds when its pages are not cached), unless it is being read
    ahead (`read_ahead`): then it waits for that read. After KEPT_SECONDS
    it is read again in a thread of its own while the old one still serves,
    so no search waits for it; inside a transaction, whose writes that
    thread would not see, it is read again at once.
    """
    _sample_columns(table, columns)
    where = (connection.settings_dict["NAME"], table)
    sample = _samples.get(where) or _read_ahead_sample(where)
    if sample is None or (
        connection.in_atomic_block and time.monotonic() - sample.taken >= KEPT_SECONDS
    ):
        sample = _read_sample(table).prepare()
        with _lock:
            _samples[where] = sample
    elif time.monotonic() - sample.taken >= KEPT_SECONDS or not set(columns) <= set(
        sample.columns
    ):
        _read_again_later(where, table)
    return sample if sample.size >= CACHED_FROM else None


def read_ahead(table: str, columns: tuple[str, ...] = ()) -> None:
    """Start reading `table`'s sample in a thread of its own (at server
    start): the first search of the table then waits for that read instead
    of reading the sample itself under its deadline."""
    _sample_columns(table, columns)
    where = (connection.settings_dict["NAME"], table)
    if where not in _samples:
        _read_again_later(where, table)


def _sample_columns(table: str, columns: tuple[str, ...]) -> None:
    """`columns` read by the table's next samples, beside those already."""
    if not set(columns) <= set(_columns.get(table, ())):
        with _lock:
            _columns[table] = tuple(dict.fromkeys([*_columns.get(table, ()), *columns]))


def _read_ahead_sample(where: tuple[str, str]) -> Sample | None:
    """The sample being read ahead, once read; None if none is being read
    or the read failed."""
    with _lock:
        reading = _refreshing.get(where)
    if reading is None:
        return None
    reading.join()
    return _samples.get(where)


def _read_again_later(where: tuple[str, str], table: str) -> None:
    with _lock:
        if where in _refreshing:
            return
        thread = threading.Thread(
            target=_read_again, args=(where, table), name=f"sample-{table}", daemon=True
        )
        _refreshing[where] = thread
    thread.start()


def _read_again(where: tuple[str, str], table: str) -> None:
    """A new sample of `table` in place of the old one, read on a connection
    of this thread's own, which then goes back to the pool. If the read
    fails, the old sample serves on and the next search tries again."""
    try:
        sample = _read_sample(table).prepare()
        with _lock:
            _samples[where] = sample
    except Exception:
        logger.exception("Could not read a new search sample of %s", table)
    finally:
        connections.close_all()
        with _lock:
            _refreshing.pop(where, None)


def wait_for_samples() -> None:
    """Until every sample being read again is in (tests, shutdown)."""
    with _lock:
        threads = list(_refreshing.values())
    for thread in threads:
        thread.join()


def forget_samples() -> None:
    wait_for_samples()
    with _lock:
        _samples.clear()


def _read_sample(table: str) -> Sample:
    """About SAMPLE_ROWS rows drawn evenly from the whole table, the same ones
    each time (their pages stay cached). Not whole pages: rows written
    together (a customer's users, who share a company's name and domain) would
    come in clusters and put a piece at twice or half its share."""
    columns = _columns.get(table, ())
    read = ", ".join(["search_text", *(connection.ops.quote_name(c) for c in columns)])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table]
            )
            size = max(cursor.fetchone()[0], 0)
            cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table}")
            first, last = cursor.fetchone()
            ids = _spread_ids(table, first, last)
            cursor.execute(f"SELECT {read} FROM {table} WHERE id = ANY(%s)", [ids])
        else:
            cursor.execute(f"SELECT MAX(id) FROM {table}")
            size = cursor.fetchone()[0] or 0
            step = max(size // SAMPLE_ROWS, 1)
            cursor.execute(
                f"SELECT {read} FROM {table} WHERE id %% %s = 0 LIMIT %s",
                [step, SAMPLE_ROWS],
            )
        rows = cursor.fetchall()
    # In no order, so that the first texts are a sample too.
    random.Random(table).shuffle(rows)
    return Sample(
        size=float(size),
        texts=[row[0] for row in rows],
        columns=columns,
        values=[tuple(row[1:]) for row in rows],
    )


def _spread_ids(table: str, first: int | None, last: int | None) -> list[int]:
    """SAMPLE_ROWS ids between `first` and `last`, in order, drawn at random
    but the same for the same table and range."""
    if first is None or last is None:
        return []
    span = range(first, last + 1)
    if len(span) <= SAMPLE_ROWS:
        return list(span)
    return sorted(random.Random(f"{table}:{first}").sample(span, SAMPLE_ROWS))
