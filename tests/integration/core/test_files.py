"""What the service keeps on disk is private, and its secret key survives a
start cut short: var/ 0700, the SQLite files 0600, the generated key written
whole or not at all; outside this machine the key must come from SECRET_KEY."""

import os
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run(code_or_args, var_dir: Path, **env) -> subprocess.CompletedProcess:
    """Python in a fresh process on SQLite in `var_dir`, with `env` on top."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")
    }
    base.update(
        CLOUDFACTORY_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="cloudfactory.settings",
        **env,
    )
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def setup_then(code: str) -> str:
    return f"import django; django.setup(); {code}"


def test_a_new_var_folder_is_its_owners_alone(tmp_path):
    var = tmp_path / "var"
    result = run(setup_then(PRINT_KEY), var)
    assert result.returncode == 0, result.stderr
    assert mode_of(var) == 0o700
    assert mode_of(var / "secret_key") == 0o600


def test_the_generated_key_is_kept_and_nothing_else_is_left_behind(tmp_path):
    first = run(setup_then(PRINT_KEY), tmp_path)
    second = run(setup_then(PRINT_KEY), tmp_path)
    key = first.stdout.strip()
    assert len(key) >= 50
    assert second.stdout.strip() == key
    assert (tmp_path / "secret_key").read_text() == key
    # No half-written key beside it; the lock the writers take turns on stays.
    assert [path.name for path in tmp_path.glob(".secret_key*")] == [".secret_key.lock"]


def test_an_empty_key_left_by_a_start_cut_short_is_replaced(tmp_path):
    (tmp_path / "secret_key").write_text("")
    result = run(setup_then(PRINT_KEY), tmp_path)
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip()
    assert len(key) >= 50
    assert (tmp_path / "secret_key").read_text() == key
    assert mode_of(tmp_path / "secret_key") == 0o600


def test_processes_starting_at_once_agree_on_one_key(tmp_path):
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: run(PRINT_KEY, tmp_path), range(6)))
    keys = {result.stdout.strip() for result in results}
    assert [result.returncode for result in results] == [0] * 6
    assert keys == {(tmp_path / "secret_key").read_text()}


@pytest.mark.parametrize(
    "hosts", ["admin.cloudfactory.example", "127.0.0.1,admin.example", "*", "10.0.0.5"]
)
def test_hosts_beyond_this_machine_need_a_secret_key(tmp_path, hosts):
    refused = run(PRINT_KEY, tmp_path, ALLOWED_HOSTS=hosts)
    assert refused.returncode != 0
    assert "ImproperlyConfigured: Set SECRET_KEY" in refused.stderr
    assert not (tmp_path / "secret_key").exists()

    key = "k" * 50
    given = run(PRINT_KEY, tmp_path, ALLOWED_HOSTS=hosts, SECRET_KEY=key)
    assert given.returncode == 0, given.stderr
    assert given.stdout.strip() == key


@pytest.mark.parametrize(
    "hosts",
    ["127.0.0.1,localhost", "[::1]", "127.0.0.2", "app.localhost", "testserver"],
)
def test_this_machine_alone_works_with_a_generated_key(tmp_path, hosts):
    result = run(PRINT_KEY, tmp_path, ALLOWED_HOSTS=hosts)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (tmp_path / "secret_key").read_text()


def test_a_migrated_sqlite_database_and_its_journal_are_private(tmp_path):
    result = run(["-m", "cloudfactory.cli", "migrate", "--no-input"], tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.glob("cloudfactory.sqlite3*"))
    assert tmp_path / "cloudfactory.sqlite3" in files
    assert {path.name: mode_of(path) for path in files} == {
        path.name: 0o600 for path in files
    }


@pytest.mark.django_db
def test_a_new_connection_makes_an_existing_database_file_private(tmp_path):
    # As left by an older version, or created with a loose umask.
    database = tmp_path / "old.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)
    # A handler of its own: the suite's connections stay as they are.
    connections = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}}
    )
    connection = connections["default"]
    try:
        connection.ensure_connection()
    finally:
        connection.close()
    assert mode_of(database) == 0o600
