"""Import plain-text seed files as stories.

    manage.py import_seeds [PATH ...] [--dry-run] [--publish | --draft]
                           [--section SLUG] [--author NAME] [--date ISO] [--create-sections]

Files are written in batches, each file all or nothing; a bad file is reported with its reason
and skipped. Re-running on the same files changes nothing. The exit status is 1
when any file was skipped as unreadable or invalid, or when the database or the disk
refused to write (a full disk); 130 when interrupted (Ctrl-C, SIGTERM). Either way
every story written is complete, and running the command again imports the rest.
"""

import signal
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, time
from pathlib import Path

from django import db
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import dateparse

from articles.models import Article, Section
from articles.planner_statistics import refresh_after_bulk_load
from articles.seeding import (
    ImportStopped,
    Outcome,
    SeedImporter,
    SeedOptions,
    iter_seed_files,
)

PROGRESS_EVERY = 100


def parse_date_option(value: str):
    try:
        parsed = dateparse.parse_datetime(value) or dateparse.parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise CommandError(
            f"--date {value!r} is not an ISO 8601 date such as 2024-03-04 or 2024-03-04T09:30+01:00"
        )
    if not isinstance(parsed, datetime):
        parsed = datetime.combine(parsed, time.min)
    return parsed


@contextmanager
def interruptible():
    """SIGTERM (as from a service manager) stops the import the way Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Command(BaseCommand):
    help = "Import plain-text articles (files or folders of *.txt); with no path, the sample seeds."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="*", type=Path, help="Files or folders (searched for *.txt)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        status = parser.add_mutually_exclusive_group()
        status.add_argument(
            "--publish",
            action="store_const",
            const=Article.Status.PUBLISHED,
            dest="status",
            help="Publish new stories even when a file says Status: draft.",
        )
        status.add_argument(
            "--draft",
            action="store_const",
            const=Article.Status.DRAFT,
            dest="status",
            help="Import new stories as drafts.",
        )
        parser.add_argument(
            "--section", metavar="SLUG", help="Section for files whose headers name none."
        )
        parser.add_argument(
            "--author",
            metavar="NAME",
            action="append",
            default=[],
            help="Byline for files whose headers name none (repeat for several authors).",
        )
        parser.add_argument(
            "--date", metavar="ISO", help="Publication time for files whose headers give none."
        )
        parser.add_argument(
            "--create-sections",
            action="store_true",
            help="Create sections that files name but that do not exist yet.",
        )

    def handle(self, *args, **options):
        section = None
        if options["section"]:
            section = Section.objects.filter(slug__iexact=options["section"]).first()
            if section is None:
                slugs = ", ".join(Section.objects.values_list("slug", flat=True))
                raise CommandError(f"No section with slug {options['section']!r}. Known: {slugs}")
        seed_options = SeedOptions(
            status=options["status"],
            section=section,
            author_names=tuple(options["author"]),
            default_date=parse_date_option(options["date"]) if options["date"] else None,
            create_sections=options["create_sections"],
            dry_run=options["dry_run"],
        )
        paths = options["paths"] or [Path(settings.NEWSROOM_SEEDS_DIR)]
        files = iter_seed_files(paths)
        verbosity = options["verbosity"]
        show_progress = verbosity >= 1 and sys.stdout.isatty()

        importer = SeedImporter(seed_options)
        counts = Counter()
        failures = []
        total = 0
        try:
            with interruptible():
                for result in importer.import_files(files):
                    total += 1
                    self.show(result, verbosity)
                    counts[result.outcome] += 1
                    if result.failed:
                        failures.append(result)
                    if total % PROGRESS_EVERY == 0:
                        if settings.DEBUG:
                            # Debug mode keeps every query's text; an import would pile them up.
                            db.reset_queries()
                        if show_progress:
                            self.stdout.write(f"\r{total} files", ending="")
                            self.stdout.flush()
        except (ImportStopped, KeyboardInterrupt) as exc:
            self.stdout.write("")
            self.report(counts, failures, total, dry_run=seed_options.dry_run)
            why = f"Import stopped: {exc}." if isinstance(exc, ImportStopped) else "Interrupted."
            raise CommandError(
                f"{why} The {total} files counted above are done; the files being written "
                "at that moment were rolled back. Run the command again to import the rest.",
                returncode=130 if isinstance(exc, KeyboardInterrupt) else 1,
            ) from exc
        if show_progress and total >= PROGRESS_EVERY:
            self.stdout.write("")

        self.report(counts, failures, total, dry_run=seed_options.dry_run)
        created = 0 if seed_options.dry_run else counts[Outcome.CREATED]
        if refresh_after_bulk_load(created) and verbosity >= 1:
            self.stdout.write("Database statistics refreshed for the new stories.")
        if failures:
            raise CommandError(
                f"{len(failures)} of {total} files could not be imported.", returncode=1
            )

    def show(self, result, verbosity):
        path = result.path
        if result.failed:
            self.stderr.write(f"{path}: skipped: {result.message}")
        elif result.outcome in (Outcome.KEPT, Outcome.DUPLICATE) and verbosity >= 1:
            self.stdout.write(self.style.WARNING(f"{path}: {result.message}"))
        elif verbosity >= 2:
            self.stdout.write(f"{path}: {result.outcome.value}")
        for note in result.notes:
            if verbosity >= 1:
                self.stdout.write(f"{path}: note: {note}")

    def report(self, counts, failures, total, *, dry_run):
        prefix = "Dry run, nothing written. Would have: " if dry_run else ""
        summary = ", ".join(f"{counts[outcome]} {outcome.value}" for outcome in Outcome)
        files = "file" if total == 1 else "files"
        line = f"{prefix}{total} {files}: {summary}."
        if failures:
            self.stdout.write(self.style.ERROR(line))
            reasons = Counter(result.message for result in failures)
            for reason, number in reasons.most_common():
                self.stdout.write(f"  skipped {number}: {reason}")
        else:
            self.stdout.write(self.style.SUCCESS(line))
