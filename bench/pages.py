"""Time the public pages in-process, with the page cache off and on.

    NEWSROOM_SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/pages.py
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/pages.py --requests 50

Run bench/generate.py on the same database first. Django's test Client sends each
request through the whole middleware stack, with no network, debug off. For every page
it prints the median and 95th-percentile server time and the SQL queries of one
request: uncached (page cache off, per-process caches warm) and cached (page cache on,
after a first request fills it). ``--urls`` prints the pages' addresses instead, for
bench/throughput.sh; ``--change-story`` changes the timed story's headline through the
services (which refresh any front cache) and prints the words it added.
"""

import argparse
import math
import statistics
import sys
import threading
import time

from common import refuse_real_database
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.models import Article, Author, Section, Tag
from articles.sitemaps import PAGE_SIZE as SITEMAP_PAGE_SIZE

WARM_UP = 3
SEARCH_WORD = "government"


def targets() -> dict[str, tuple[str, str]]:
    """The pages to time, as key: (label, address), chosen from what the database holds."""
    published = Article.objects.published()
    section = Section.objects.annotate(stories=Count("articles")).order_by("-stories", "pk").first()
    tags = Tag.objects.annotate(stories=Count("tagged_articles")).filter(stories__gt=0)
    tag = tags.order_by("-stories", "pk").first()
    rare_tag = tags.order_by("stories", "pk").first()
    author = Author.objects.annotate(stories=Count("bylines")).order_by("-stories", "pk").first()
    if section is None or tag is None or author is None:
        sys.exit("No stories here: run bench/generate.py on this database first.")
    in_section = published.filter(section__in=[section, *section.children.all()]).count()
    deep_page = min(500, max(1, math.ceil(in_section / settings.NEWSROOM_PAGE_SIZE)))
    stories = published.count()
    story = published.order_by("-published_at")[stories // 2]
    last_sitemap_page = max(1, math.ceil(stories / SITEMAP_PAGE_SIZE))
    return {
        "home": ("home", "/"),
        "section": ("section", section.get_absolute_url()),
        "tag": ("tag", tag.get_absolute_url()),
        "rare_tag": (f"rare tag ({rare_tag.stories:,} stories)", rare_tag.get_absolute_url()),
        "author": ("author", author.get_absolute_url()),
        "deep": (f"section page {deep_page}", f"{section.get_absolute_url()}?page={deep_page}"),
        "story": ("story", story.get_absolute_url()),
        "search": (f"search ({SEARCH_WORD})", f"/search/?q={SEARCH_WORD}"),
        "feed": ("RSS feed", "/feed/"),
        "sitemap": ("sitemap.xml", "/sitemap.xml"),
        "story_sitemap": (
            f"story sitemap ({SITEMAP_PAGE_SIZE:,} urls)",
            "/sitemap-stories.xml?p=1",
        ),
        "last_story_sitemap": (
            f"story sitemap, last page ({last_sitemap_page})",
            f"/sitemap-stories.xml?p={last_sitemap_page}",
        ),
    }


def measure(client: Client, url: str, requests: int) -> tuple[float, float, int, int]:
    """Median and p95 milliseconds, median query count, and the last status code."""
    for _n in range(WARM_UP):
        client.get(url)
    timings, queries = [], []
    for _n in range(requests):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured))
    timings.sort()
    p95 = timings[max(0, math.ceil(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, round(statistics.median(queries)), response.status_code


def change_story(url: str) -> str:
    """Add a marker to the story's headline as an editor's save would; wait for refreshes."""
    story = Article.objects.get(slug=url.rstrip("/").rsplit("/", 1)[-1])
    marker = f"revised {time.time_ns()}"
    story.headline = f"{story.headline.split(' revised ')[0]} {marker}"
    services.article_save(article=story, comment="Benchmark change")
    for thread in threading.enumerate():
        if thread.name == "front-cache":
            thread.join()
    return marker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="Timed requests per page.")
    parser.add_argument("--urls", action="store_true", help="Print the pages' addresses only.")
    parser.add_argument(
        "--change-story", action="store_true", help="Change the story's headline (see above)."
    )
    args = parser.parse_args()

    refuse_real_database()
    pages = targets()
    if args.urls:
        for key, (_label, url) in pages.items():
            print(f"{key}={url}")
        return
    if args.change_story:
        print(change_story(pages["story"][1]))
        return
    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)

    client = Client()
    published = Article.objects.published().count()
    print(
        f"{connection.vendor}, {Article.objects.count():,} stories ({published:,} published); "
        f"{args.requests} requests per page after {WARM_UP} warm-up; times in ms"
    )
    header = (
        f"{'page':<28} {'uncached':>9} {'p95':>7} {'queries':>7}   "
        f"{'cached':>7} {'p95':>7} {'queries':>7}  status"
    )
    print(header)
    print("-" * len(header))
    for name, url in pages.values():
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=0):
            cache.clear()
            uncached = measure(client, url, args.requests)
        with override_settings(NEWSROOM_PAGE_CACHE_SECONDS=300):
            cached = measure(client, url, args.requests)
        print(
            f"{name:<28} {uncached[0]:9.1f} {uncached[1]:7.1f} {uncached[2]:7d}   "
            f"{cached[0]:7.1f} {cached[1]:7.1f} {cached[2]:7d}  {uncached[3]}/{cached[3]}"
        )
    print("Search pages are never cached (each query is its own page): both columns match.")


if __name__ == "__main__":
    main()
