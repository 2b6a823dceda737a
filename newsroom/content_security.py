"""Which Content-Security-Policy each response gets.

* Public pages: ``CONTENT_SECURITY_POLICY`` in settings. No nonces, ever: whole pages are
  cached and served to every reader, so a nonce would be shared and worthless. Public
  templates carry no inline script, event handler or style; JSON-LD is data, not script.
  A fetch directive the settings leave out (``script-src``, ``img-src``...) falls back to
  ``default-src`` in the browser; one that adds a source starts from that fallback.
* Admin: the public policy plus a per-request nonce for scripts (the rich-text editor's
  import map), the hash of the editor's own stylesheet, and ``data:`` pictures. Admin
  pages are never cached.
* The API's Swagger UI docs page: its scripts and styles come from the site's own static
  files; it may fetch the OpenAPI schema and show ``data:`` icons.
* Anything that is not a page (JSON, feeds, sitemaps, robots.txt, scripts, stylesheets,
  pictures): ``default-src 'none'``, so nothing in it can run or load if opened directly.
* Uploaded media set their own sandboxing policy (``newsroom.media``), which is kept.

A 304 answer carries no policy: the browser keeps the one stored with the page, which a
policy chosen by the 304's missing content type would otherwise replace.
"""

from functools import cache

from csp.constants import HEADER, NONCE, NONE, SELF
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .media import media_origin

ADMIN_NAMESPACE = "admin"
API_DOCS_VIEW = ("api", "openapi-view")

NOT_A_PAGE_POLICY = {
    "default-src": [NONE],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}
PAGE_TYPES = ("text/html", "application/xhtml+xml")
# The rich-text editor (TipTap inside django-prose-editor) adds its base stylesheet as a
# <style> element and offers no way to give it a nonce; this is that stylesheet's hash.
# tests/test_security_headers.py checks it against the installed editor.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"


def public_policy() -> dict:
    return dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"])


def sources(policy: dict, directive: str) -> list:
    """What a fetch directive allows: its own sources, or default-src's when it has none,
    as a browser reads the policy."""
    return list(policy.get(directive, policy["default-src"]))


def admin_policy() -> dict:
    policy = public_policy()
    return policy | {
        "script-src": [*sources(policy, "script-src"), NONCE],
        "style-src": [*sources(policy, "style-src"), PROSE_EDITOR_STYLE_HASH],
        "img-src": [*sources(policy, "img-src"), "data:"],
    }


def api_docs_policy() -> dict:
    policy = public_policy()
    return policy | {"img-src": [SELF, "data:"], "form-action": [NONE]}


def with_photo_host(policy: dict) -> dict:
    """A page's policy, with the photos' host added to ``img-src`` when they have one."""
    origin = media_origin()
    if not origin or policy is NOT_A_PAGE_POLICY:
        return policy
    return policy | {"img-src": [*sources(policy, "img-src"), origin]}


def policy_for(request, response) -> dict:
    """The directives for this response, before photos' origin is added to ``img-src``."""
    if not response.get("Content-Type", "").startswith(PAGE_TYPES):
        return NOT_A_PAGE_POLICY
    match = request.resolver_match
    if match is not None and match.app_name == ADMIN_NAMESPACE:
        return admin_policy()
    if match is not None and (match.namespace, match.url_name) == API_DOCS_VIEW:
        return api_docs_policy()
    return public_policy()


# Set on a response or request, these call for django-csp's own handling: a view's own
# policy (its decorators), a report-only policy, or a nonce handed out.
OWN_POLICY_MARKS = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the policy by the kind of response.

    A public page's policy and that of a response that is not a page never change while
    the process runs (until a setting does): their headers are built once.
    """

    def process_response(self, request, response):
        if response.status_code == 304:
            return response
        header = self.fixed_header(request, response)
        if header is None:
            return super().process_response(request, response)
        policy = settings.CONTENT_SECURITY_POLICY or {}
        excluded = request.path_info.startswith(tuple(policy.get("EXCLUDE_URL_PREFIXES") or ()))
        if HEADER not in response and not getattr(response, "_csp_exempt", False) and not excluded:
            response[HEADER] = header
        # As django-csp does: a nonce asked for after this point is an error, not a
        # nonce missing from the header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def fixed_header(self, request, response) -> str | None:
        """The header when the policy is one of the two fixed ones, else None."""
        if settings.DEBUG or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return None
        if getattr(request, "_csp_nonce", None) is not None:
            return None
        if any(getattr(response, mark, None) is not None for mark in OWN_POLICY_MARKS):
            return None
        policy = policy_for(request, response)
        if policy is NOT_A_PAGE_POLICY:
            return built_header("not a page")
        if policy == public_policy():
            return built_header("public")
        return None

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts  # a view's own policy (django-csp's decorators) wins
        config = with_photo_host(policy_for(request, response))
        # django-csp adds a view's update to the directive's sources; for a fetch
        # directive the policy leaves to default-src, those are default-src's.
        missing = [name for name in parts.update or () if name.endswith("-src")]
        parts.config = config | {
            name: [value for value in sources(config, name) if value != NONE]
            for name in missing
            if name not in config
        }
        return parts


@cache
def built_header(kind: str) -> str:
    """The header of the public policy or of ``NOT_A_PAGE_POLICY``, photos' origin added."""
    config = public_policy() if kind == "public" else NOT_A_PAGE_POLICY
    return build_policy(config=with_photo_host(config))


@receiver(setting_changed)
def _forget_built_headers(**kwargs):
    built_header.cache_clear()
