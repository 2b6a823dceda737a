"""Whole-page caching for readers, refreshed the moment anything they could see changes.

Every cached page is stored under the current *generation*, a value that changes on
every content change (a service write, any successful admin POST) and when the next
scheduled change comes due (a story's publication time or embargo, a pending change's
time). Changing it makes every cached page unreachable at once, on every process that
shares the cache (Redis in production), so no reader is served a page older than the
last change, and no cached page outlives the next scheduled publication.

Requests carrying a session cookie (editors) never read or fill the cache. Pages are
kept finished (status, headers and bytes, as the last middleware left them), so a hit is
answered before any session, locale, CSRF or authentication work.
"""

import hashlib
import time
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from . import staging
from .languages import path_language, path_without_language
from .models import Article, StagedEdit

GENERATION_KEY = "newsroom:pages:generation"
NEXT_CHANGE_KEY = "newsroom:pages:next-change"
NOTHING_SCHEDULED = "none"
# A process re-reads the next scheduled time at least this often, in case a change made
# in another process (with a cache of its own) moved it.
NEXT_CHANGE_TTL = 60
# Paths whose answers are personal, secret or unbounded in number, in any language.
UNCACHED_PREFIXES = ("/admin/", "/preview/", "/search/", "/media/", "/static/")


def generation() -> str:
    """The current generation: the time (seconds since the epoch) of the last change."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = f"{time.time():.6f}"
        cache.add(GENERATION_KEY, value, None)
        value = cache.get(GENERATION_KEY, value)
    return value


def content_changed() -> None:
    """Retire every cached page, and look again for the next scheduled change."""
    cache.set(GENERATION_KEY, f"{time.time():.6f}", None)
    cache.delete(NEXT_CHANGE_KEY)


def content_changed_on_commit() -> None:
    """Retire cached pages once the current transaction has committed."""
    transaction.on_commit(content_changed)


def next_scheduled_change() -> datetime | None:
    """When a story, an embargo or a pending change next goes live (cached until a change)."""
    value = cache.get(NEXT_CHANGE_KEY)
    if value is None:
        now = timezone.now()
        upcoming = Article.objects.filter(status=Article.Status.PUBLISHED).aggregate(
            published=Min("published_at", filter=Q(published_at__gt=now)),
            embargo=Min("embargo_until", filter=Q(embargo_until__gt=now)),
        )
        staged = StagedEdit.objects.aggregate(at=Min("publish_at"))["at"]
        times = [t for t in (*upcoming.values(), staged) if t is not None]
        value = min(times) if times else NOTHING_SCHEDULED
        cache.set(NEXT_CHANGE_KEY, value, NEXT_CHANGE_TTL)
    return None if value == NOTHING_SCHEDULED else value


def run_due_changes() -> None:
    """Once a scheduled time has passed: put due pending changes live, retire cached pages."""
    due = next_scheduled_change()
    if due is not None and due <= timezone.now():
        staging.apply_due_staged_edits()
        content_changed()


def is_signed_in(request) -> bool:
    """Carries a session: an editor, whose pages no shared cache may keep."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_cacheable_request(request) -> bool:
    return (
        settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not is_signed_in(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and not path_without_language(request.path).startswith(UNCACHED_PREFIXES)
        # Plain HTTP must still be redirected by SecurityMiddleware, further in.
        and (request.is_secure() or not settings.SECURE_SSL_REDIRECT)
    )


def is_cacheable_response(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code in (200, 301, 404)
        and not response.cookies
        and not response.streaming
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def page_key(request, generation_value: str) -> str:
    """The host, the address and its interface language: never a browser's language
    preference, so an English address is never answered with a French page, nor the
    reverse. ``get_host()`` also refuses a host not in ALLOWED_HOSTS, as it would further in.
    """
    language = path_language(request.path_info)
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"newsroom:page:{generation_value}:{language}:{digest}"


def seconds_to_keep(now: datetime) -> int:
    """The page lifetime, cut short by the next scheduled change."""
    seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
    due = next_scheduled_change()
    if due is not None:
        seconds = min(seconds, int((due - now).total_seconds()))
    return seconds


def mark_public(response, *, generation_value: str, shared_seconds: int) -> None:
    """Headers for browsers and shared caches (a CDN, nginx) in front."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.NEWSROOM_BROWSER_CACHE_SECONDS,
        s_maxage=max(shared_seconds, 0),
        stale_while_revalidate=settings.NEWSROOM_BROWSER_CACHE_SECONDS,
    )
    # The language of a public page comes from its address alone (``/fr/``), never from
    # the browser's preference, so shared caches need not keep a copy per preference.
    vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
    kept = [v for v in vary if v.lower() != "accept-language"]
    if kept != vary:
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date(float(generation_value))
    response["X-Cache-Generation"] = generation_value


def stored(response) -> tuple[int, list[tuple[str, str]], bytes]:
    """A finished response as kept in the cache."""
    return response.status_code, list(response.items()), response.content


def from_stored(request, value) -> HttpResponse:
    """The response kept by ``stored``, or 304 when the reader's copy is still current."""
    status, headers, content = value
    response = HttpResponse(content, status=status)
    for name, header in headers:
        response[name] = header
    response["X-Cache"] = "hit"
    return answer_conditional(request, response)


def answer_conditional(request, response):
    """304 Not Modified when the request's If-None-Match or If-Modified-Since still holds."""
    if response.status_code != 200 or not (
        "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
    ):
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )
