"""Refresh a front cache (nginx, see deploy/nginx/newsroom.conf) when a story changes.

When ``NEWSROOM_FRONT_CACHE_URL`` is set, every change to a story asks the front cache
for the pages that show it, at their address in every site language (``/fr/...``), with
the secret header ``X-Newsroom-Refresh``: nginx then skips its stored copy, fetches the
page from Newsroom (already fresh: the page cache's generation changed with the story)
and keeps the new one in its place. Each page is asked for twice, plain and gzipped:
nginx keeps a copy for readers who take gzip and one for those who do not. The requests
are sent after the transaction commits, from a background thread, with a short timeout:
an editor never waits for them, and a failure is logged, never raised.
"""

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from .addresses import address
from .models import Article
from .sitemaps import SITEMAPS

logger = logging.getLogger(__name__)

REFRESH_HEADER = "X-Newsroom-Refresh"
# The copies nginx keeps of a page (deploy/nginx/front-cache.conf): the plain one first,
# which Newsroom renders; the gzipped one then comes from Newsroom's own page cache.
ENCODINGS = ("identity", "gzip")
TIMEOUT_SECONDS = 3


def site_paths() -> list[str]:
    """Pages that list the newest stories whatever they are about."""
    names = ["home", "latest", "feed", "feed-atom", "feed-json", "corrections"]
    names.append("corrections-feed")
    paths = [address(f"articles:{name}") for name in names]
    paths.append(address("sitemap"))
    paths.append(address("sitemap-news"))
    paths += [address("sitemap-section", section=key) for key in SITEMAPS]
    return paths


def story_paths(article: Article) -> list[str]:
    """The story's own page, and the section, tag, author and date pages that list it."""
    paths = [article.get_absolute_url()]
    section = article.section
    while section is not None:
        slug = section.slug
        paths += [
            section.get_absolute_url(),
            address("articles:section-feed", slug=slug),
            address("articles:section-feed-atom", slug=slug),
        ]
        section = section.parent
    for tag in article.tags.all():
        paths += [
            tag.get_absolute_url(),
            address("articles:tag-feed", slug=tag.slug),
            address("articles:tag-feed-atom", slug=tag.slug),
        ]
    for author in article.authors.all():
        paths += [author.get_absolute_url(), address("articles:author-feed", slug=author.slug)]
    if article.published_at is not None:
        day = timezone.localtime(article.published_at)
        month, date = f"{day.month:02d}", f"{day.day:02d}"
        paths += [
            address("articles:archive-year", year=day.year),
            address("articles:archive-month", year=day.year, month=month),
            address("articles:archive-day", year=day.year, month=month, day=date),
        ]
    return paths


def in_every_language(make_paths) -> list[str]:
    """``make_paths()`` under each interface language: ``/``, ``/fr/``, ``/ar/``..."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            paths += make_paths()
    return paths


def is_configured() -> bool:
    return bool(settings.NEWSROOM_FRONT_CACHE_URL)


def refresh_story_on_commit(
    *, article: Article, before: Article | None = None, also: Iterable[str] = ()
) -> None:
    """After commit, refresh every page showing ``article`` (as it is then), and ``also``.

    Pages listing the story as it is now, or as it was (``before``: its old tags,
    section, address), are gathered at once; those listing it after the change, once the
    transaction has committed. Nothing is sent for a story readers have never seen.
    """
    seen = article.has_been_published or (before is not None and before.has_been_published)
    if not is_configured() or not seen:
        return
    if before is not None:
        also = [*also, *in_every_language(lambda: story_paths(before))]
    now = [*also, *in_every_language(lambda: story_paths(article))] if article.pk else also

    def after_commit():
        paths = list(now)
        if article.pk is not None:
            stored = Article.objects.select_related("section").filter(pk=article.pk).first()
            if stored is not None:
                paths += in_every_language(lambda: story_paths(stored))
        refresh_in_background(paths + in_every_language(site_paths))

    transaction.on_commit(after_commit)


def refresh_in_background(paths: Iterable[str]) -> threading.Thread:
    """Send the refresh requests from a thread of their own; returns the thread."""
    thread = threading.Thread(
        target=refresh, args=(list(dict.fromkeys(paths)),), name="front-cache", daemon=True
    )
    thread.start()
    return thread


def refresh(paths: list[str]) -> None:
    """Ask the front cache for each page; log what fails, raise nothing."""
    base = settings.NEWSROOM_FRONT_CACHE_URL.rstrip("/")
    headers = {REFRESH_HEADER: settings.NEWSROOM_FRONT_CACHE_SECRET}
    if settings.NEWSROOM_FRONT_CACHE_HOST:
        headers["Host"] = settings.NEWSROOM_FRONT_CACHE_HOST
    for path in paths:
        for encoding in ENCODINGS:
            request = urllib.request.Request(
                base + path, headers=headers | {"Accept-Encoding": encoding}
            )
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                    response.read()
            except urllib.error.HTTPError as error:
                if error.code >= 500:
                    logger.warning("Front cache refresh of %s answered %s", path, error.code)
            except (OSError, ValueError) as error:
                logger.warning(
                    "Front cache at %s not refreshed (%d pages keep their copy until it "
                    "expires): %s",
                    base,
                    len(paths),
                    error,
                )
                return
