"""import_seeds as a real process: an editor saving meanwhile, and Ctrl-C half way.

On SQLite one writer writes at a time: the import keeps each transaction under
``TRANSACTION_SECONDS``, so an editor's save waits a moment and never fails with
"database is locked" (the busy timeout is 20 s).
"""

import json
import os
import signal
import sys
import time

from articles.seeding import TRANSACTION_SECONDS

from ..seed_files import write_seed_files
from .conftest import inspect, python, site_env

# Still importing after the saves, at well over 1,000 files a second.
FILES = int(os.environ.get("NEWSROOM_RESILIENCE_FILES", 30_000))
# Well under the 20 s busy timeout: a transaction of the import, then the save itself.
LONGEST_WAIT = 5.0


def import_command(folder):
    return [sys.executable, "manage.py", "import_seeds", str(folder), "--create-sections", "-v2"]


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_an_editor_saves_while_thousands_of_files_import(site_db, tmp_path, start):
    write_seed_files(tmp_path / "seeds", FILES)
    created = python(site_db, "-m", "tests.resilience.editor", "create")
    assert created.returncode == 0, created.stderr

    importing = start(import_command(tmp_path / "seeds"), site_env(site_db))
    wait_for(lambda: len(importing.lines) >= 20, timeout=120, what="the first files to commit")
    imported_before = len(importing.lines)
    editor = python(site_db, "-m", "tests.resilience.editor", "save", "12", "0.25")
    imported_during = len(importing.lines) - imported_before
    import_still_running = importing.process.poll() is None

    assert editor.returncode == 0, editor.stderr
    report = json.loads(editor.stdout)
    assert report["errors"] == []
    assert "database is locked" not in editor.stderr
    assert max(report["waits"]) < LONGEST_WAIT, report["waits"]
    assert report["body"] == "<p>Draft 12.</p>"
    assert report["revisions"] == 13
    # The saves really raced the import: it kept committing files meanwhile.
    assert imported_during > 0 and import_still_running
    print(
        f"\n{len(report['waits'])} saves during the import ({imported_during} files committed "
        f"meanwhile): longest wait {max(report['waits']):.2f} s, "
        f"import transactions up to {TRANSACTION_SECONDS} s"
    )

    importing.process.send_signal(signal.SIGINT)
    assert importing.wait(timeout=60) == 130
    assert inspect(site_db)["incomplete"] == []


def test_an_interrupted_import_leaves_whole_stories_and_a_rerun_imports_the_rest(
    site_db, tmp_path, start
):
    files = max(FILES // 4, 500)
    write_seed_files(tmp_path / "seeds", files)
    importing = start(import_command(tmp_path / "seeds"), site_env(site_db))
    wait_for(lambda: len(importing.lines) >= 100, timeout=120, what="files to commit")

    importing.process.send_signal(signal.SIGINT)
    code = importing.wait(timeout=60)

    assert code == 130
    errors = "\n".join(importing.errors)
    assert "Interrupted." in errors and "Run the command again to import the rest." in errors
    assert "Traceback" not in errors
    reported = [line for line in importing.lines if line.endswith(": created")]
    state = inspect(site_db)
    assert state["incomplete"] == []
    # A transaction may commit in the instant between the signal and its report.
    assert len(reported) <= state["imported"] < files
    imported = state["imported"]

    rerun = python(site_db, *import_command(tmp_path / "seeds")[1:4], "--create-sections")
    assert rerun.returncode == 0, rerun.stderr
    assert f"{files} files: {files - imported} created, 0 updated, {imported} unchanged" in (
        rerun.stdout
    )
    state = inspect(site_db)
    assert state == {"imported": files, "incomplete": []}
