"""deploy/nginx/newsroom.conf itself, run by a real nginx in front of Newsroom.

The file operators copy, with its ports, folders and certificate moved to free ports, a
temporary folder and a throwaway certificate: the redirect to HTTPS, the front cache
over HTTPS, the paths that pass by it, static files, media, and the loopback server
Newsroom's refresh requests go through. Skipped where nginx or openssl is missing,
except in CI (NEWSROOM_REQUIRE_NGINX=1).
"""

import gzip
import http.client
import ssl
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from articles import services
from articles.front_cache import refresh as front_cache_refresh

from .factories import ArticleFactory
from .local_servers import free_port, get_bytes, installed, nginx

pytestmark = pytest.mark.django_db(transaction=True)

DEPLOY = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
HOST = "news.example.org"
SECRET = "a-refresh-secret-for-the-shipped-site"
STYLES = b"body { color: #111; }\n" * 200


@dataclass
class Site:
    http: str
    https: str
    refresh: str
    tls: ssl.SSLContext
    static: Path
    media: Path


def throwaway_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, and its key."""
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    options = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1"
    subject = ["-subj", f"/CN={HOST}", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        [installed("openssl"), *options.split(), *subject, "-keyout", key, "-out", certificate],
        check=True,
        capture_output=True,
    )
    return certificate, key


def shipped_config(moves: dict[str, str]) -> str:
    """newsroom.conf with each shipped value in ``moves`` replaced; fails if one is gone."""
    text = (DEPLOY / "newsroom.conf").read_text()
    for shipped, here in moves.items():
        assert shipped in text, f"newsroom.conf no longer has {shipped!r}"
        text = text.replace(shipped, here)
    return text


@pytest.fixture
def site(live_server, tmp_path, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    settings.ALLOWED_HOSTS = [HOST]
    # As in production (newsroom/settings.py without DEBUG): only HTTPS readers are served.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    certificate, key = throwaway_certificate(tmp_path)
    secret_map = tmp_path / "refresh-secret.conf"
    secret_map.write_text(
        (DEPLOY / "refresh-secret.conf.example")
        .read_text()
        .replace("REPLACE-WITH-THE-SECRET", SECRET)
    )
    static, media = tmp_path / "static", tmp_path / "media"
    static.mkdir()
    media.mkdir()
    ports = {name: free_port() for name in ("http", "https", "compressor", "refresh")}
    gunicorn = urllib.parse.urlsplit(live_server.url).netloc
    config = shipped_config(
        {
            "/var/cache/nginx/newsroom": f"{tmp_path}/cache",
            "/etc/nginx/newsroom/": f"{DEPLOY}/",
            "/etc/nginx/newsroom-refresh-secret.conf": str(secret_map),
            "server 127.0.0.1:8000;": f"server {gunicorn};",
            "127.0.0.1:8081": f"127.0.0.1:{ports['compressor']}",
            "listen 80;": f"listen 127.0.0.1:{ports['http']};",
            "listen 443 ": f"listen 127.0.0.1:{ports['https']} ",
            "listen 127.0.0.1:8080;": f"listen 127.0.0.1:{ports['refresh']};",
            f"/etc/letsencrypt/live/{HOST}/fullchain.pem": str(certificate),
            f"/etc/letsencrypt/live/{HOST}/privkey.pem": str(key),
            "/srv/newsroom/staticfiles/": f"{static}/",
            "/srv/newsroom/media/": f"{media}/",
        }
    )
    with nginx(tmp_path, config, ports["https"]):
        yield Site(
            http=f"http://127.0.0.1:{ports['http']}",
            https=f"https://127.0.0.1:{ports['https']}",
            refresh=f"http://127.0.0.1:{ports['refresh']}",
            tls=ssl.create_default_context(cafile=certificate),
            static=static,
            media=media,
        )


def read_bytes(site: Site, path: str, headers: dict | None = None):
    """Status, headers and body of a reader's GET over HTTPS."""
    return get_bytes(site.https + path, {"Host": HOST} | (headers or {}), site.tls)


def read(site: Site, path: str, headers: dict | None = None):
    """Status, headers and text of a reader's GET over HTTPS."""
    status, headers, body = read_bytes(site, path, headers)
    return status, headers, body.decode()


def test_plain_http_is_sent_to_https(site):
    connection = http.client.HTTPConnection(site.http.removeprefix("http://"), timeout=5)
    connection.request("GET", "/section/news/?page=2", headers={"Host": HOST})
    response = connection.getresponse()

    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/section/news/?page=2"


def test_a_reader_s_second_request_is_answered_from_the_front_cache(site):
    url = ArticleFactory(headline="Over HTTPS").get_absolute_url()

    answers = [read(site, url) for _ in range(2)]
    _, gzip_headers, gzip_body = read_bytes(site, url, {"Accept-Encoding": "gzip"})

    assert [status for status, _, _ in answers] == [200, 200]
    assert [headers["X-Front-Cache"] for _, headers, _ in answers] == ["MISS", "HIT"]
    assert "Over HTTPS" in answers[1][2]
    # Django knew the reader came over HTTPS (X-Forwarded-Proto, through the compressor).
    assert f'<meta property="og:url" content="https://{HOST}{url}">' in answers[1][2]
    assert gzip_headers["Content-Encoding"] == "gzip"
    assert b"Over HTTPS" in gzip.decompress(gzip_body)


@pytest.mark.parametrize(
    "path", ["/admin/login/", "/search/?q=dam", "/fr/search/?q=dam", "/api/v1/authors/"]
)
def test_editors_search_and_the_api_pass_by_the_front_cache(site, path):
    ArticleFactory(headline="The dam is open")

    answers = [read(site, path) for _ in range(2)]

    for status, headers, _ in answers:
        assert status == 200
        assert "X-Front-Cache" not in headers


def test_newsroom_s_refresh_over_the_loopback_replaces_the_readers_copy(site, settings):
    story = ArticleFactory(headline="First headline")
    url = story.get_absolute_url()
    read(site, url)
    story.headline = "Second headline"
    services.article_save(article=story)  # no NEWSROOM_FRONT_CACHE_URL yet: nginx not told
    _, kept, old = read(site, url)
    settings.NEWSROOM_FRONT_CACHE_URL = site.refresh
    settings.NEWSROOM_FRONT_CACHE_HOST = HOST
    settings.NEWSROOM_FRONT_CACHE_SECRET = SECRET

    front_cache_refresh([url])
    _, after, new = read(site, url)

    assert kept["X-Front-Cache"] == "HIT" and "First headline" in old
    assert after["X-Front-Cache"] == "HIT" and "Second headline" in new


def test_the_refresh_secret_is_ignored_from_outside(site):
    story = ArticleFactory(headline="Kept for readers")
    url = story.get_absolute_url()
    read(site, url)

    _, headers, _ = read(site, url, {"X-Newsroom-Refresh": "a guess"})

    assert headers["X-Front-Cache"] == "HIT"


@pytest.mark.parametrize(
    "name, cache_control",
    [
        ("site.3f2a9c1d7e4b.css", "max-age=315360000, public, immutable"),
        ("site.css", "max-age=60, public"),
    ],
)
def test_static_files_go_out_compressed_and_hashed_names_are_kept_for_ever(
    site, name, cache_control
):
    (site.static / name).write_bytes(STYLES)
    (site.static / f"{name}.gz").write_bytes(gzip.compress(STYLES))

    status, headers, body = read_bytes(site, f"/static/{name}", {"Accept-Encoding": "gzip"})

    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == STYLES
    assert headers.get_all("Cache-Control") == [cache_control]


def test_uploaded_media_cannot_run_as_a_page(site):
    (site.media / "photo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')

    status, headers, _ = read_bytes(site, "/media/photo.svg")

    assert status == 200
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
