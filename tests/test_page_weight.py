"""A story page stays light on a phone: its HTML, and everything it loads but photos.

Sizes are what travels over the network: gzip-compressed as whitenoise serves the
static files (formats that are compressed already, such as PNG, as they are).
"""

import gzip
import posixpath
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from lxml import html
from whitenoise.compress import Compressor

from .sample_site import build_sample_site

pytestmark = pytest.mark.django_db

HTML_LIMIT = 30 * 1024
ASSETS_LIMIT = 100 * 1024


def served_size(path: str) -> int:
    """Bytes whitenoise sends for the static file at ``path`` to a browser taking gzip."""
    data = finders.find(path, find_all=False)
    assert data, f"{path} is linked but is not a static file"
    with open(data, "rb") as file:
        content = file.read()
    if Compressor(quiet=True).should_compress(path):
        return min(len(content), len(Compressor.compress_gzip(content)))
    return len(content)


def static_path(url: str) -> str:
    assert url.startswith("/" + settings.STATIC_URL.lstrip("/")), f"{url} is not ours"
    return url.split(settings.STATIC_URL, 1)[1].split("?")[0]


def assets_of(page: str) -> set[str]:
    """Static files the page loads: styles, scripts, icons, non-photo images, and what the
    styles themselves load (fonts, backgrounds)."""
    tree = html.fromstring(page)
    urls = {
        *tree.xpath("//link[contains(@rel, 'stylesheet') or contains(@rel, 'icon')]/@href"),
        *tree.xpath("//script/@src"),
        *(src for src in tree.xpath("//img/@src") if settings.MEDIA_URL not in src),
    }
    paths = {static_path(url) for url in urls}
    for path in [path for path in paths if path.endswith(".css")]:
        with open(finders.find(path), encoding="utf-8") as css:
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read()):
                if not url.startswith(("data:", "#")):
                    paths.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), url)))
    return paths


def test_story_page_html_is_under_30_kb_compressed(client):
    site = build_sample_site()
    page = client.get(site.pages()["story"]).content
    assert len(gzip.compress(page)) < HTML_LIMIT, f"{len(gzip.compress(page))} bytes"


def test_what_a_story_page_loads_besides_photos_is_under_100_kb(client):
    site = build_sample_site()
    assets = assets_of(client.get(site.pages()["story"]).text)
    assert "css/site.css" in assets and "img/favicon.svg" in assets
    sizes = {path: served_size(path) for path in assets}
    assert sum(sizes.values()) < ASSETS_LIMIT, sizes
