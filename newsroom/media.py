"""Serving uploaded photos from the site itself, when no web server or bucket does.

Only the picture types Newsroom stores are served, with headers that stop a browser
from ever treating a file as a page: a fixed content type, ``nosniff`` and a sandboxing
Content-Security-Policy.
"""

from pathlib import PurePosixPath

from django.conf import settings
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
