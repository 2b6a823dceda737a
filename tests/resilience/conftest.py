"""Whole processes on a fresh SQLite file: an import, an editor, an app server.

These tests are slow; ``make check-resilience`` runs them (``make test`` leaves them out).
"""

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.resilience)


@pytest.fixture(autouse=True)
def _sqlite_stage_only():
    """These tests start processes on an SQLite file of their own, whatever the suite uses.

    SQLite's single writer is what they put under strain; with DATABASE_URL set (the
    PostgreSQL stage of CI), they would only repeat the SQLite stage.
    """
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs in the SQLite stage; the PostgreSQL stage runs the load check")


def site_env(database: Path, **extra: str) -> dict:
    """The environment of a local site on its own SQLite file, with no shared services."""
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(NEWSROOM_SQLITE_PATH=str(database), PYTHONUNBUFFERED="1", **extra)
    return env


def python(database: Path, *args: str, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=site_env(database),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **extra,
    )


def inspect(database: Path) -> dict:
    done = python(database, "-m", "tests.resilience.inspect_site")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def migrated(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("resilience") / "migrated.sqlite3"
    done = python(database, "manage.py", "migrate", "--noinput", "-v0")
    assert done.returncode == 0, done.stderr
    return database


@pytest.fixture
def site_db(migrated, tmp_path) -> Path:
    """A freshly migrated SQLite database of this test's own."""
    database = tmp_path / "newsroom.sqlite3"
    shutil.copy(migrated, database)
    return database


class Running:
    """A running process whose output lines are collected as they come."""

    def __init__(self, args: list[str], env: dict):
        self.process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.lines)),
            threading.Thread(target=self._read, args=(self.process.stderr, self.errors)),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(stream, lines):
        for line in stream:
            lines.append(line.rstrip("\n"))

    def wait(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join()
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.wait()


@pytest.fixture
def start():
    """Start processes; any still running at the end of the test is killed."""
    running = []

    def starting(args: list[str], env: dict) -> Running:
        process = Running(args, env)
        running.append(process)
        return process

    yield starting
    for process in running:
        process.stop()
