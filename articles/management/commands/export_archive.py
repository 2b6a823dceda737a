"""Write the whole newsroom to one archive file.

    manage.py export_archive PATH [--without-passwords]

The archive (a zip) holds every story with its revisions, sections, authors, tags,
bylines, photos with their files and renditions, corrections, old addresses, share
links, pending changes and user accounts, with a manifest of row counts and
checksums. ``restore_archive`` brings it back into an empty database.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.backup import ArchiveError, describe, export_archive


class Command(BaseCommand):
    help = "Export every story, revision, photo and account to one archive file (a zip)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to write, such as backup.zip.")
        parser.add_argument(
            "--without-passwords",
            action="store_true",
            help="Leave password hashes out: restored accounts must be given new passwords.",
        )

    def handle(self, *args, path, without_passwords=False, verbosity=1, **options):
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent} is not a folder", returncode=1)
        try:
            summary = export_archive(path, passwords=not without_passwords)
        except (ArchiveError, OSError) as exc:
            raise CommandError(f"Export failed, nothing written: {exc}", returncode=1) from exc
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Exported {describe(summary)} to {path}."))
        if summary.missing:
            files = "file" if len(summary.missing) == 1 else "files"
            self.stdout.write(
                self.style.WARNING(
                    f"Warning: the database names {len(summary.missing)} media {files} that "
                    f"storage lacks: {', '.join(summary.missing)}"
                )
            )
            if not without_passwords:
                self.stdout.write(
                    "The archive holds password hashes: keep it as safe as the database."
                )
