"""Every kind of response carries the security headers and the Content-Security-Policy meant
for it, with production's HTTPS settings; public pages carry nothing inline a policy blocks."""

import base64
import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import storages
from django.test import Client
from django.urls import path
from django.utils import timezone

import newsroom.urls
from articles import services
from newsroom.content_security import PROSE_EDITOR_STYLE_HASH

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    PreviewLinkFactory,
    SectionFactory,
)
from .test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db


def server_error(request):
    raise RuntimeError("a view that fails")


urlpatterns = [
    path("test-server-error/", server_error),
    path("ar/test-server-error/", server_error),
    *newsroom.urls.urlpatterns,
]

SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
]


@pytest.fixture(scope="module")
def production_security():
    """The security settings a deployment gets, read from a process started as one is."""
    names = json.dumps(SECURITY_SETTINGS)
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{name: getattr(s, name) for name in {names}}}))"
    )
    result = manage("shell", "-v0", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


class HttpsClient(Client):
    """Every request over HTTPS, as production serves them."""

    def request(self, **request):
        return super().request(**request | {"wsgi.url_scheme": "https", "SERVER_PORT": "443"})


@pytest.fixture
def secure_client(settings, production_security):
    for name, value in production_security.items():
        setattr(settings, name, value)
    settings.ROOT_URLCONF = __name__
    settings.NEWSROOM_SERVE_MEDIA = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return HttpsClient(raise_request_exception=False)


def test_production_security_settings(production_security):
    assert production_security["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production_security["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    for cookie in ("SESSION", "CSRF"):
        assert production_security[f"{cookie}_COOKIE_SECURE"] is True
        assert production_security[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert production_security[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


PUBLIC = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
NOT_A_PAGE = {
    "default-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}
ADMIN = PUBLIC | {
    "script-src": ["'self'"],
    "style-src": ["'self'", PROSE_EDITOR_STYLE_HASH],
    "img-src": ["'self'", "data:"],
}
API_DOCS = PUBLIC | {"img-src": ["'self'", "data:"], "form-action": ["'none'"]}
MEDIA = "default-src 'none'; sandbox"


# CSP Level 3: where a fetch directive is missing, the browser uses the next one in its
# list, then default-src.
FALLBACKS = {
    "script-src-elem": ["script-src"],
    "script-src-attr": ["script-src"],
    "style-src-elem": ["style-src"],
    "style-src-attr": ["style-src"],
    "worker-src": ["child-src", "script-src"],
    "frame-src": ["child-src"],
    "child-src": [],
    "connect-src": [],
    "font-src": [],
    "img-src": [],
    "manifest-src": [],
    "media-src": [],
    "object-src": [],
    "script-src": [],
    "style-src": [],
}


def enforced(directives: dict[str, list[str]], fetch_directive: str) -> list[str]:
    """What a browser allows for ``fetch_directive`` under ``directives``."""
    for name in [fetch_directive, *FALLBACKS[fetch_directive], "default-src"]:
        if name in directives:
            return directives[name]
    return ["*"]


def assert_security_headers(response, *, referrer="strict-origin-when-cross-origin"):
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == referrer
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style|<[^>]+\sstyle\s*=", re.I)


def assert_public_page(response, status=200):
    assert response.status_code == status
    assert_security_headers(response, referrer=response.get("Referrer-Policy"))
    assert response["X-Frame-Options"] == "DENY"
    assert policy(response) == PUBLIC
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not EVENT_HANDLER.search(html)
    assert not INLINE_STYLE.search(html)


@pytest.fixture
def story():
    section = SectionFactory(name="Algeria", slug="algeria")
    author = AuthorFactory()
    article = ArticleFactory(section=section, authors=[author], tags=["Gas"])
    CorrectionFactory(article=article)
    return article


def public_pages(story):
    day = timezone.localtime(story.published_at)
    return {
        "home": "/",
        "story": story.get_absolute_url(),
        "section": story.section.get_absolute_url(),
        "tag": story.tags.get().get_absolute_url(),
        "author": story.bylines.get().author.get_absolute_url(),
        "search": "/search/?q=story",
        "archive": f"/{day.year}/{day.month:02}/",
        "latest": "/latest/",
        "corrections": "/corrections/",
    }


@pytest.mark.parametrize(
    "kind",
    ["home", "story", "section", "tag", "author", "search", "archive", "latest", "corrections"],
)
def test_public_page(secure_client, story, kind):
    response = secure_client.get(public_pages(story)[kind])
    assert_public_page(response)
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_public_policy_allows_only_the_site_itself_for_every_kind_of_resource(secure_client, story):
    """No directive repeats default-src, yet a browser allows what it allowed when the
    policy named script-src, style-src, img-src, font-src and connect-src 'self' too."""
    directives = policy(secure_client.get(story.get_absolute_url()))
    for fetch_directive in FALLBACKS:
        expected = ["'none'"] if fetch_directive == "object-src" else ["'self'"]
        assert enforced(directives, fetch_directive) == expected, fetch_directive
    repeated = [
        name
        for name, values in directives.items()
        if name in FALLBACKS and values == directives["default-src"]
    ]
    assert repeated == []


def test_admin_policy_adds_its_sources_to_what_default_src_allows(secure_client):
    directives = policy(secure_client.get("/admin/login/"))
    for fetch_directive in ("script-src", "style-src", "img-src"):
        assert enforced(directives, fetch_directive)[0] == "'self'", fetch_directive
    assert enforced(directives, "font-src") == enforced(directives, "connect-src") == ["'self'"]


@pytest.mark.parametrize(
    "url",
    [
        "/feed/",
        "/feed/atom/",
        "/feed.json",
        "/corrections/feed/",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/sitemap-news.xml",
        "/robots.txt",
        "/api/v1/stories/",
        "/api/v1/openapi.json",
        "/api/v1/stories/0/",
    ],
)
def test_what_is_not_a_page_may_load_nothing(secure_client, story, url):
    response = secure_client.get(url)
    assert response.status_code == (404 if url.endswith("/0/") else 200)
    assert not response["Content-Type"].startswith("text/html")
    assert_security_headers(response)
    assert policy(response) == NOT_A_PAGE


def test_api_story_detail(secure_client, story):
    response = secure_client.get(f"/api/v1/stories/{story.pk}/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert policy(response) == NOT_A_PAGE


def test_api_docs_load_only_the_sites_own_files(secure_client):
    response = secure_client.get("/api/v1/docs")
    assert response.status_code == 200
    assert_security_headers(response)
    assert policy(response) == API_DOCS
    html = response.content.decode()
    assert not EVENT_HANDLER.search(html) and not INLINE_STYLE.search(html)
    inline = [tag for tag in INLINE_SCRIPT.findall(html) if "application/json" not in tag]
    assert inline == []


def test_not_found(secure_client):
    assert_public_page(secure_client.get("/no/such/page/"), status=404)


def test_server_error(secure_client):
    response = secure_client.get("/test-server-error/")
    assert_public_page(response, status=500)
    assert "Something went wrong" in response.text


def test_server_error_speaks_the_reader_s_language(secure_client):
    response = secure_client.get("/ar/test-server-error/")
    assert response.status_code == 500
    assert '<html lang="ar" dir="rtl">' in response.text
    assert "حدث خطأ ما من جهتنا" in response.text and 'href="/"' in response.text


def test_permanent_redirect(secure_client, story, editor):
    old_url = story.get_absolute_url()
    story.slug = "a-new-address"
    services.article_save(article=story, user=editor)
    response = secure_client.get(old_url)
    assert response.status_code == 301
    assert_security_headers(response)
    assert policy(response) == PUBLIC


def test_share_link_preview_and_its_410(secure_client, editor):
    link = PreviewLinkFactory()
    response = secure_client.get(link.get_absolute_url())
    assert_public_page(response)
    assert response["Referrer-Policy"] == "no-referrer"
    services.preview_link_revoke(link=link, user=editor)
    assert_public_page(secure_client.get(link.get_absolute_url()), status=410)


def test_page_cache_hit_carries_the_same_headers(secure_client, story, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    first = secure_client.get("/")
    hit = secure_client.get("/")
    assert (first["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert_public_page(hit)
    for header in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert hit[header] == first[header]


def test_not_modified_keeps_the_stored_policy(secure_client, story):
    first = secure_client.get("/")
    again = secure_client.get("/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    # A policy chosen for the empty 304 would replace the page's own in the browser.
    assert not again.has_header("Content-Security-Policy")


def admin_script_nonce(response) -> str:
    script_src = policy(response)["script-src"]
    assert script_src[0] == "'self'"
    [nonce] = [value for value in script_src if value.startswith("'nonce-")]
    return nonce.removeprefix("'nonce-").removesuffix("'")


def test_admin_login_page(secure_client):
    response = secure_client.get("/admin/login/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    assert policy(response) == ADMIN
    cookie = response.cookies["csrftoken"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_admin_change_form_runs_only_the_editors_nonced_import_map(secure_client, story, editor):
    secure_client.force_login(editor)
    response = secure_client.get(f"/admin/articles/article/{story.pk}/change/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    nonce = admin_script_nonce(response)
    directives = policy(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"] and directives["base-uri"] == ["'none'"]
    assert directives == ADMIN | {"script-src": ["'self'", f"'nonce-{nonce}'"]}
    html = response.content.decode()
    inline = [tag for tag in INLINE_SCRIPT.findall(html) if "application/json" not in tag]
    assert inline == [f'<script type="importmap" nonce="{nonce}">']
    assert not EVENT_HANDLER.search(html) and not INLINE_STYLE.search(html)


def test_editor_style_hash_is_the_installed_editors_stylesheet():
    """TipTap's base stylesheet, a template literal in django-prose-editor's editor.js."""
    source = Path(finders.find("django_prose_editor/editor.js")).read_text()
    [stylesheet] = re.findall(r"`(\.ProseMirror \{\n  position: relative;[^`]*)`", source)
    digest = base64.b64encode(hashlib.sha256(stylesheet.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == PROSE_EDITOR_STYLE_HASH


def test_each_admin_page_gets_a_new_nonce(secure_client, story, editor):
    secure_client.force_login(editor)
    url = f"/admin/articles/article/{story.pk}/change/"
    assert admin_script_nonce(secure_client.get(url)) != admin_script_nonce(secure_client.get(url))


def test_session_cookie_is_secure_httponly_and_same_site(secure_client, editor):
    login = secure_client.get("/admin/login/")
    response = secure_client.post(
        "/admin/login/",
        {
            "username": editor.username,
            "password": "correct horse battery",
            "csrfmiddlewaretoken": login.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_media_file_is_sandboxed(secure_client):
    photo = ImageFactory()
    response = secure_client.get(photo.file.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert_security_headers(response)
    assert response["Content-Security-Policy"] == MEDIA


def test_static_file(secure_client):
    response = secure_client.get("/static/css/site.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert_security_headers(response)
    assert policy(response) == NOT_A_PAGE


def test_photos_in_object_storage_may_be_shown(secure_client, story, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "news", "custom_domain": "media.example.org"},
        },
    }
    assert storages["default"].url("a.jpg") == "https://media.example.org/a.jpg"
    response = secure_client.get("/")
    assert policy(response)["img-src"] == ["'self'", "https://media.example.org"]
    assert policy(secure_client.get(story.get_absolute_url()))["img-src"][-1] == (
        "https://media.example.org"
    )


def test_expired_share_link_is_a_public_page_too(secure_client):
    link = PreviewLinkFactory(expires_at=timezone.now() + timedelta(seconds=1))
    link.expires_at = timezone.now() - timedelta(seconds=1)
    link.save()
    assert_public_page(secure_client.get(link.get_absolute_url()), status=410)
