from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from articles import sitemaps
from articles.api.views import api

from . import two_factor
from .media import serve_media

admin.site.site_header = format_lazy(_("{name} newsroom"), name=settings.NEWSROOM_NAME)
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = _("Stories, sections and authors")

# Django's password-reset pages, in admin's look; admin links to the first one from its
# login page. The answer is the same whether or not an account has the address given.
admin_names = {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
password_reset_urls = [
    path(
        "admin/password_reset/",
        auth_views.PasswordResetView.as_view(extra_context=admin_names),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(extra_context=admin_names),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(extra_context=admin_names),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(extra_context=admin_names),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    *password_reset_urls,
    path("admin/two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("admin/two-factor/", two_factor.verify, name="two-factor-verify"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap-section",
    ),
    # The public site: English (the site's language) at /, French at /fr/, Arabic at /ar/.
    *i18n_patterns(path("", include("articles.urls")), prefix_default_language=False),
]

if settings.NEWSROOM_SERVE_MEDIA:
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media))
