"""A story change asks the front cache (nginx) to refresh the pages that show it."""

import http.server
import logging
import threading
import time
from datetime import UTC, datetime

import pytest

from articles import services
from articles.models import Tag

from .factories import ArticleFactory, AuthorFactory, SectionFactory

SECRET = "a-long-random-refresh-secret"


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append((self.path, dict(self.headers)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def front_cache(settings):
    """A stand-in front cache on a free port, recording every request it gets."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.NEWSROOM_FRONT_CACHE_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NEWSROOM_FRONT_CACHE_SECRET = SECRET
    settings.LANGUAGES = [("en", "English"), ("fr", "French")]
    yield server
    server.shutdown()
    server.server_close()


def refreshed(server, *, timeout: float = 5.0, quiet: float = 0.3) -> set[str]:
    """The paths the front cache was asked for, once requests have stopped coming."""
    deadline = time.monotonic() + timeout
    count, last_change = 0, time.monotonic()
    while time.monotonic() < deadline:
        if len(server.seen) != count:
            count, last_change = len(server.seen), time.monotonic()
        elif count and time.monotonic() - last_change > quiet:
            break
        time.sleep(0.02)
    return {path for path, _headers in server.seen}


@pytest.fixture
def story(db):
    parent = SectionFactory(slug="north-africa", name="North Africa")
    section = SectionFactory(slug="maghreb", name="Maghreb", parent=parent)
    return ArticleFactory(
        slug="gas-deal",
        section=section,
        published_at=datetime(2024, 3, 4, 10, 0, tzinfo=UTC),
        authors=[AuthorFactory(slug="amina")],
        tags=[Tag.objects.create(name="Energy", slug="energy")],
    )


def test_publishing_refreshes_every_page_showing_the_story(
    front_cache, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story)
    paths = refreshed(front_cache)
    assert {
        "/2024/03/04/gas-deal/",
        "/",
        "/latest/",
        "/section/maghreb/",
        "/section/maghreb/feed/",
        "/section/north-africa/",
        "/tag/energy/",
        "/tag/energy/feed/",
        "/author/amina/",
        "/2024/",
        "/2024/03/",
        "/2024/03/04/",
        "/feed/",
        "/feed/atom/",
        "/feed.json",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/sitemap-news.xml",
        "/corrections/",
        "/corrections/feed/",
    } <= paths
    assert "/tag/other/" not in paths


def test_refresh_requests_carry_the_secret_for_each_language_s_address(
    front_cache, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story)
    paths = refreshed(front_cache)
    assert {"/2024/03/04/gas-deal/", "/fr/2024/03/04/gas-deal/", "/fr/", "/fr/feed/"} <= paths
    assert not any(path.startswith("/ar/") for path in paths)  # not one of the site's
    assert all(headers["X-Newsroom-Refresh"] == SECRET for _path, headers in front_cache.seen)
    # Each address once for each copy nginx keeps: plain, then gzipped.
    asked = [(path, headers["Accept-Encoding"]) for path, headers in front_cache.seen]
    assert len(asked) == len(set(asked)) == 2 * len(paths)
    assert {encoding for _path, encoding in asked} == {"identity", "gzip"}
    story_page = [encoding for path, encoding in asked if path == "/2024/03/04/gas-deal/"]
    assert story_page == ["identity", "gzip"]


def test_a_moved_story_refreshes_its_old_address_and_old_section(
    front_cache, story, django_capture_on_commit_callbacks
):
    story.slug = "gas-agreement"
    story.section = SectionFactory(slug="economy")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=story)
    paths = refreshed(front_cache)
    assert {
        "/2024/03/04/gas-deal/",
        "/2024/03/04/gas-agreement/",
        "/section/maghreb/",
        "/section/economy/",
    } <= paths


def test_a_deleted_story_refreshes_the_pages_that_listed_it(
    front_cache, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_delete(article=story)
    paths = refreshed(front_cache)
    assert {"/2024/03/04/gas-deal/", "/section/maghreb/", "/tag/energy/", "/"} <= paths


def test_a_correction_refreshes_the_story_and_the_corrections_page(
    front_cache, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.correction_add(article=story, kind="correction", text="The deal is for gas.")
    paths = refreshed(front_cache)
    assert {"/2024/03/04/gas-deal/", "/corrections/", "/corrections/feed/"} <= paths


def test_nothing_is_sent_before_the_transaction_commits(
    front_cache, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.article_save(article=story)
    time.sleep(0.2)
    assert front_cache.seen == []
    assert callbacks


def test_saving_a_draft_sends_nothing(front_cache, db, django_capture_on_commit_callbacks):
    draft = ArticleFactory(draft=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=draft)
    time.sleep(0.3)
    assert front_cache.seen == []


def test_unpublishing_a_story_refreshes_its_pages(
    front_cache, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=story)
    paths = refreshed(front_cache)
    assert {"/2024/03/04/gas-deal/", "/section/maghreb/", "/tag/energy/", "/"} <= paths


def test_nothing_is_sent_when_no_front_cache_is_set(
    settings, story, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_FRONT_CACHE_URL = ""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.article_save(article=story)
    assert callbacks
    assert all(callback.__module__ != "articles.front_cache" for callback in callbacks)


def test_an_unreachable_front_cache_is_logged_and_the_editor_is_not_held_up(
    settings, story, django_capture_on_commit_callbacks, caplog
):
    settings.NEWSROOM_FRONT_CACHE_URL = "http://127.0.0.1:9"  # nothing listens here
    settings.NEWSROOM_FRONT_CACHE_SECRET = SECRET
    caplog.set_level(logging.WARNING, logger="articles.front_cache")
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        saved = services.article_save(article=story)
    assert saved.pk == story.pk
    assert time.monotonic() - started < 2
    deadline = time.monotonic() + 5
    while not caplog.records and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "Front cache at http://127.0.0.1:9 not refreshed" in caplog.text
