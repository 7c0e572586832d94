"""Drawing and formatting chunks of customers, in worker processes when it pays.

First every chunk's skeleton is drawn to count its rows, which fixes the first
id of each table in each chunk; then the chunks are planned and formatted in
parallel and handed back in chunk order, so the rows, their ids and the event
ids the database assigns are the same however many processes did the work.
"""

import multiprocessing
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from cloudfactory.demo.bulk_rows import FirstIds, PostgresRows, SqliteRows, Totals
from cloudfactory.demo.plan import (
    CHUNK_SIZE,
    Planner,
    Skeleton,
    chunk_sizes,
    chunk_skeletons,
)
from cloudfactory.demo.pools import LocalePool


@dataclass(frozen=True)
class Job:
    seed: int
    customers: int
    now: int
    currency: str
    vendor: str  # "postgresql" or "sqlite": the row format


@dataclass
class Chunk:
    index: int
    customers: int
    tables: dict  # table -> COPY text (bytes) or parameter tuples
    totals: Totals


# The workers are forked from the loading process and inherit these.
_job: Job | None = None
_pools: tuple[LocalePool, ...] = ()


def _skeletons(index: int) -> list[Skeleton]:
    size = min(CHUNK_SIZE, _job.customers - index * CHUNK_SIZE)
    return chunk_skeletons(_job.seed, index, size, _job.now)


def _row_counts(index: int) -> tuple[int, int, int, int, int]:
    skeletons = _skeletons(index)
    return (
        len(skeletons),
        sum(s.users for s in skeletons),
        sum(s.orders for s in skeletons),
        sum(s.invoices for s in skeletons),
        sum(s.tickets for s in skeletons),
    )


def _chunk(task: tuple[int, FirstIds]) -> Chunk:
    index, first = task
    skeletons = _skeletons(index)
    plans = list(Planner(_pools, _job.seed, index, _job.now).plans(skeletons))
    rows_class = PostgresRows if _job.vendor == "postgresql" else SqliteRows
    rows = rows_class(_job.now, _job.currency)
    rows.customer_rows(plans, first)
    return Chunk(index, len(skeletons), rows.output(), rows.totals)


def _first_ids(counts: list[tuple[int, ...]]) -> list[FirstIds]:
    """Explicit ids from 1: the bulk path only runs on empty tables."""
    firsts = []
    next_ids = [1, 1, 1, 1, 1]
    for chunk_counts in counts:
        firsts.append(FirstIds(*next_ids))
        next_ids = [n + c for n, c in zip(next_ids, chunk_counts, strict=True)]
    return firsts


class ChunkSource:
    """Every chunk of a job, in order, formatted for job.vendor.

    A context manager: entering forks the workers (before the loader opens
    connections or starts threads, which a fork must not copy) and counts the
    rows of every chunk.
    """

    def __init__(self, job: Job, pools: tuple[LocalePool, ...], processes: int):
        self.job, self.pools = job, pools
        self.chunks = range(len(chunk_sizes(job.customers)))
        parallel = processes > 1 and len(self.chunks) > 1
        self.processes = processes if parallel and _can_fork() else 1
        self.pool = None

    def __enter__(self) -> "ChunkSource":
        global _job, _pools
        _job, _pools = self.job, self.pools
        if self.processes > 1:
            # Forked, not spawned: the workers need the pools and Django's apps.
            self.pool = multiprocessing.get_context("fork").Pool(self.processes)
            counts = self.pool.map(_row_counts, self.chunks, chunksize=8)
        else:
            counts = [_row_counts(index) for index in self.chunks]
        self.tasks = list(zip(self.chunks, _first_ids(counts), strict=True))
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()

    def __iter__(self) -> Iterator[Chunk]:
        if self.pool is None:
            yield from map(_chunk, self.tasks)
            return
        tasks = iter(self.tasks)
        # A few chunks ahead, no more: the loader may be slower than the workers.
        ahead = deque(
            self.pool.apply_async(_chunk, (task,))
            for task in islice(tasks, 2 * self.processes)
        )
        while ahead:
            chunk = ahead.popleft().get()
            for task in islice(tasks, 1):
                ahead.append(self.pool.apply_async(_chunk, (task,)))
            yield chunk


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()
