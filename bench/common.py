"""What every benchmark script shares: Django set up against a throwaway database.

Importing this module sets Django up, so import it before anything from the project.
"""

import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SLUG_PREFIX = "bench-"

if not (os.environ.get("DATABASE_URL") or os.environ.get("NEWSROOM_SQLITE_PATH")):
    sys.exit(
        "Set NEWSROOM_SQLITE_PATH (a throwaway SQLite file) or DATABASE_URL (a throwaway "
        "PostgreSQL database): the benchmarks never touch the default database."
    )

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
# Measure what production runs: debug off (no query log, hashed static files).
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()


def refuse_real_database() -> None:
    """Exit unless every story in the database was made by bench/generate.py."""
    from articles.models import Article

    if Article.objects.exclude(slug__startswith=SLUG_PREFIX).exists():
        sys.exit("This database holds real stories; run the benchmarks on a throwaway one.")
