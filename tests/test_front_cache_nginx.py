"""The front cache of deploy/nginx/, run by a real nginx in front of Newsroom.

A reader's second request is answered by nginx from its cache, with every header a
browser acts on exactly as Newsroom sends it; editors and private answers are never
kept. Skipped where nginx is not installed (Debian's ``nginx`` package), except in CI
(NEWSROOM_REQUIRE_NGINX=1).
"""

import gzip
from pathlib import Path

import pytest

from articles import services
from articles.front_cache import refresh as front_cache_refresh

from .factories import ArticleFactory, PreviewLinkFactory
from .local_servers import free_port, get, get_bytes, nginx

pytestmark = pytest.mark.django_db(transaction=True)

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
SECRET = "a-refresh-secret-for-tests"
# What browsers act on: these must reach readers from nginx's copy as Newsroom sent them.
KEPT = [
    "Content-Type",
    "Content-Language",
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cache-Control",
    "ETag",
    "Last-Modified",
]


@pytest.fixture
def front_cache(live_server, tmp_path, settings):
    """nginx with deploy/nginx/'s front cache on a port of its own, in front of the
    live server through the compressor, with Newsroom's page cache on; the address nginx
    answers at."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    port, compressor_port = free_port(), free_port()
    http = f"""
    proxy_cache_path {tmp_path}/cache keys_zone=newsroom:1m use_temp_path=off;
    include {DEPLOY}/front-cache-http.conf;
    map $http_x_newsroom_refresh $newsroom_refresh {{
        default 0;
        "{SECRET}" 1;
    }}
    server {{
        listen 127.0.0.1:{compressor_port};
        include {DEPLOY}/compression.conf;
        include {DEPLOY}/compressor.conf;
        location / {{
            proxy_pass {live_server.url};
        }}
    }}
    server {{
        listen 127.0.0.1:{port};
        proxy_set_header Host $host;
        include {DEPLOY}/compression.conf;
        location / {{
            proxy_pass http://127.0.0.1:{compressor_port};
            include {DEPLOY}/front-cache.conf;
        }}
    }}
"""
    with nginx(tmp_path, http, port):
        yield f"http://127.0.0.1:{port}"


def test_a_readers_second_request_is_answered_by_nginx_with_newsroom_s_headers(
    front_cache, live_server
):
    story = ArticleFactory(headline="Through the front cache")
    url = story.get_absolute_url()

    first_status, first, _ = get(front_cache + url)
    status, hit, text = get(front_cache + url)
    # As nginx asks for it (its Host header), straight from Newsroom.
    _, direct, _ = get(live_server.url + url, {"Host": "127.0.0.1"})

    assert (first_status, status) == (200, 200)
    assert (first["X-Front-Cache"], hit["X-Front-Cache"]) == ("MISS", "HIT")
    assert "Through the front cache" in text
    for name in KEPT:
        assert hit[name] == first[name] == direct[name], name
    assert "s-maxage=300" in hit["Cache-Control"]
    # Newsroom's own page cache and nginx's keep time are no concern of the reader's.
    assert direct["X-Cache"] and direct["X-Accel-Expires"].startswith("@")
    for name in ("X-Cache", "X-Cache-Generation", "X-Accel-Expires"):
        assert name not in hit, name


def test_editors_are_never_answered_from_the_cache_nor_fill_it(front_cache):
    story = ArticleFactory(headline="Read by an editor")
    url = story.get_absolute_url()
    editor = {"Cookie": "sessionid=an-editors-session"}

    _, first, _ = get(front_cache + url, editor)
    _, reader, _ = get(front_cache + url)
    get(front_cache + url)
    _, again, _ = get(front_cache + url, editor)

    assert first["X-Front-Cache"] == "BYPASS"
    assert reader["X-Front-Cache"] == "MISS"  # the editor's answer was not kept
    assert again["X-Front-Cache"] == "BYPASS"


def test_a_private_answer_is_never_kept(front_cache):
    link = PreviewLinkFactory()
    url = link.get_absolute_url()

    answers = [get(front_cache + url) for _ in range(2)]

    for status, headers, _ in answers:
        assert status == 200
        assert "private" in headers["Cache-Control"]
        assert headers["X-Front-Cache"] == "MISS"
        assert "X-Accel-Expires" not in headers


def test_the_refresh_secret_replaces_the_kept_copy(front_cache):
    story = ArticleFactory(headline="First headline")
    url = story.get_absolute_url()
    get(front_cache + url)
    story.headline = "Second headline"
    services.article_save(article=story)  # no NEWSROOM_FRONT_CACHE_URL: nginx not told

    _, kept, old = get(front_cache + url)
    _, refreshed, _ = get(front_cache + url, {"X-Newsroom-Refresh": SECRET})
    _, after, new = get(front_cache + url)

    assert kept["X-Front-Cache"] == "HIT" and "First headline" in old
    assert refreshed["X-Front-Cache"] == "BYPASS"
    assert after["X-Front-Cache"] == "HIT" and "Second headline" in new


def test_pages_and_feeds_are_compressed_for_readers_who_accept_it(front_cache, tmp_path):
    story = ArticleFactory(headline="Sent compressed", body="<p>A paragraph.</p>" * 200)
    url = story.get_absolute_url()
    gzipped = {"Accept-Encoding": "gzip, deflate, br"}

    _, plain_headers, plain = get_bytes(front_cache + url)
    _, first, first_body = get_bytes(front_cache + url, gzipped)
    _, hit, hit_body = get_bytes(front_cache + url, gzipped)
    _, feed_headers, feed = get_bytes(front_cache + "/feed/", gzipped)

    assert "Content-Encoding" not in plain_headers
    assert plain_headers.get_all("Vary") == ["Accept-Encoding"]
    # A copy of its own, kept compressed: a hit is not compressed again.
    assert (first["X-Front-Cache"], hit["X-Front-Cache"]) == ("MISS", "HIT")
    for headers, body in ((first, first_body), (hit, hit_body)):
        assert headers["Content-Encoding"] == "gzip"
        assert headers.get_all("Vary") == ["Accept-Encoding"]
        assert gzip.decompress(body) == plain
        assert len(body) < len(plain) / 4
    kept = sorted(
        entry.stat().st_size for entry in (tmp_path / "cache").rglob("*") if entry.is_file()
    )
    assert kept[0] < len(plain) / 2 < len(plain) < kept[-1]
    assert feed_headers["Content-Encoding"] == "gzip"
    assert b"Sent compressed" in gzip.decompress(feed)


def test_a_reader_who_refuses_gzip_gets_the_plain_copy(front_cache):
    url = ArticleFactory(headline="Plain for some").get_absolute_url()
    get_bytes(front_cache + url)

    _, headers, body = get_bytes(front_cache + url, {"Accept-Encoding": "gzip;q=0, identity"})

    assert headers["X-Front-Cache"] == "HIT"
    assert "Content-Encoding" not in headers
    assert b"Plain for some" in body


def test_a_refresh_replaces_both_copies(front_cache, settings):
    story = ArticleFactory(headline="Old headline")
    url = story.get_absolute_url()
    gzipped = {"Accept-Encoding": "gzip"}
    get_bytes(front_cache + url)
    get_bytes(front_cache + url, gzipped)
    story.headline = "New headline"
    services.article_save(article=story)  # no NEWSROOM_FRONT_CACHE_URL yet: nginx not told
    settings.NEWSROOM_FRONT_CACHE_URL = front_cache
    settings.NEWSROOM_FRONT_CACHE_SECRET = SECRET

    front_cache_refresh([url])
    _, plain_headers, plain = get_bytes(front_cache + url)
    _, gzip_headers, compressed = get_bytes(front_cache + url, gzipped)

    assert plain_headers["X-Front-Cache"] == gzip_headers["X-Front-Cache"] == "HIT"
    assert b"New headline" in plain
    assert b"New headline" in gzip.decompress(compressed)


def test_a_compressed_page_s_etag_still_brings_a_304(front_cache):
    url = ArticleFactory(headline="Revalidated").get_absolute_url()
    gzipped = {"Accept-Encoding": "gzip"}
    get(front_cache + url)
    _, kept, _ = get_bytes(front_cache + url, gzipped)

    status, _, body = get_bytes(front_cache + url, gzipped | {"If-None-Match": kept["ETag"]})

    assert kept["ETag"].startswith('W/"')  # nginx weakens it: the bytes differ
    assert (status, body) == (304, b"")
