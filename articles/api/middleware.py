from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from .views import api


class ApiHeadersMiddleware:
    """Caching, language and cross-origin headers on every answer the API gives.

    Any site may read the API from a browser (``Access-Control-Allow-Origin: *``): it is
    public and read-only, and answers the same whoever asks.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or match.namespace != api.urls_namespace:
            return response
        if response.status_code < 500:
            patch_cache_control(response, public=True, max_age=settings.NEWSROOM_API_CACHE_SECONDS)
        patch_vary_headers(response, ["Accept"])
        response["Content-Language"] = settings.LANGUAGE_CODE
        response["Access-Control-Allow-Origin"] = "*"
        return response
