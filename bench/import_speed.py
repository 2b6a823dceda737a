"""Time ``manage.py import_seeds`` on made-up seed files and a throwaway SQLite database.

    .venv/bin/python bench/import_speed.py --files 10000

Writes N seed files (about 600 words, a Title/Section/Tags/Byline header, 3 to 6 tags
from a pool of 300) into a temporary folder, migrates a fresh SQLite database in a
temporary file, imports the folder and prints files per second and the peak memory
of the process (and of the process that parses files alongside it), and the CPU
time of both: the machine is shared, so CPU time compares runs better than wall time.
``--twice`` also times a re-run that changes nothing; ``--seeds DIR`` keeps the files
in DIR (written only if it holds none) to reuse them; ``--profile FILE`` saves a
cProfile of the first import.
"""

import argparse
import cProfile
import os
import random
import resource
import shutil
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
    parser.add_argument("--seeds", type=Path, help="Keep the seed files here and reuse them.")
    parser.add_argument("--profile", type=Path, help="Save a cProfile of the first import.")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        run(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def run(args: argparse.Namespace, root: Path) -> None:
    """The imports, on a database (and, without --seeds, seed files) under ``root``."""
    os.environ["NEWSROOM_SQLITE_PATH"] = str(root / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import common  # noqa: F401  (sets Django up as production runs it: debug off)
    from django.core.management import call_command

    seeds = args.seeds or root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    if next(seeds.glob("*.txt"), None) is None:
        started = time.perf_counter()
        make_files(seeds, args.files, random.Random(1))
        print(f"wrote {args.files} files in {time.perf_counter() - started:.1f} s into {seeds}")
    files = sum(1 for _path in seeds.glob("*.txt"))
    call_command("migrate", verbosity=0)
    runs = ["first import", "unchanged re-run"] if args.twice else ["first import"]
    for label in runs:
        profile = cProfile.Profile() if args.profile and label == "first import" else None
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        children_before = _cpu(resource.RUSAGE_CHILDREN)
        cpu_before = time.process_time()
        started = time.perf_counter()
        if profile:
            profile.enable()
        call_command("import_seeds", str(seeds), "--create-sections", verbosity=0)
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_before
        children = _cpu(resource.RUSAGE_CHILDREN) - children_before
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(
            f"{label}: {files} files in {elapsed:.1f} s = "
            f"{files / elapsed:,.0f} files/s; CPU {cpu:.1f} s importing "
            f"({cpu / files * 1000:.2f} ms a file), {children:.1f} s parsing alongside; "
            f"peak memory {peak / 1024:.0f} MB (was {before / 1024:.0f} MB before the "
            f"import; the parsing process {reader / 1024:.0f} MB)"
        )


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
