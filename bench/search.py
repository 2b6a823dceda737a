"""Time search pages at scale on a throwaway database.

    NEWSROOM_SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/search.py
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/search.py --stories 100000

Fills the database with made-up stories (Zipf-distributed words, a fifth of them in
French, one in five unpublished) unless it already holds them, indexes them, then
times ``search()`` as the results page uses it: the count and the first page ("1000+"
when more stories match than a search counts). Wall times on a busy machine include
waiting for a core; the CPU column is this process's own time (on SQLite, the whole
search). It refuses to run on a database holding any other story.
"""

import argparse
import itertools
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.search import rebuild_search_index, search  # noqa: E402

SLUG_PREFIX = "bench-"
# Real words placed among made-up ones at ranks from very common (50) to rare (2,600).
NAMED_WORDS = " ".join(
    [
        "government minister election pipeline energy gas oil water school hospital market",
        "price economy bank inflation budget parliament president court police football",
        "stadium festival museum university student teacher farmer drought rain harbour",
        "port ship railway road airport tourism hotel export import trade agreement summit",
        "border security army protest strike union worker factory industry mining phosphate",
        "desert sahara algiers oran constantine annaba tlemcen béjaïa sétif école musée",
    ]
).split()
QUERIES = [
    "government",
    "pipeline",
    "government budget",
    '"energy minister"',
    "school -teacher",
    "ecole",
    "algiers",
    "phosphate mining export",
    "nosuchword",
]


def vocabulary() -> tuple[list[str], list[float]]:
    rng = random.Random(0)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 10)))
        for _ in range(30_000)
    ]
    for position, word in enumerate(NAMED_WORDS):
        words[50 + position * 37] = word
    weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words))]
    return words, list(itertools.accumulate(weights))


def generate(count: int) -> None:
    words, cumulative = vocabulary()
    rng = random.Random(1)

    def sentence(length: int) -> str:
        return " ".join(rng.choices(words, cum_weights=cumulative, k=length)).capitalize() + "."

    section, _created = Section.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    statuses = [Article.Status.PUBLISHED] * 8 + [Article.Status.DRAFT, Article.Status.REVIEW]
    start = Article.objects.count()
    now = timezone.now()
    for first in range(start, start + count, 2000):
        Article.objects.bulk_create(
            Article(
                headline=sentence(8),
                slug=f"{SLUG_PREFIX}{n}",
                dek=sentence(20),
                body="".join(f"<p>{sentence(40)}</p>" for _paragraph in range(8)),
                section=section,
                status=rng.choice(statuses),
                published_at=now - timedelta(minutes=n),
                language="fr" if n % 5 == 0 else "en",
            )
            for n in range(first, min(first + 2000, start + count))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30, help="Timed searches per query.")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if Article.objects.exclude(slug__startswith=SLUG_PREFIX).exists():
        sys.exit("This database holds real stories; run the benchmark on a throwaway one.")
    missing = args.stories - Article.objects.count()
    if missing > 0:
        started = time.perf_counter()
        generate(missing)
        print(f"Generated {missing} stories in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        indexed = rebuild_search_index()
        print(f"Indexed {indexed} stories in {time.perf_counter() - started:.0f} s")

    print(f"{connection.vendor}, {Article.objects.count()} stories; times in ms")
    for query in QUERIES:
        timings, cpu = [], []
        for _run in range(args.runs + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            results = search(query)
            total = results.count()
            results[0:20]
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        timings = sorted(timings[1:])  # the first run warms caches
        p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
        more = "+" if results.is_truncated else " "
        print(
            f"{query!r:28} {total:7d}{more} found   median {statistics.median(timings):6.1f}"
            f"   p95 {p95:6.1f}   this process's CPU median {statistics.median(cpu[1:]):6.1f}"
        )


if __name__ == "__main__":
    main()
