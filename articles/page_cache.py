"""Whole-page caching for readers, refreshed the moment anything they could see changes.

Every cached page is stored under the current *generation*, a value that changes on
every content change (a service write, any successful admin POST) and when the next
scheduled change comes due (a story's publication time or embargo, a pending change's
time). Changing it makes every cached page unreachable at once, on every process that
shares the cache (Redis in production), so no reader is served a page older than the
last change, and no cached page outlives the next scheduled publication.

Requests carrying a session cookie (editors) never read or fill the cache. Pages are
kept finished (status, headers and bytes, as the last middleware left them), with the
generation they were made under, at a key that holds the host, the address and its
language (``page_key``). One cache round trip reads the generation and the page together
(``look_up``); a page of an older generation is not served.

A hit is answered twice over from the same ``look_up``: by ``CachedPagesFirst`` in front of
Django (``newsroom.wsgi``), before Django builds a request or sends its signals, and by
``PublicPageCacheMiddleware``, first in the middleware, for whatever the first one leaves
to Django (a scheduled change to put live, a 404, a server without that wrapper).
"""

import hashlib
import time
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models import Min, Q
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
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
# How long a process trusts its own note of the next scheduled time, read under the
# current generation (any change gives a new generation, and a new read).
NEXT_CHANGE_NOTE_SECONDS = 5
# Paths whose answers are personal, secret or unbounded in number, in any language.
UNCACHED_PREFIXES = ("/admin/", "/preview/", "/search/", "/media/", "/static/")
# Kept pages' keys. The number changes with ``StoredPage``'s fields: a shared cache
# outlives a deploy, and no process may read a page kept in another form.
PAGE_KEY_PREFIX = "newsroom:page:2"


def generation() -> str:
    """The current generation: the time (seconds since the epoch) of the last change."""
    global _next_change_note
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A new or emptied cache: forget what this process noted, even should the clock
        # give the same generation again (a frozen clock in tests).
        _next_change_note = None
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


class NextChangeNote(NamedTuple):
    generation: str
    at: datetime | None  # None: nothing scheduled
    noted: float  # time.monotonic()


# This process's note of the next scheduled change, so that a request checks for due
# changes by comparing two times, with no cache read or query.
_next_change_note: NextChangeNote | None = None


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


def change_due(generation_value: str) -> bool | None:
    """Whether a scheduled change has come due, from this process's note alone; None when
    the note is missing, older than the generation or than ``NEXT_CHANGE_NOTE_SECONDS``."""
    note = _next_change_note
    if (
        note is None
        or note.generation != generation_value
        or time.monotonic() - note.noted > NEXT_CHANGE_NOTE_SECONDS
    ):
        return None
    return note.at is not None and note.at <= timezone.now()


def run_due_changes(generation_value: str) -> str:
    """Once a scheduled time has passed: put due pending changes live, retire cached pages.

    Returns the generation current afterwards.
    """
    global _next_change_note
    due = change_due(generation_value)
    if due is None:
        at = next_scheduled_change()
        _next_change_note = NextChangeNote(generation_value, at, time.monotonic())
        due = at is not None and at <= timezone.now()
    if not due:
        return generation_value
    staging.apply_due_staged_edits()
    content_changed()
    return generation()


def is_signed_in(request) -> bool:
    """Carries a session: an editor, whose pages no shared cache may keep."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def is_cacheable_request(request) -> bool:
    return (
        settings.NEWSROOM_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not is_signed_in(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and is_cacheable_address(request)
    )


def is_cacheable_address(request) -> bool:
    """What the address alone says: not a personal or unbounded page, not plain HTTP that
    SecurityMiddleware, further in, must redirect."""
    return not path_without_language(request.path).startswith(UNCACHED_PREFIXES) and (
        request.is_secure() or not settings.SECURE_SSL_REDIRECT
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


def page_key(request) -> str:
    """The host, the address and its interface language: never a browser's language
    preference, so an English address is never answered with a French page, nor the
    reverse. ``get_host()`` also refuses a host not in ALLOWED_HOSTS, as it would further in.
    """
    language = path_language(request.path_info)
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"{PAGE_KEY_PREFIX}:{language}:{digest}"


class StoredPage(NamedTuple):
    """A finished response as kept in the cache, with the generation it was made under
    and when it was kept (seconds since the epoch)."""

    generation: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    content: bytes
    stored_at: int


class LookUp(NamedTuple):
    generation: str
    key: str
    page: StoredPage | None  # the stored page, if it is of the current generation


def look_up(request, *, run_changes: bool = True) -> LookUp | None:
    """The current generation, the request's key and its current page, in one cache read.

    Puts due scheduled changes live first (``run_due_changes``); with ``run_changes``
    false, which never queries the database, returns None when it would have to check.
    """
    key = page_key(request)
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY)
    if not run_changes:
        if current is None or change_due(current) is not False:
            return None
    else:
        current = run_due_changes(current or generation())
    page = found.get(key)
    if page is not None and page.generation != current:
        page = None
    return LookUp(current, key, page)


def seconds_to_keep(now: datetime) -> int:
    """The page lifetime, cut short by the next scheduled change."""
    seconds = settings.NEWSROOM_PAGE_CACHE_SECONDS
    due = next_scheduled_change()
    if due is not None:
        seconds = min(seconds, int((due - now).total_seconds()))
    return seconds


def mark_public(response, *, generation_value: str, shared_seconds: int, now: datetime) -> None:
    """Headers for browsers and shared caches (a CDN, nginx) in front."""
    shared_seconds = max(shared_seconds, 0)
    patch_cache_control(
        response,
        public=True,
        max_age=settings.NEWSROOM_BROWSER_CACHE_SECONDS,
        s_maxage=shared_seconds,
        stale_while_revalidate=settings.NEWSROOM_BROWSER_CACHE_SECONDS,
    )
    # s-maxage again, for nginx's front cache (deploy/nginx/), which keeps what carries it
    # and reads nothing else to decide: it parses a kept page's headers again on every
    # hit, and searching Cache-Control's words each time was a tenth of its instructions.
    # As the time it ends ("@" and seconds since the epoch), which stays true when this
    # page is answered again from Django's cache later: nginx does not read ``Age``.
    # nginx never passes it on; readers and CDNs get Cache-Control as it is.
    ends = int(now.timestamp()) + shared_seconds
    response["X-Accel-Expires"] = f"@{ends}" if shared_seconds else "0"
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


def stored(response, *, generation_value: str) -> StoredPage:
    return StoredPage(
        generation_value,
        response.status_code,
        response.reason_phrase,
        list(response.items()),
        response.content,
        int(time.time()),
    )


def age(page: StoredPage) -> str:
    """``Age``: how long ago the page was kept, so that a browser or a CDN counts its
    ``max-age`` and ``s-maxage`` from then, never past the next scheduled change."""
    return str(max(int(time.time()) - page.stored_at, 0))


def from_stored(request, page: StoredPage) -> HttpResponse:
    """The response kept by ``stored``, or 304 when the reader's copy is still current."""
    response = HttpResponse(page.content, status=page.status, reason=page.reason)
    for name, header in page.headers:
        response[name] = header
    response["Age"] = age(page)
    response["X-Cache"] = "hit"
    return answer_conditional(request, response)


def is_conditional(request) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def answer_conditional(request, response):
    """304 Not Modified when the request's If-None-Match or If-Modified-Since still holds."""
    if response.status_code != 200 or not is_conditional(request):
        return response
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=parse_http_date_safe(response.get("Last-Modified")),
        response=response,
    )


# The parts of a WSGI environ that settle a request's address: its host, path, query and
# scheme, as Django's request reads them (``get_host``, ``get_full_path``, ``is_secure``).
ADDRESS_ENVIRON = (
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
    "SCRIPT_URL",
    "REDIRECT_URL",
    "PATH_INFO",
    "QUERY_STRING",
    "wsgi.url_scheme",
)
# Addresses this process has seen, each with its page key, or None when its pages are
# never answered from the cache (a host not allowed, an uncached path, plain HTTP to
# redirect). Emptied when full, and when a setting changes (tests).
_address_keys: dict[tuple, str | None] = {}
ADDRESSES_KEPT = 4096


@receiver(setting_changed)
def forget_addresses(**kwargs) -> None:
    _address_keys.clear()


def address_key(environ) -> str | None:
    """``page_key`` of the request ``environ`` describes, or None if its address is never
    answered from the cache; worked out once per address and process."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    address = (
        *[environ.get(name) for name in ADDRESS_ENVIRON],
        environ.get(proxy_header[0]) if proxy_header else None,
    )
    try:
        return _address_keys[address]
    except KeyError:
        pass
    request = WSGIRequest(environ)
    try:
        key = page_key(request) if is_cacheable_address(request) else None
    except DisallowedHost:
        key = None
    if len(_address_keys) >= ADDRESSES_KEPT:
        _address_keys.clear()
    _address_keys[address] = key
    return key


class CachedPagesFirst:
    """WSGI: a reader's current cached page, answered before Django handles the request.

    Answers only what ``PublicPageCacheMiddleware`` would answer from the cache, by the
    same rules, key and generation; everything else goes to Django unchanged: requests
    that are not cacheable, a host not allowed (Django answers 400), a due scheduled
    change, a cached 404 (Django logs it), any error. A hit reads the environ and the
    cache alone: no Django request, response, signals (no database connection is used)
    or middleware.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        answer = self.cached(environ)
        if answer is None:
            return self.application(environ, start_response)
        status, headers, content = answer
        start_response(status, headers)
        return [content]

    def cached(self, environ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            or "HTTP_AUTHORIZATION" in environ
            or settings.NEWSROOM_PAGE_CACHE_SECONDS <= 0
        ):
            return None
        cookies = environ.get("HTTP_COOKIE")
        if cookies and settings.SESSION_COOKIE_NAME in parse_cookie(cookies):
            return None  # an editor
        try:
            key = address_key(environ)
            if key is None:
                return None
            found = cache.get_many([GENERATION_KEY, key])
        except Exception:  # the cache unreachable: Django answers and logs
            return None
        current, page = found.get(GENERATION_KEY), found.get(key)
        if (
            page is None
            or current is None
            or page.generation != current
            or page.status >= 400
            or change_due(current) is not False
        ):
            return None
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            response = from_stored(WSGIRequest(environ), page)
            status = f"{response.status_code} {response.reason_phrase}"
            return status, list(response.items()), response.content
        headers = [*page.headers, ("Age", age(page)), ("X-Cache", "hit")]
        return f"{page.status} {page.reason}", headers, page.content
