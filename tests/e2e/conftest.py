"""Browser tests: Debian's Chromium driving the real ASGI server.

The server runs in its own process on the test database that pytest-django
creates, so whatever a test sets up must be committed: the `page` fixture
brings `transactional_db`, which also empties the database after each test.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.helpers import VIEWPORT, sign_in
from tests.factories import StaffFactory
from tests.live import database_url, free_port, healthy

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 20  # seconds


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Keep the real hashers: the server checks passwords with its own settings
    (Argon2, PBKDF2) and would not accept the MD5 hashes tests elsewhere use."""


@pytest.fixture(autouse=True)
def _orm_beside_playwright(monkeypatch):
    # Playwright's sync API leaves its event loop marked as running between
    # calls, and Django refuses ORM calls when it sees a running loop. This
    # test process makes no async ORM calls, so the guard can step aside here;
    # the server process keeps it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _wait_until_healthy(process, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        if healthy(port):
            return
        time.sleep(0.1)
    process.kill()
    process.wait()
    pytest.fail(
        f"The server on port {port} did not answer /healthz within "
        f"{SERVER_START_TIMEOUT}s (exit code {process.returncode}). Its output:\n"
        + log_path.read_text(errors="replace"),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def server_url(django_db_setup, tmp_path_factory):
    """The base URL of a uvicorn process serving cloudfactory.asgi on the test DB."""
    url_of_database = database_url()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": url_of_database,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "AXES_FAILURE_LIMIT": "5",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "cloudfactory.asgi:application"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(process, port, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """Headless Chromium from Debian; Playwright never downloads a browser here.

    While Playwright runs, Django refuses ORM calls in this thread (see
    _orm_beside_playwright). So it stops when the tests in tests/e2e are done,
    before the tests collected after them, and before the test database is
    dropped (hence django_db_setup).
    """
    if not CHROMIUM.exists():
        message = f"Chromium missing: run `apt-get install -y chromium` ({CHROMIUM})."
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def csp_violations() -> list[str]:
    """What the page's Content-Security-Policy refused, as the page itself
    heard it (`securitypolicyviolation`): "<directive> blocked <what>". A test
    that provokes violations on purpose empties the list."""
    return []


# Installed in every document before its own scripts run.
REPORT_VIOLATIONS = (
    "document.addEventListener('securitypolicyviolation', (e) =>"
    " window.reportViolation(`${e.violatedDirective} blocked"
    " ${e.blockedURI || 'inline code'}`));"
)


@pytest.fixture
def page(browser, server_url, transactional_db, csp_violations):
    """A fresh browser context (no cookies) per test, 1280x800, on the server.

    A JavaScript error, a missing static file or a violation of the
    Content-Security-Policy fails the test.
    """
    context = browser.new_context(base_url=server_url, viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems = []

    def note_missing_static(response):
        if response.status >= 400 and "/static/" in response.url:
            problems.append(f"{response.status} for {response.url}")

    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    page.on("response", note_missing_static)
    page.expose_function("reportViolation", lambda text: csp_violations.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    yield page
    context.close()
    problems += [f"Content-Security-Policy: {v}" for v in csp_violations]
    if problems:
        pytest.fail("The page had problems:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def staff(transactional_db):
    """An admin staff member with a name, committed so the server sees it."""
    return StaffFactory(full_name="Ada Lovelace", role="admin")


@pytest.fixture
def signed_in_page(page, staff, server_url):
    """The `page`, signed in as `staff`, on the Overview."""
    sign_in(page, staff.email)
    page.wait_for_url(f"{server_url}/")
    return page
