"""`createadmin` applies the password validators and takes the password from
standard input or the environment, so it need not appear on a command line."""

import io
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from cloudfactory.staff.management.commands.createadmin import ENVIRONMENT_VARIABLE

pytestmark = pytest.mark.django_db

EMAIL = "ops@example.com"
PASSPHRASE = "plum orchard at dusk"


def staff():
    return get_user_model().objects.get(email=EMAIL)


@pytest.mark.parametrize(
    ("password", "sentence"),
    [
        ("1234567890", "This password is too common."),
        ("9183746502", "This password is entirely numeric."),
        ("short", "It must contain at least 10 characters."),
        ("ops@example.com", "The password is too similar to the email."),
    ],
)
def test_a_weak_password_is_refused_and_no_login_is_made(password, sentence):
    with pytest.raises(CommandError, match=sentence) as refused:
        call_command("createadmin", email=EMAIL, password=password)
    assert str(refused.value).startswith("The password was refused: ")
    assert get_user_model().objects.count() == 0


def test_a_weak_password_does_not_replace_a_good_one():
    call_command("createadmin", email=EMAIL, password=PASSPHRASE)
    with pytest.raises(CommandError, match="too common"):
        call_command("createadmin", email=EMAIL, password="1234567890")
    assert staff().check_password(PASSPHRASE) is True


def test_the_password_can_come_from_standard_input(capsys):
    stdin = io.StringIO(f"{PASSPHRASE}\nthe rest is ignored\n")
    call_command("createadmin", email=EMAIL, password_stdin=True, stdin=stdin)
    assert staff().check_password(PASSPHRASE) is True
    out = capsys.readouterr().out
    assert "Created admin login ops@example.com." in out
    assert PASSPHRASE not in out


def test_an_empty_standard_input_is_refused():
    with pytest.raises(CommandError, match="No password on standard input"):
        call_command(
            "createadmin", email=EMAIL, password_stdin=True, stdin=io.StringIO("")
        )
    assert get_user_model().objects.count() == 0


def test_the_password_can_come_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, PASSPHRASE)
    call_command("createadmin", email=EMAIL, role="viewer")
    assert staff().check_password(PASSPHRASE) is True
    assert PASSPHRASE not in capsys.readouterr().out


def test_the_environment_password_is_validated_too(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "1234567890")
    with pytest.raises(CommandError, match="too common"):
        call_command("createadmin", email=EMAIL)
    assert get_user_model().objects.count() == 0


def test_a_password_given_on_the_command_line_wins_over_the_environment(
    monkeypatch,
):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "an environment passphrase")
    call_command("createadmin", email=EMAIL, password=PASSPHRASE)
    assert staff().check_password(PASSPHRASE) is True


def test_without_any_password_one_is_generated_and_passes_the_validators(
    monkeypatch, capsys
):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    call_command("createadmin", email=EMAIL)
    password = capsys.readouterr().out.split("password: ")[1].strip()
    assert staff().check_password(password) is True


def test_if_absent_leaves_an_existing_login_without_reading_its_input():
    call_command("createadmin", email=EMAIL, password=PASSPHRASE)
    call_command(
        "createadmin",
        email=EMAIL,
        password_stdin=True,
        if_absent=True,
        stdin=io.StringIO(""),
    )
    assert staff().check_password(PASSPHRASE) is True


def run_createadmin(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cloudfactory.cli", "createadmin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_reads_its_real_standard_input():
    # Refused before any database work: the weak password came through stdin.
    result = run_createadmin("--email", EMAIL, "--password-stdin", stdin="1234567890\n")
    assert result.returncode != 0
    assert "The password was refused: This password is too common." in result.stderr


def test_a_password_on_the_line_and_on_standard_input_is_refused():
    result = run_createadmin(
        "--email", EMAIL, "--password", PASSPHRASE, "--password-stdin"
    )
    assert result.returncode != 0
    assert "not allowed with argument" in result.stderr


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("Ada \u202eLovelace", "The name holds an invisible or control character"),
        ("A" * 201, "The name is 201 characters long; at most 200 fit."),
    ],
)
def test_a_name_that_does_not_fit_is_refused(name, sentence):
    with pytest.raises(CommandError, match=sentence):
        call_command("createadmin", email=EMAIL, password=PASSPHRASE, name=name)
    assert get_user_model().objects.count() == 0
