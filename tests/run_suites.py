"""Run the whole suite on SQLite and on PostgreSQL, side by side.

The two runs share nothing but the secret key (made under a lock), so they run at
once, each in its own process, its lines marked with the database it runs on; on
two cores that takes about as long as the slower of them.

PostgreSQL: TEST_DATABASE_URL, else DATABASE_URL when it names PostgreSQL, else the
local server at 127.0.0.1:5432. When none answers, the PostgreSQL run is skipped
loudly, or fails with CI=true. Browser tests skip (or fail in CI) without Chromium.
"""

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import psycopg

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/cloudfactory"
NO_TESTS_COLLECTED = 5
IN_CI = os.environ.get("CI", "").lower() == "true"


@dataclass(frozen=True)
class Suite:
    mark: str
    title: str
    env: dict[str, str]
    args: list[str]


def postgres_url() -> str:
    explicit = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    return explicit if explicit.startswith("postgres") else LOCAL_POSTGRES


def postgres_answers(url: str) -> bool:
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def run(suite: Suite, output_lock: threading.Lock) -> int:
    """Runs one suite, each of its lines printed whole behind its mark."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "--color=no", *suite.args],
        env={**suite.env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    for line in process.stdout:
        with output_lock:
            print(f"[{suite.mark}] {line}", end="", flush=True)
    code = process.wait()
    with output_lock:
        minutes, seconds = divmod(round(time.monotonic() - started), 60)
        verdict = "passed" if code == 0 else f"FAILED (pytest exit {code})"
        if code == NO_TESTS_COLLECTED:
            verdict = "FAILED: no tests were collected"
        print(
            f"===== {suite.title}: {verdict} in {minutes} min {seconds} s", flush=True
        )
    return code


def run_side_by_side(suites: list[Suite]) -> list[int]:
    output_lock = threading.Lock()
    codes = [0] * len(suites)

    def run_into(index: int) -> None:
        codes[index] = run(suites[index], output_lock)

    threads = [threading.Thread(target=run_into, args=(i,)) for i in range(len(suites))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def main() -> int:
    args = sys.argv[1:]
    sqlite_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    suites = [
        Suite("sqlite", "SQLite: unit, integration and browser tests", sqlite_env, args)
    ]
    failures = False
    url = postgres_url()
    if postgres_answers(url):
        suites.append(
            Suite(
                "postgres",
                "PostgreSQL: integration and browser tests",
                {**sqlite_env, "DATABASE_URL": url},
                args or ["tests/integration", "tests/e2e"],
            )
        )
    else:
        line = (
            f"PostgreSQL at {url.rsplit('@', 1)[-1]} does not answer: "
            "its suite did not run. "
            "Start it with `pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start` or set TEST_DATABASE_URL."
        )
        print(("FAILED: " if IN_CI else "SKIPPED: ") + line, flush=True)
        failures = IN_CI
    codes = run_side_by_side(suites)
    return 1 if failures or any(code != 0 for code in codes) else 0


if __name__ == "__main__":
    sys.exit(main())
