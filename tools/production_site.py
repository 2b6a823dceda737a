"""The public site as production serves it, on a throwaway database, for audits.

Debug off, gunicorn, whitenoise's compressed static files, a fresh SQLite file and media
folder under a temporary directory, the sample seeds and the test suite's sample site
(a story with a photo and a correction, an Arabic story, ...). Used by
``tools/lighthouse.py`` and ``tools/screenshots.py``.
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN_ARGS = ["--log-level", "warning", "newsroom.wsgi"]

# Run inside the project with Django set up: build the sample site, print its pages in
# each interface language.
BUILD_SAMPLE_SITE = """
import json, django
django.setup()
from django.conf import settings
from tests.sample_site import build_sample_site
site = build_sample_site()
print(json.dumps({code: site.pages(code) for code, name in settings.LANGUAGES}))
"""


@dataclass
class ProductionSite:
    url: str
    pages: dict[str, dict[str, str]]  # by interface language, then by kind of page


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_environment(folder: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_LOG_LEVEL="WARNING",
        NEWSROOM_SERVE_MEDIA="1",
        NEWSROOM_SQLITE_PATH=str(folder / "db.sqlite3"),
        NEWSROOM_MEDIA_ROOT=str(folder / "media"),
        PYTHONPATH=str(ROOT),
    )
    return env


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with status {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not answer within {seconds} seconds")


@contextmanager
def production_site(workers: int = 2) -> Iterator[ProductionSite]:
    """Set up the site in a temporary folder, serve it with gunicorn, and clean up after."""
    with tempfile.TemporaryDirectory(prefix="newsroom-audit-") as folder:
        env = production_environment(Path(folder))

        def manage(*args: str) -> None:
            # Errors still reach stderr; the usual progress lines are of no interest here.
            command = [PYTHON, "manage.py", *args]
            subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)

        manage("migrate", "--noinput", "--verbosity", "0")
        manage("import_seeds", "--verbosity", "0")
        manage("collectstatic", "--noinput", "--verbosity", "0")
        built = subprocess.run(
            [PYTHON, "-c", BUILD_SAMPLE_SITE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        pages = json.loads(built.stdout.strip().splitlines()[-1])
        url = f"http://127.0.0.1:{free_port()}"
        server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", *GUNICORN_ARGS],
            cwd=ROOT,
            env={
                **env,
                "GUNICORN_BIND": url.removeprefix("http://"),
                "GUNICORN_WORKERS": str(workers),
            },
            stdout=subprocess.DEVNULL,
        )
        try:
            wait_until_up(url + "/", server)
            yield ProductionSite(url=url, pages=pages)
        finally:
            server.terminate()
            server.wait(timeout=30)
