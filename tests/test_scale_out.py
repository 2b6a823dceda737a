"""Two app server processes on one PostgreSQL and one Redis, as on two app hosts.

A story published through one process is seen fresh through the other on the next
request, though the other had the home page cached. Runs when DATABASE_URL points at
PostgreSQL and REDIS_URL is set (the PostgreSQL stage of .ci/run, which sets
NEWSROOM_REQUIRE_SCALE_OUT=1 so that a skip there is a failure).
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from articles.models import Article

from .factories import ArticleFactory, SectionFactory, UserFactory
from .local_servers import free_port

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


def _why_not() -> str | None:
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL)"
    if not os.environ.get("REDIS_URL"):
        return "needs Redis (REDIS_URL)"
    return None


@pytest.fixture
def shared_services(db):
    reason = _why_not()
    if reason:
        if os.environ.get("NEWSROOM_REQUIRE_SCALE_OUT") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def start_app_server(env: dict) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=2)
            return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app server did not start")


class Browser:
    """A reader or an editor: cookies kept, no redirects followed silently."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as response:
            return response.read().decode()

    def post(self, url: str, data: dict) -> str:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def csrf_token(self, url: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(url)).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_story_published_on_one_host_is_fresh_on_the_other(shared_services, settings):
    # The app servers check passwords with the production hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    SectionFactory(name="News", slug="news")
    editor = UserFactory(username="desk", is_staff=True, is_superuser=True)
    ArticleFactory(headline="Already on the home page")
    draft = ArticleFactory(headline="Breaking: the dam is open", draft=True)

    test_database = connection.settings_dict["NAME"]
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    env = {
        **os.environ,
        "DATABASE_URL": url._replace(path=f"/{test_database}").geturl(),
        "NEWSROOM_CACHE_PREFIX": f"scale-out-{uuid.uuid4().hex}",
        "NEWSROOM_PAGE_CACHE_SECONDS": "300",
    }
    first, first_url = start_app_server(env)
    second, second_url = start_app_server(env)
    try:
        reader = Browser()
        home = reader.get(second_url + "/")
        assert "Already on the home page" in home
        assert "Breaking: the dam is open" not in reader.get(second_url + "/")  # now cached

        desk = Browser()
        login = first_url + "/admin/login/"
        desk.post(
            login,
            {
                "csrfmiddlewaretoken": desk.csrf_token(login),
                "username": editor.username,
                "password": PASSWORD,
                "next": "/admin/",
            },
        )
        changelist = first_url + "/admin/articles/article/"
        desk.post(
            changelist,
            {
                "csrfmiddlewaretoken": desk.csrf_token(changelist),
                "action": "publish_selected",
                "_selected_action": [draft.pk],
            },
        )
        assert Article.objects.get(pk=draft.pk).is_public

        assert "Breaking: the dam is open" in reader.get(second_url + "/")
    finally:
        for process in (first, second):
            process.terminate()
            process.wait(timeout=10)
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")  # the tests' own, too
