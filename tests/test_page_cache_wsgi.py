"""Cached pages answered in front of Django (``newsroom.wsgi``), by the page cache's rules."""

import io
import sys
from datetime import timedelta
from wsgiref.headers import Headers

import pytest
import time_machine
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import newsroom.wsgi
from articles import page_cache, services
from articles.page_cache import CachedPagesFirst

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes, django: bool):
        self.status_code = int(status.split()[0])
        self.status = status
        self.header_list = headers
        self.headers = Headers(headers)
        self.body = body
        self.django = django  # whether Django handled the request (its signals were sent)

    def __getitem__(self, name):
        return self.headers[name]

    def __contains__(self, name):
        return name in self.headers


def serve(path="/", *, method="GET", host="testserver", https=False, **headers) -> Answer:
    """One request through the WSGI application a server such as gunicorn runs, built
    afresh as ``newsroom.wsgi`` builds it, so that its middleware reads this test's settings."""
    application = CachedPagesFirst(WSGIHandler())
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "443" if https else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https" if https else "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    environ |= {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in headers.items()}
    started = []

    def on_request_started(**kwargs):
        started.append(kwargs)

    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=status, headers=response_headers)

    request_started.connect(on_request_started)
    try:
        body = application(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
    finally:
        request_started.disconnect(on_request_started)
    return Answer(answer["status"], answer["headers"], content, django=bool(started))


def test_the_server_runs_django_behind_the_cached_pages():
    assert isinstance(newsroom.wsgi.application, CachedPagesFirst)
    assert isinstance(newsroom.wsgi.application.application, WSGIHandler)


def test_a_hit_is_answered_before_django_with_the_page_and_headers_django_gives():
    ArticleFactory(headline="Served in front")
    client = Client()
    # The clock stands still, so that both hits give the same Age.
    with time_machine.travel(timezone.now(), tick=False):
        miss = client.get("/")
        django_hit = client.get("/")
        with CaptureQueriesContext(connection) as queries:
            hit = serve("/")
    assert (miss["X-Cache"], django_hit["X-Cache"], hit["X-Cache"]) == ("miss", "hit", "hit")
    assert not hit.django and len(queries) == 0
    assert hit.status == "200 OK"
    assert hit.header_list == list(django_hit.items())
    assert hit.body == django_hit.content
    assert b"Served in front" in hit.body


def test_a_hit_carries_the_security_headers_of_the_page_as_first_served():
    ArticleFactory()
    first = serve("/")
    hit = serve("/")
    assert (first.django, hit.django) == (True, False)
    for name in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Type",
        "Content-Length",
        "Content-Language",
        "Cache-Control",
        "ETag",
        "Last-Modified",
    ):
        assert hit[name] == first[name], name
    assert "accept-language" not in (hit["Vary"] or "").lower()


def test_head_is_answered_from_the_same_page():
    ArticleFactory()
    page = serve("/")
    head = serve("/", method="HEAD")
    assert not head.django and head["X-Cache"] == "hit"
    assert head["ETag"] == page["ETag"] and head["Content-Length"] == page["Content-Length"]


@pytest.mark.parametrize("header", ["If-None-Match", "weak If-None-Match", "If-Modified-Since"])
def test_an_unchanged_page_answers_304_without_its_policy(header):
    ArticleFactory()
    page = serve("/")
    validator = {
        "If-None-Match": page["ETag"],
        "weak If-None-Match": "W/" + page["ETag"],  # as passed on by nginx's gzip
        "If-Modified-Since": page["Last-Modified"],
    }[header]
    header = header.removeprefix("weak ")
    again = serve("/", **{header: validator})
    assert again.status == "304 Not Modified" and not again.django
    assert again.body == b""
    assert again["ETag"] == page["ETag"]
    assert "Content-Security-Policy" not in again


def test_a_host_the_site_does_not_answer_gets_400_from_django():
    ArticleFactory()
    serve("/")
    assert serve("/")["X-Cache"] == "hit"
    refused = serve("/", host="evil.example")
    assert refused.status_code == 400 and refused.django
    assert "X-Cache" not in refused


def test_plain_http_is_redirected_and_https_is_answered_from_the_cache(settings):
    settings.SECURE_SSL_REDIRECT = True
    ArticleFactory()
    serve("/", https=True)
    assert not serve("/", https=True).django
    plain = serve("/")
    assert plain.status_code == 301 and plain.django
    assert plain["Location"] == "https://testserver/"


def test_editors_never_get_the_readers_page(editor_client):
    ArticleFactory(headline="Public story")
    serve("/")
    session = editor_client.cookies["sessionid"].value
    editor = serve("/", Cookie=f"sessionid={session}")
    assert editor.django and "X-Cache" not in editor
    assert "private" in editor["Cache-Control"]


def test_each_address_keeps_its_own_language():
    ArticleFactory()
    serve("/")
    serve("/fr/")
    english, french = serve("/"), serve("/fr/", **{"Accept-Language": "en"})
    assert not english.django and not french.django
    assert b'<html lang="en"' in english.body and english["Content-Language"] == "en"
    assert b'<html lang="fr"' in french.body and french["Content-Language"] == "fr"


def test_a_change_is_seen_by_the_next_request():
    story = ArticleFactory(headline="Before the change")
    serve(story.get_absolute_url())
    assert not serve(story.get_absolute_url()).django
    story.headline = "After the change"
    services.article_save(article=story)
    fresh = serve(story.get_absolute_url())
    assert fresh.django and fresh["X-Cache"] == "miss"
    assert b"After the change" in fresh.body


def test_a_scheduled_story_appears_on_time():
    at = timezone.now() + timedelta(minutes=2)
    ArticleFactory(headline="At ten past", published_at=at)
    serve("/")
    assert not serve("/").django
    with time_machine.travel(at - timedelta(seconds=5)):
        assert b"At ten past" not in serve("/").body
    with time_machine.travel(at + timedelta(seconds=1)):
        due = serve("/")
        assert due.django  # Django puts the story live, then renders the page afresh
        assert b"At ten past" in due.body


def test_a_cached_not_found_page_is_left_to_django_which_logs_it(caplog):
    ArticleFactory()
    serve("/no-such-page/")
    again = serve("/no-such-page/")
    assert again.status_code == 404 and again.django and again["X-Cache"] == "hit"
    assert "Not Found: /no-such-page/" in caplog.text


def test_posts_and_searches_go_to_django():
    ArticleFactory(headline="Findable")
    for method, path in [
        ("POST", "/"),
        ("GET", "/search/?q=findable"),
        ("GET", "/search/?q=findable"),
    ]:
        answer = serve(path, method=method)
        assert answer.django and "X-Cache" not in answer, (method, path)


def test_requests_with_credentials_go_to_django_even_once_their_address_is_known():
    ArticleFactory()
    serve("/")
    assert not serve("/", Cookie="theme=dark; lang=fr").django  # a reader's own cookies
    answer = serve("/", Authorization="Basic ZWRpdG9yOnNlY3JldA==")
    assert answer.django and "X-Cache" not in answer


def test_each_query_is_its_own_page():
    ArticleFactory()
    serve("/latest/")
    serve("/latest/?page=2")
    first, second = serve("/latest/"), serve("/latest/?page=2")
    assert first.status_code == 200 and not first.django
    assert second.status_code == 404 and second.django  # never the first page's copy


def test_a_host_refused_after_a_settings_change_is_no_longer_answered(settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    ArticleFactory()
    serve("/", host="news.example.org")
    assert not serve("/", host="news.example.org").django
    settings.ALLOWED_HOSTS = ["testserver"]
    refused = serve("/", host="news.example.org")
    assert refused.status_code == 400 and refused.django


def test_many_addresses_keep_the_answers_right(monkeypatch):
    monkeypatch.setattr(page_cache, "ADDRESSES_KEPT", 2)
    ArticleFactory()
    paths = ["/", "/fr/", "/latest/", "/search/?q=x"]
    for path in paths:
        serve(path)
    answers = [serve(path) for path in paths * 2]
    assert [answer.django for answer in answers] == [False, False, False, True] * 2
    assert len(page_cache._address_keys) <= 2
