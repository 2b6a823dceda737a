from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control

from . import page_cache


class PublicPageCacheMiddleware:
    """Serve readers whole pages from the cache; see ``articles.page_cache``.

    First in the middleware stack: a hit costs one cache read and nothing else. Also the
    clock for scheduled changes: each request first puts live whatever has come due, so
    scheduling needs no worker or cron job.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not page_cache.is_cacheable_request(request):
            page_cache.run_due_changes(page_cache.generation())
            response = self.get_response(request)
            if request.method == "POST" and response.status_code < 400 and is_staff(request):
                page_cache.content_changed()  # an editor saved something in admin
            if page_cache.is_signed_in(request) and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        found = page_cache.look_up(request)
        if found.page is not None:
            return page_cache.from_stored(request, found.page)
        response = self.get_response(request)
        if page_cache.is_cacheable_response(response):
            now = timezone.now()
            seconds = page_cache.seconds_to_keep(now)
            page_cache.mark_public(
                response, generation_value=found.generation, shared_seconds=seconds, now=now
            )
            if seconds > 0:
                kept = page_cache.stored(response, generation_value=found.generation)
                cache.set(found.key, kept, seconds)
            response["X-Cache"] = "miss"
            response = page_cache.answer_conditional(request, response)
        return response


def is_staff(request) -> bool:
    """Whether a signed-in member of staff made the request: only they change pages.

    An anonymous POST (a failed login, a password reset) never empties the cache.
    """
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


class AdminLanguageMiddleware:
    """Admin in the editor's own language (the browser's preference), where one is offered.

    The public site takes its language from the address alone (``/fr/``, ``/ar/``); admin
    has one address for everyone, so it follows the ``Accept-Language`` header instead.
    Admin pages are never cached, so this cannot leak into a reader's page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            translation.activate(translation.get_language_from_request(request))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
