"""Production settings: each case starts a fresh process, as a deployment would."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    # A deployment's own settings only: none inherited from the machine running the tests.
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NEWSROOM_")) and k != "REDIS_URL"
    }
    environ.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x7Gq2-long-random-production-key-for-tests-only-0123456789abcdefgh",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
}


def test_deploy_check_is_clean_with_debug_off():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_missing_secret_key_in_production_is_a_clear_startup_error():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_in_production_is_a_clear_startup_error():
    env = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


@pytest.mark.django_db
def test_local_editor_gets_a_random_password_once(capsys):
    call_command("create_local_editor")
    first = capsys.readouterr().out
    password = first.split("password: ")[1].split()[0]
    user = get_user_model().objects.get(username="editor")
    assert user.is_superuser and user.check_password(password)
    assert len(password) >= 16

    call_command("create_local_editor")
    second = capsys.readouterr().out
    assert "already exists" in second
    assert password not in second
    assert get_user_model().objects.count() == 1
