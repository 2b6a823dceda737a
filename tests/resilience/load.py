"""Readers and editors at once against gunicorn on loopback; exits 1 if anything was lost.

    .venv/bin/python -m tests.resilience.load [--seconds 15] [--readers 6]

Makes a fresh database (an SQLite file; with DATABASE_URL, a throwaway PostgreSQL
database beside the one named, dropped afterwards), starts gunicorn with
deploy/gunicorn.conf.py and debug off on a free port of 127.0.0.1, and for a bounded
time runs:

- readers fetching the home page, a section, stories, the feeds and search, some
  with ``If-None-Match`` as a browser revalidating its cached copy;
- pairs of editors racing to save the same story through ``articles.services`` with
  optimistic locking: exactly one of each pair may win, the other must be refused;
- a desk publishing drafts one by one.

It checks that no response was a 5xx, that every accepted save is in the story's
revision history and the final text is the last accepted one, and that each published
change is on the public pages at the very next request. With REDIS_URL set the page
cache is on (shared by the workers), so cached pages are exercised too. Prints a
summary; everything stops by itself well within a minute.
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_REQUESTS_PER_READER = 3000
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
RACE_PAIRS = 2
DRAFTS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Tally:
    """What the readers saw, shared by every thread."""

    statuses: Counter = field(default_factory=Counter)
    times: dict = field(default_factory=lambda: defaultdict(list))
    failures: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, status: int, seconds: float, url: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.times[kind].append(seconds)
            if status >= 500:
                self.failures.append(f"{status} from {url}")


class Site:
    """The throwaway database, media folder and gunicorn for one run."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.dropped_database = None
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
            "NEWSROOM_SERVE_MEDIA": "1",
            "NEWSROOM_MEDIA_ROOT": str(workdir / "media"),
            "NEWSROOM_CACHE_PREFIX": f"load-{uuid.uuid4().hex}",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": os.environ.get("GUNICORN_WORKERS", "4"),
        }
        if os.environ.get("DATABASE_URL"):
            self.env["DATABASE_URL"] = self._fresh_postgres(os.environ["DATABASE_URL"])
        else:
            self.env["NEWSROOM_SQLITE_PATH"] = str(workdir / "load.sqlite3")
        self.server = None

    def _fresh_postgres(self, url: str) -> str:
        import psycopg

        name = f"newsroom_load_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        self.dropped_database = (url, name)
        return urllib.parse.urlsplit(url)._replace(path=f"/{name}").geturl()

    def prepare(self) -> None:
        """Migrate the database and collect static files, side by side."""
        commands = [["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]]
        running = [
            subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env)
            for args in commands
        ]
        for args, process in zip(commands, running, strict=True):
            if process.wait(timeout=120) != 0:
                raise RuntimeError(f"manage.py {args[0]} failed")

    def start(self) -> None:
        self.log = open(self.workdir / "gunicorn.log", "w")  # noqa: SIM115
        self.server = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "newsroom.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/robots.txt", timeout=2).close()
                return
            except OSError:
                if self.server.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start; see " + str(self.workdir / "gunicorn.log"))

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.server is not None:
            self.log.close()
        if self.dropped_database:
            from django.db import connections

            connections.close_all()
            import psycopg

            url, name = self.dropped_database
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, dict]:
        request = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace"), dict(error.headers)


def fill(site_paths: dict) -> None:
    """Stories to read, stories to race on, drafts to publish (run after django.setup)."""
    from django.contrib.auth import get_user_model

    from articles import services
    from articles.models import Article, Section

    desk = get_user_model().objects.create_superuser("desk", "desk@example.org", None)
    section = Section.objects.create(name="Harbour", slug="harbour")
    for n in range(30):
        story = Article(
            headline=f"Harbour report {n}",
            section=section,
            dek=f"Ships and cranes, day {n}.",
            body=f"<p>Dockers said the cranes were busy on day {n}.</p>",
        )
        services.article_publish(article=story, user=desk)
    site_paths["story"] = story.get_absolute_url()
    site_paths["races"] = []
    for n in range(RACE_PAIRS):
        story = Article(headline=f"Contested story {n}", section=section, body="<p>Start.</p>")
        services.article_publish(article=story, user=desk)
        site_paths["races"].append(story.pk)
    site_paths["drafts"] = []
    for n in range(DRAFTS):
        draft = Article(headline=f"Breaking news number {n}", section=section, body="<p>Soon.</p>")
        services.article_save(article=draft, user=desk)
        site_paths["drafts"].append(draft.pk)


def reader(site: Site, tally: Tally, paths: list[tuple[str, str]], stop: threading.Event):
    etags = {}
    for count in range(MAX_REQUESTS_PER_READER):
        if stop.is_set():
            return
        kind, path = paths[count % len(paths)]
        headers = {}
        if count % 3 == 0 and path in etags:
            headers["If-None-Match"] = etags[path]
        started = time.perf_counter()
        try:
            status, _body, response_headers = site.get(path, headers)
        except OSError as exc:
            with tally.lock:
                tally.failures.append(f"{path}: {exc}")
            continue
        tally.record(kind, status, time.perf_counter() - started, path)
        if "ETag" in response_headers:
            etags[path] = response_headers["ETag"]


@dataclass
class EditLog:
    accepted: dict = field(default_factory=lambda: defaultdict(list))  # story -> [(version, text)]
    refused: int = 0
    ties: list = field(default_factory=list)
    stale_pages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def racing_editor(
    site: Site,
    story_id: int,
    name: str,
    barrier: threading.Barrier,
    log: EditLog,
    outcome: dict,
    stop: threading.Event,
):
    """One of two editors saving the same story at the same moment, round after round."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles import services
    from articles.locking import StaleEditError
    from articles.models import Article

    user = get_user_model().objects.get(username="desk")
    try:
        for round_number in range(1000):
            barrier.wait(timeout=30)
            if stop.is_set():
                break
            article = Article.objects.get(pk=story_id)
            barrier.wait(timeout=30)  # both hold the same version now
            text = f"{name} round {round_number} {uuid.uuid4().hex[:8]}"
            article.body = f"<p>{text}</p>"
            try:
                services.article_save(article=article, user=user, comment=text)
                outcome[name] = (article.version, text)
            except StaleEditError:
                outcome[name] = None
            barrier.wait(timeout=30)
            if outcome.get(name):
                with log.lock:
                    log.accepted[story_id].append(outcome[name])
                winners = [value for value in outcome.values() if value]
                if len(winners) != 1:
                    log.ties.append((story_id, round_number, winners))
                status, page, _headers = site.get(article.get_absolute_url())
                if status != 200 or text not in page:
                    log.stale_pages.append(f"{article.get_absolute_url()} lacks {text!r}")
            else:
                with log.lock:
                    log.refused += 1
            barrier.wait(timeout=30)
    except threading.BrokenBarrierError:
        pass
    finally:
        barrier.abort()
        connection.close()


def publishing_desk(site: Site, drafts: list[int], log: EditLog, pause: float):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from articles import services
    from articles.models import Article

    user = get_user_model().objects.get(username="desk")
    try:
        for story_id in drafts:  # all of them, a few, even if the readers have stopped
            time.sleep(pause)
            article = Article.objects.get(pk=story_id)
            services.article_publish(article=article, user=user)
            with log.lock:
                log.accepted[story_id].append((article.version, article.headline))
            for path in (article.get_absolute_url(), "/", f"/section/{article.section.slug}/"):
                status, page, _headers = site.get(path)
                if status != 200 or article.headline not in page:
                    log.stale_pages.append(f"{path} lacks {article.headline!r} ({status})")
            status, feed, _headers = site.get("/feed/")
            if article.headline not in feed:
                log.stale_pages.append(f"/feed/ lacks {article.headline!r}")
    finally:
        connection.close()


def check_history(log: EditLog) -> list[str]:
    """Every accepted save is a revision; each story ends with its last accepted text."""
    from reversion.models import Version

    from articles.models import Article

    problems = []
    for story_id, saves in log.accepted.items():
        article = Article.objects.get(pk=story_id)
        revisions = [
            version.field_dict["body"] + version.field_dict["headline"]
            for version in Version.objects.get_for_object(article)
        ]
        for _version, text in saves:
            if not any(text in revision for revision in revisions):
                problems.append(f"story {story_id}: accepted save {text!r} is not in its history")
        last_version, last_text = max(saves)
        if article.version != last_version or last_text not in article.body + article.headline:
            problems.append(
                f"story {story_id}: ends at version {article.version} with {article.body!r}, "
                f"not the last accepted save {last_text!r} (version {last_version})"
            )
    return problems


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[int(share * 100) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12, help="How long the load lasts.")
    parser.add_argument("--readers", type=int, default=6, help="Reader threads.")
    args = parser.parse_args()
    started = time.monotonic()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-load-"))
    site = Site(workdir)
    try:
        site.prepare()
        os.environ.update(site.env)
        sys.path.insert(0, str(ROOT))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
        import django

        django.setup()
        from django.conf import settings

        paths = {}
        fill(paths)
        site.start()
        setup_seconds = time.monotonic() - started
        cache = "on (Redis)" if settings.NEWSROOM_PAGE_CACHE_SECONDS else "off (no REDIS_URL)"
        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[1]
        print(
            f"gunicorn on {site.base}, {site.env['GUNICORN_WORKERS']} workers, {database}, "
            f"page cache {cache}; {args.readers} readers, {RACE_PAIRS} racing editor pairs, "
            f"a desk publishing {DRAFTS} drafts, for {args.seconds:.0f} s",
            flush=True,
        )

        read_paths = [
            ("home", "/"),
            ("section", "/section/harbour/"),
            ("story", paths["story"]),
            ("feed", "/feed/"),
            ("search", "/search/?q=cranes"),
            ("latest", "/latest/"),
            ("story", paths["story"]),
            ("search", f"/search/?q=day+{secrets.randbelow(30)}"),
        ]
        tally, log, stop = Tally(), EditLog(), threading.Event()
        threads = [
            threading.Thread(
                target=reader, args=(site, tally, read_paths[n:] + read_paths[:n], stop)
            )
            for n in range(args.readers)
        ]
        for story_id in paths["races"]:
            barrier, outcome = threading.Barrier(2), {}
            threads += [
                threading.Thread(
                    target=racing_editor,
                    args=(site, story_id, name, barrier, log, outcome, stop),
                )
                for name in ("amina", "karim")
            ]
        pause = args.seconds / (2 * DRAFTS)
        threads.append(
            threading.Thread(target=publishing_desk, args=(site, paths["drafts"], log, pause))
        )
        for thread in threads:
            thread.start()
        time.sleep(args.seconds)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        problems = [*tally.failures, *log.stale_pages, *check_history(log)]
        problems += [f"story {s}, round {r}: winners {w}" for s, r, w in log.ties]
        if log.refused == 0:
            problems.append("no save was refused: the editors never raced")
        if len(log.accepted) < RACE_PAIRS + DRAFTS:
            problems.append("not every story was saved or published during the run")

        requests = sum(tally.statuses.values())
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(tally.statuses.items()))
        print(f"{requests} reader requests ({statuses})")
        for kind, times in sorted(tally.times.items()):
            print(
                f"  {kind:8} {len(times):5} requests  p50 {percentile(times, 0.5) * 1000:6.1f} ms"
                f"  p95 {percentile(times, 0.95) * 1000:6.1f} ms"
            )
        saves = sum(len(saves) for saves in log.accepted.values())
        print(
            f"{saves} saves and publishes accepted, {log.refused} stale saves refused; "
            f"every change checked on the next request; setup {setup_seconds:.0f} s, "
            f"{time.monotonic() - started:.0f} s in all"
        )
        if problems:
            print(f"FAILED: {len(problems)} problems", file=sys.stderr)
            for problem in problems[:20]:
                print(f"  {problem}", file=sys.stderr)
            return 1
        print("Load check passed: no 5xx, no lost edit, every change fresh.")
        return 0
    finally:
        site.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
