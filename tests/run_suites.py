"""Run the whole suite on SQLite, then again on PostgreSQL.

PostgreSQL: TEST_DATABASE_URL, else DATABASE_URL when it names PostgreSQL, else the
local server at 127.0.0.1:5432. When none answers, the PostgreSQL run is skipped
loudly, or fails with CI=true. Browser tests skip (or fail in CI) without Chromium.
"""

import os
import subprocess
import sys

import psycopg

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/cloudfactory"
NO_TESTS_COLLECTED = 5
IN_CI = os.environ.get("CI", "").lower() == "true"


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


def pytest(label: str, env: dict[str, str], args: list[str]) -> int:
    print(f"\n===== {label} =====", flush=True)
    code = subprocess.call([sys.executable, "-m", "pytest", *args], env=env)
    if code == NO_TESTS_COLLECTED:
        print(f"{label}: no tests were collected; that is a failure.")
        return 1
    return code


def main() -> int:
    args = sys.argv[1:]
    sqlite_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    failures = (
        pytest("SQLite: unit, integration and browser tests", sqlite_env, args) != 0
    )

    url = postgres_url()
    if postgres_answers(url):
        pg_env = {**sqlite_env, "DATABASE_URL": url}
        pg_args = args or ["tests/integration", "tests/e2e"]
        failures |= (
            pytest("PostgreSQL: integration and browser tests", pg_env, pg_args) != 0
        )
    else:
        line = (
            f"PostgreSQL at {url.rsplit('@', 1)[-1]} does not answer: "
            "its suite did not run. "
            "Start it with `pg_ctlcluster --skip-systemctl-redirect "
            "$(ls /etc/postgresql) main start` or set TEST_DATABASE_URL."
        )
        print(("FAILED: " if IN_CI else "SKIPPED: ") + line)
        failures |= IN_CI
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
