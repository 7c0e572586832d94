"""The database's own time for what a request runs, measured in the bench process.

The statements are captured by calling the same query functions the views call
(with `connection.execute_wrapper`), then timed by the database itself:

- PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)` of each statement with its
  parameters, summing the "Execution Time" lines (planning time apart).
- SQLite: each statement executed and all its rows fetched, timed around it.

Each measure is repeated and the median kept, so a cold first run does not count.
"""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

EXECUTION = re.compile(r"Execution Time: ([0-9.]+) ms")
PLANNING = re.compile(r"Planning Time: ([0-9.]+) ms")


@dataclass
class DbTime:
    ms: float  # median over the repetitions of the summed statement times
    statements: int
    planning_ms: float = 0.0  # PostgreSQL only
    plans: list[str] = field(default_factory=list)  # the last EXPLAIN output


def capture(work: Callable[[], object]) -> list[tuple[str, tuple]]:
    """The (sql, params) of every statement `work()` runs."""
    statements: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        work()
    return statements


def _explain(sql: str, params: tuple, options: str) -> tuple[float, float, str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        text = "\n".join(row[0] for row in cursor.fetchall())
    execution = float(EXECUTION.search(text).group(1))
    planning = float(PLANNING.search(text).group(1))
    return execution, planning, text


def _run(sql: str, params: tuple) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while cursor.fetchmany(10_000):
            pass
    return (time.perf_counter() - started) * 1000


def _query_plan(sql: str, params: tuple) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def db_time(
    statements: list[tuple[str, tuple]], repeat: int, *, timing: bool = True
) -> DbTime:
    """How long the database takes for `statements`, the median of `repeat` runs.

    `timing=False` turns per-node timing off on PostgreSQL (TIMING OFF), whose
    overhead is large on plans that return a million rows (the export)."""
    totals, planning, plans = [], [], []
    for _ in range(repeat):
        total = plan_total = 0.0
        plans = []
        for sql, params in statements:
            if connection.vendor == "postgresql":
                options = "ANALYZE, BUFFERS" + ("" if timing else ", TIMING OFF")
                execution, plan_ms, text = _explain(sql, params, options)
                total += execution
                plan_total += plan_ms
                plans.append(f"{sql}\n{params!r}\n{text}")
            else:
                ms = _run(sql, params)
                total += ms
                plans.append(
                    f"{sql}\n{params!r}\n{ms:.2f} ms\n{_query_plan(sql, params)}"
                )
        totals.append(total)
        planning.append(plan_total)
    return DbTime(
        ms=statistics.median(totals),
        statements=len(statements),
        planning_ms=statistics.median(planning),
        plans=plans,
    )
