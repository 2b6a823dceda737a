"""Production parts switched on from the environment: cache, media storage, logs, media serving."""

import json

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from .factories import ImageFactory
from .test_settings import PRODUCTION, manage

SHOW = "from django.conf import settings as s; print({expr})"


def setting(expr, **env):
    result = manage("shell", "-v0", "-c", SHOW.format(expr=expr), **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_redis_url_shares_one_cache_between_processes():
    assert setting("s.CACHES['default']['BACKEND']") == (
        "django.core.cache.backends.locmem.LocMemCache"
    )
    backend = setting(
        "s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION']",
        REDIS_URL="redis://cache.internal:6379/1",
    )
    assert backend == "django.core.cache.backends.redis.RedisCache redis://cache.internal:6379/1"


def test_s3_bucket_moves_media_to_object_storage():
    assert setting("s.STORAGES['default']['BACKEND']") == (
        "django.core.files.storage.FileSystemStorage"
    )
    assert (
        setting(
            "s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['bucket_name']",
            NEWSROOM_S3_BUCKET="newsroom-media",
        )
        == "storages.backends.s3.S3Storage newsroom-media"
    )


def test_production_logs_are_one_json_object_a_line():
    code = (
        "import logging; "
        "logging.getLogger('newsroom').warning('story %s saved', 7, extra={'pk': 7})"
    )
    result = manage("shell", "-v0", "-c", code, **PRODUCTION)
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["level"] == "WARNING"
    assert line["message"] == "story 7 saved"
    assert line["pk"] == 7
    assert line["logger"] == "newsroom"


@pytest.fixture
def media_served(settings):
    settings.NEWSROOM_SERVE_MEDIA = True
    with override_settings(ROOT_URLCONF="newsroom.urls"):
        clear_url_caches()
        yield
    clear_url_caches()


@pytest.mark.django_db
def test_photos_are_served_with_safe_headers(client, media_served):
    photo = ImageFactory()
    response = client.get(photo.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "notes.txt", "../manage.py"])
def test_only_photos_are_served_from_the_media_folder(client, media_served, settings, name):
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "page.html").write_text("<script>alert(1)</script>")
    (settings.MEDIA_ROOT / "drawing.svg").write_text("<svg onload=alert(1)></svg>")
    (settings.MEDIA_ROOT / "notes.txt").write_text("hello")
    assert client.get(f"/media/{name}").status_code == 404


def test_page_cache_needs_a_shared_cache_in_production():
    assert setting("s.NEWSROOM_PAGE_CACHE_SECONDS") == "0"
    assert setting("s.NEWSROOM_PAGE_CACHE_SECONDS", REDIS_URL="redis://cache:6379/0") == "300"
