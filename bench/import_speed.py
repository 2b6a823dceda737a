"""Time ``manage.py import_seeds`` on made-up seed files and a throwaway SQLite database.

    .venv/bin/python bench/import_speed.py --files 10000

Writes N seed files (about 600 words, a Title/Section/Tags/Byline header, 3 to 6 tags
from a pool of 300) into a temporary folder, migrates a fresh SQLite database in a
temporary file, imports the folder and prints files per second and the peak memory
of the process (and of the process that parses files alongside it). Run it again
with ``--twice`` to also time a re-run that changes nothing.
"""

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "the",
    "minister",
    "said",
    "on",
    "monday",
    "that",
    "the",
    "new",
    "pipeline",
    "would",
    "carry",
    "gas",
    "from",
    "the",
    "south",
    "to",
    "the",
    "coast",
    "within",
    "two",
    "years",
    "while",
    "farmers",
    "in",
    "the",
    "region",
    "asked",
    "for",
    "water",
    "and",
    "schools",
    "hospitals",
    "roads",
    "and",
    "a",
    "railway",
    "line",
    "to",
    "the",
    "port",
    "city",
    "where",
    "thousands",
    "of",
    "workers",
    "wait",
    "for",
    "jobs",
    "in",
    "factories",
    "that",
    "closed",
    "during",
    "the",
    "drought",
    "of",
    "the",
    "last",
    "decade",
]
SECTIONS = ["News", "Sport", "Culture", "Economy", "World"]


def make_files(folder: Path, count: int, rng: random.Random) -> None:
    tag_pool = [f"Topic {n}" for n in range(300)]
    authors = [f"Reporter {n}" for n in range(40)]
    for n in range(count):
        paragraphs = []
        for _paragraph in range(10):
            words = rng.choices(WORDS, k=60)
            words[0] = words[0].capitalize()
            paragraphs.append(" ".join(words) + f" (story {n}).")
        header = [
            f"Title: Story number {n} about {rng.choice(WORDS)} and {rng.choice(WORDS)}",
            f"Section: {rng.choice(SECTIONS)}",
            f"Tags: {', '.join(rng.sample(tag_pool, rng.randint(3, 6)))}",
            f"Byline: {', '.join(rng.sample(authors, rng.randint(1, 2)))}",
            "Date: 2024-03-04T09:30:00+01:00",
        ]
        text = "\n".join(header) + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"{n:06d}.txt").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--twice", action="store_true", help="Also time an unchanged re-run.")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="import-bench-"))
    os.environ["NEWSROOM_SQLITE_PATH"] = str(root / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

    import django

    django.setup()
    from django.core.management import call_command

    seeds = root / "seeds"
    seeds.mkdir()
    started = time.perf_counter()
    make_files(seeds, args.files, random.Random(1))
    print(f"wrote {args.files} files in {time.perf_counter() - started:.1f} s into {seeds}")
    call_command("migrate", verbosity=0)
    runs = ["first import", "unchanged re-run"] if args.twice else ["first import"]
    for label in runs:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        call_command("import_seeds", str(seeds), "--create-sections", verbosity=0)
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(
            f"{label}: {args.files} files in {elapsed:.1f} s = "
            f"{args.files / elapsed:,.0f} files/s; peak memory {peak / 1024:.0f} MB "
            f"(was {before / 1024:.0f} MB before the import; the parsing process "
            f"{reader / 1024:.0f} MB)"
        )


if __name__ == "__main__":
    main()
