"""The SQLite settings an import writes with, and the connection's own afterwards."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from reversion.signals import pre_revision_commit

from articles.models import Article
from articles.seeding import IMPORT_SQLITE_PRAGMAS

from .seed_files import write_seed_files

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's settings"),
]


def pragmas() -> dict[str, int]:
    with connection.cursor() as cursor:
        return {
            name: cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in IMPORT_SQLITE_PRAGMAS
        }


def settings_during_import(path) -> list[dict[str, int]]:
    """The settings in effect as each batch of the import of ``path`` commits."""
    during = []

    def record(**kwargs):
        during.append(pragmas())

    pre_revision_commit.connect(record)
    try:
        call_command("import_seeds", str(path), "--create-sections", stdout=StringIO())
    finally:
        pre_revision_commit.disconnect(record)
    return during


def test_an_import_writes_with_its_settings_and_puts_the_connections_back(tmp_path, monkeypatch):
    monkeypatch.setattr("articles.seeding.BATCH_SIZE", 2)
    write_seed_files(tmp_path, 5)
    before = pragmas()

    during = settings_during_import(tmp_path)

    assert Article.objects.count() == 5
    assert during and all(values == IMPORT_SQLITE_PRAGMAS for values in during)
    assert before != IMPORT_SQLITE_PRAGMAS
    assert pragmas() == before


def test_an_import_inside_a_transaction_keeps_the_temporary_storage_it_found(tmp_path):
    """SQLite refuses to change ``temp_store`` inside a transaction: the import leaves it
    and still writes every file with the other settings."""
    write_seed_files(tmp_path, 3)
    before = pragmas()

    with transaction.atomic():
        during = settings_during_import(tmp_path)

    assert Article.objects.count() == 3
    assert during and all(
        values == {**IMPORT_SQLITE_PRAGMAS, "temp_store": before["temp_store"]} for values in during
    )
    assert IMPORT_SQLITE_PRAGMAS["temp_store"] != before["temp_store"]
    assert pragmas() == before
