"""Lighthouse scores of the public pages as production serves them: ``make audit``.

Runs the pinned Lighthouse (package.json) with Debian's Chromium, with mobile emulation
and simulated mobile network, on every kind of reader's page, prints a table of the four
category scores and exits with status 1 if any is under the threshold (95).

Lighthouse's mobile profile slows the CPU four times, which assumes a fast desktop; as
Lighthouse's throttling guide advises, the slowdown is calibrated to this machine from
the benchmark index Lighthouse measures (so a slow or busy machine is not counted as a
slow page). Audits that count a page's purpose against it are left out for that page:
the 404 page is meant to answer 404 (status code, the console's "failed to load" line),
and search results are kept out of search engines on purpose (noindex).

    .venv/bin/python tools/lighthouse.py [--languages en,ar] [--min-score 95] [--runs 1]
        [--json-dir DIR] [PAGE ...]
"""

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.production_site import ROOT, production_site

LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-background-networking --disable-gpu"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = ["home", "section", "tag", "author", "story", "arabic-story", "search", "not-found"]


# Audits a page fails by design, by page.
BY_DESIGN = {
    "not-found": ["http-status-code", "errors-in-console"],
    "search": ["is-crawlable"],
}


def run_lighthouse(url: str, report: Path, *options: str, attempts: int = 3) -> dict:
    """Lighthouse's result for ``url`` (also written to ``report``).

    A failed run is tried again: Lighthouse now and then fails to record a trace
    (NO_NAVSTART) on a busy machine and asks to be run again.
    """
    for attempt in range(1, attempts):
        try:
            return run_lighthouse_once(url, report, *options)
        except (subprocess.CalledProcessError, RuntimeError) as error:
            print(f"  run {attempt} failed ({error}); again", file=sys.stderr)
    return run_lighthouse_once(url, report, *options)


def run_lighthouse_once(url: str, report: Path, *options: str) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--form-factor=mobile",
            f"--chrome-flags={CHROME_FLAGS}",
            "--max-wait-for-load=30000",
            *options,
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")},
        check=True,
    )
    result = json.loads(report.read_text())
    if error := result.get("runtimeError"):
        raise RuntimeError(f"{url}: {error['code']}: {error.get('message', '')}")
    return result


def cpu_slowdown(benchmark_index: float) -> float:
    """The CPU slowdown that makes this machine a mid-range phone, by Lighthouse's own
    calibration table: index 150 → 1×, 800 → 2×, 1300 → 3×, then 1× more per 233."""
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def calibrate(url: str, report: Path) -> float:
    result = run_lighthouse(url, report, "--only-categories=seo")
    return round(cpu_slowdown(result["environment"]["benchmarkIndex"]), 1)


def scores_of(result: dict) -> dict[str, int]:
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def lighthouse(url: str, report: Path, *, slowdown: float, skip: list[str]) -> dict[str, int]:
    """The four category scores (0 to 100) of ``url``; the full report goes to ``report``."""
    options = [
        f"--only-categories={','.join(CATEGORIES)}",
        f"--throttling.cpuSlowdownMultiplier={slowdown}",
        "--ignore-status-code",  # the 404 page answers 404; other pages are checked for 200
    ]
    if skip:
        options.append(f"--skip-audits={','.join(skip)}")
    return scores_of(run_lighthouse(url, report, *options))


def shortfalls(report: Path) -> list[str]:
    """The audits that cost points, with their titles, to say what to fix."""
    result = json.loads(report.read_text())
    lost = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                lost.append(f"{category}: {audit['id']} ({audit['score']}): {audit['title']}")
    return lost


def table(scores: dict[str, dict[str, int]]) -> str:
    lines = [
        "| page | " + " | ".join(CATEGORIES) + " |",
        "| --- | " + " | ".join("---:" for _ in CATEGORIES) + " |",
    ]
    for page, row in scores.items():
        lines.append(f"| {page} | " + " | ".join(str(row[name]) for name in CATEGORIES) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=PAGES, help=f"of {', '.join(PAGES)}")
    parser.add_argument("--min-score", type=int, default=95)
    parser.add_argument(
        "--languages", default="en,ar", help="interface languages, comma-separated (en,ar)"
    )
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median counts")
    parser.add_argument("--json-dir", type=Path, help="keep the full reports here")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} is missing: run `npm ci` (or `make audit`).", file=sys.stderr)
        return 2

    scores = {}
    with tempfile.TemporaryDirectory() as scratch:
        reports = args.json_dir or Path(scratch)
        reports.mkdir(parents=True, exist_ok=True)
        with production_site() as site:
            slowdown = calibrate(site.url + "/", reports / "calibration.json")
            print(f"CPU slowdown for this machine: {slowdown}x", file=sys.stderr)
            for language, page in itertools.product(args.languages.split(","), args.pages):
                path = site.pages[language][page]
                print(f"Lighthouse: {language} {page} ({path})", file=sys.stderr)
                runs = []
                for run in range(args.runs):
                    report = reports / f"{language}-{page}-{run + 1}.json"
                    url = site.url + path
                    skip = BY_DESIGN.get(page, [])
                    runs.append(lighthouse(url, report, slowdown=slowdown, skip=skip))
                    for line in shortfalls(report):
                        print(f"  {line}", file=sys.stderr)
                scores[f"{language} {page}"] = {
                    name: statistics.median_low(run[name] for run in runs) for name in CATEGORIES
                }

    print(table(scores))
    low = [
        f"{page} {name} {score}"
        for page, row in scores.items()
        for name, score in row.items()
        if score < args.min_score
    ]
    if low:
        print(f"Under {args.min_score}: " + ", ".join(low), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
