from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles.api.views import api

admin.site.site_header = format_lazy(_("{name} newsroom"), name=settings.NEWSROOM_NAME)
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = _("Stories, sections and authors")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
