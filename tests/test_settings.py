"""Production settings: each case starts a fresh process, as a deployment would."""

import json
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


def database_options(**env) -> dict:
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {}), default=str))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


POSTGRES = {"DATABASE_URL": "postgres://newsroom:secret@db.example.org:5432/newsroom"}


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_queries():
    options = database_options(**POSTGRES)
    assert options["server_side_binding"] is True
    assert options["prepare_threshold"] == 5


def test_prepared_statements_can_be_turned_off_for_a_connection_pooler():
    options = database_options(**POSTGRES, DATABASE_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_sqlite_has_no_postgresql_options(tmp_path):
    options = database_options(DATABASE_URL="", NEWSROOM_SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


def test_sqlite_connection_is_kept_open_between_requests(tmp_path):
    # What Django does at the start and end of every request: an obsolete connection
    # is closed there, and opening one again costs more than a page's queries.
    keeps = (
        "from django.core.signals import request_finished, request_started;"
        "from django.db import connection;"
        "connection.ensure_connection(); first = connection.connection;"
        "request_started.send(None); request_finished.send(None);"
        "print(connection.connection is first)"
    )
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        keeps,
        **PRODUCTION,
        DATABASE_URL="",  # SQLite, also when the suite itself runs on PostgreSQL
        NEWSROOM_SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
