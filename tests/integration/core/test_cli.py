import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db

COMMANDS = ("migrate", "createadmin", "demo", "serve", "recount")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command):
    result = subprocess.run(
        [sys.executable, "-m", "cloudfactory.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert f"usage: cloudfactory {command}" in result.stdout


def test_createadmin_is_idempotent_and_sets_the_role(capsys):
    call_command("createadmin", email="Ops@Example.com", password="first password")
    call_command(
        "createadmin",
        email="ops@example.com",
        password="second password",
        role="viewer",
    )
    user = get_user_model().objects.get()
    assert user.email == "ops@example.com"
    assert user.check_password("second password") is True
    assert [g.name for g in user.groups.all()] == ["viewer"]
    assert "Updated viewer login ops@example.com." in capsys.readouterr().out


def test_createadmin_prints_a_generated_password_once(capsys):
    call_command("createadmin", email="boss@example.com", if_absent=True)
    out = capsys.readouterr().out
    password = out.split("password: ")[1].strip()
    assert get_user_model().objects.get().check_password(password) is True
    call_command("createadmin", email="boss@example.com", if_absent=True)
    again = capsys.readouterr().out
    assert "exists already" in again
    assert password not in again


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"email": "not-an-email", "password": "long enough pw"}, "not a valid email"),
        ({"email": "a@example.com", "password": "short"}, "at least 10"),
    ],
)
def test_createadmin_refuses_bad_input(options, message):
    with pytest.raises(CommandError, match=message):
        call_command("createadmin", **options)
    assert get_user_model().objects.count() == 0


def test_serve_refuses_a_bad_port():
    with pytest.raises(CommandError, match="out of range"):
        call_command("serve", port=70000)


def test_an_unknown_role_fails_with_a_non_zero_exit():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cloudfactory.cli",
            "createadmin",
            "--email",
            "a@example.com",
            "--password",
            "long enough pw",
            "--role",
            "god",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "invalid choice: 'god'" in result.stderr


def test_the_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
