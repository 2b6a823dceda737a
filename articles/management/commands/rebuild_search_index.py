"""Rebuild the full-text search index from the stories in the database.

    manage.py rebuild_search_index [--dry-run]

The services keep the index in step with every save; run this after restoring a
backup, after changing how stories are indexed, or after writing stories by other
means. The rebuild is one transaction: searches see the old index until it is done.
"""

from django.core.management.base import BaseCommand

from articles.models import Article
from articles.search import rebuild_search_index


class Command(BaseCommand):
    help = "Rebuild the search index from every story (any status; search shows published ones)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say how many stories would be indexed."
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        if dry_run:
            total = Article.objects.count()
            self.stdout.write(f"Would index {total} stories; nothing written.")
            return
        if verbosity >= 2:
            self.stdout.write("Rebuilding the search index...")
        total = rebuild_search_index()
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(f"Indexed {total} stories."))
