"""import_seeds when things go wrong underneath it: vanishing files, a full disk.

Interrupting a running import and importing while editors save are in
tests/resilience/ (they run whole processes: ``make check-resilience``).
"""

import errno
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from articles import seeding, story_batches
from articles.management.commands import import_seeds
from articles.models import Article

from .seed_files import incomplete_stories, write_seed_files

pytestmark = pytest.mark.django_db


def run(*args):
    """Run import_seeds; return (exit code, stdout, stderr and error message)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", *map(str, args), "--create-sections", stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_a_file_that_disappears_after_listing_is_reported_and_the_others_imported(
    tmp_path, monkeypatch
):
    paths = write_seed_files(tmp_path, 4)
    listed = import_seeds.iter_seed_files

    def listing_then_a_file_goes(folders):
        files = list(listed(folders))
        paths[1].unlink()  # removed by someone else after the folder was read
        return iter(files)

    monkeypatch.setattr(import_seeds, "iter_seed_files", listing_then_a_file_goes)
    code, out, err = run(tmp_path)

    assert code == 1
    assert f"{paths[1]}: skipped: file not found" in err
    assert "4 files: 3 created" in out
    assert Article.objects.count() == 3
    assert incomplete_stories() == []


def disk_fills_up_on(call_number: int, error: Exception):
    """The search index write (the last of a batch's) fails on the ``call_number``-th batch."""
    original = story_batches.search_index_documents
    calls = []

    def writing(documents):
        calls.append(documents)
        if len(calls) == call_number:
            raise error
        original(documents)

    return writing


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OperationalError("database or disk is full"), "database or disk is full"),
        (OSError(errno.ENOSPC, "No space left on device"), "No space left on device"),
    ],
    ids=["database-full", "enospc"],
)
def test_a_full_disk_mid_batch_stops_with_nothing_half_written_and_a_rerun_completes(
    tmp_path, monkeypatch, error, message
):
    write_seed_files(tmp_path, 6)
    monkeypatch.setattr(story_batches, "search_index_documents", disk_fills_up_on(1, error))

    code, out, err = run(tmp_path)

    assert code == 1
    assert "Import stopped: the database could not write the batch: " in err
    assert message in err
    assert "Run the command again to import the rest." in err
    assert "0 files: 0 created" in out
    assert Article.objects.count() == 0  # the whole batch was one transaction

    monkeypatch.undo()
    code, out, _err = run(tmp_path)
    assert code == 0
    assert "6 files: 6 created" in out
    assert incomplete_stories() == []


def test_files_committed_before_the_disk_filled_up_stay_and_the_rerun_adds_the_rest(
    tmp_path, monkeypatch
):
    write_seed_files(tmp_path, 6)
    monkeypatch.setattr(seeding, "BATCH_SIZE", 3)  # two batches, one transaction each
    full = OperationalError("database or disk is full")
    monkeypatch.setattr(story_batches, "search_index_documents", disk_fills_up_on(2, full))

    code, out, err = run(tmp_path)

    assert code == 1
    assert "3 files: 3 created" in out
    assert "The 3 files counted above are done" in err
    assert Article.objects.count() == 3
    assert incomplete_stories() == []

    monkeypatch.undo()
    code, out, _err = run(tmp_path)
    assert code == 0
    assert "6 files: 3 created, 0 updated, 3 unchanged" in out
    assert Article.objects.count() == 6
    assert incomplete_stories() == []
