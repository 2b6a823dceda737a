from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.api.views import api

from .media import serve_media

admin.site.site_header = format_lazy(_("{name} newsroom"), name=settings.NEWSROOM_NAME)
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = _("Stories, sections and authors")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("articles.urls")),
]

if settings.NEWSROOM_SERVE_MEDIA:
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media))
