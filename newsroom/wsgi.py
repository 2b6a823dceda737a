"""WSGI entry point: ``gunicorn newsroom.wsgi``.

Readers' cached pages are answered in front of Django (``articles.page_cache``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from articles.page_cache import CachedPagesFirst  # noqa: E402  (needs Django set up)

application = CachedPagesFirst(django_application)
