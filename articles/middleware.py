from django.core.cache import cache
from django.utils import timezone
from django.utils.cache import patch_cache_control

from . import page_cache


class PublicPageCacheMiddleware:
    """Serve readers whole pages from the cache; see ``articles.page_cache``.

    First in the middleware stack: a hit costs three cache reads and nothing else. Also the
    clock for scheduled changes: each request first puts live whatever has come
    due, so scheduling needs no worker or cron job.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page_cache.run_due_changes()
        if not page_cache.is_cacheable_request(request):
            response = self.get_response(request)
            if request.method == "POST" and response.status_code < 400:
                page_cache.content_changed()  # an editor saved something in admin
            if page_cache.is_signed_in(request) and not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True, no_cache=True)
            return response

        generation = page_cache.generation()
        key = page_cache.page_key(request, generation)
        kept = cache.get(key)
        if kept is not None:
            return page_cache.from_stored(request, kept)
        response = self.get_response(request)
        if page_cache.is_cacheable_response(response):
            seconds = page_cache.seconds_to_keep(timezone.now())
            page_cache.mark_public(response, generation_value=generation, shared_seconds=seconds)
            if seconds > 0:
                cache.set(key, page_cache.stored(response), seconds)
            response["X-Cache"] = "miss"
            response = page_cache.answer_conditional(request, response)
        return response
