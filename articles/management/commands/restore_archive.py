"""Restore an archive written by ``export_archive`` into an empty database.

    manage.py restore_archive PATH

Every file in the archive is checked against its manifest first; then everything is
written in one transaction (all or nothing), the search index is rebuilt and
primary keys are kept, so addresses, feed IDs and revision histories line up. A
database that already holds stories, authors, photos, accounts or revisions is
refused. Exit status 1 when anything is wrong, with nothing changed.
"""

from pathlib import Path

from django.core.exceptions import SuspiciousOperation
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError

from articles.backup import ArchiveError, describe, restore_archive
from articles.planner_statistics import refresh_after_bulk_load


class Command(BaseCommand):
    help = "Restore an archive from export_archive into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to restore.")

    def handle(self, *args, path, verbosity=1, **options):
        try:
            summary = restore_archive(path)
        except ArchiveError as exc:
            raise CommandError(f"Nothing restored: {exc}", returncode=1) from exc
        except (DeserializationError, DatabaseError, OSError, SuspiciousOperation) as exc:
            raise CommandError(
                f"Nothing restored: the archive could not be loaded: {exc}", returncode=1
            ) from exc
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Restored {describe(summary)} from {path}."))
        if refresh_after_bulk_load(summary.rows.get("articles.article", 0)) and verbosity >= 1:
            self.stdout.write("Database statistics refreshed for the restored stories.")
