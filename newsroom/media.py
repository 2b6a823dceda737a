"""Serving uploaded photos from the site itself, when no web server or bucket does.

Only the picture types Newsroom stores are served, with headers that stop a browser
from ever treating a file as a page: a fixed content type, ``nosniff`` and a sandboxing
Content-Security-Policy.
"""

from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import Http404
from django.views.static import serve

SERVED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}


def serve_media(request, path):
    content_type = SERVED_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        raise Http404("Only photos are served from the media folder.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@cache
def media_origin() -> str | None:
    """Where photos are served from when it is not the site itself: a bucket or a CDN.

    Asked of the storage, which builds its addresses without a network request, so the
    answer follows ``NEWSROOM_S3_BUCKET``, ``NEWSROOM_S3_ENDPOINT_URL`` and
    ``NEWSROOM_MEDIA_DOMAIN`` exactly. None when photos come from the site's own host.
    """
    address = urlsplit(storages["default"].url("photo.jpg"))
    if address.scheme and address.netloc:
        return f"{address.scheme}://{address.netloc}"
    return None


@receiver(setting_changed)
def _forget_media_origin(*, setting, **kwargs):
    if setting in ("STORAGES", "MEDIA_URL"):
        media_origin.cache_clear()
