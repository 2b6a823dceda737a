"""The public and not-a-page policies, built once per process, follow the settings and
leave a view's own policy alone."""

import pytest
from csp.decorators import csp_update
from django.http import HttpResponse
from django.test import RequestFactory

from newsroom.content_security import ContentSecurityPolicyMiddleware

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_the_public_policy_follows_a_changed_setting(client, settings):
    ArticleFactory()
    before = directives(client.get("/")["Content-Security-Policy"])
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"] | {"img-src": ["'none'"]}
    }

    after = directives(client.get("/")["Content-Security-Policy"])

    assert "img-src" not in before  # default-src's 'self' applies
    assert after == before | {"img-src": "'none'"}
    assert directives(client.get("/feed/")["Content-Security-Policy"])["default-src"] == "'none'"


@csp_update({"img-src": "https://maps.example"})
def map_page(request):
    return HttpResponse("<p>map</p>")


def test_a_views_own_policy_is_still_built_for_it():
    middleware = ContentSecurityPolicyMiddleware(map_page)
    request = RequestFactory().get("/map/")
    middleware.process_request(request)

    response = middleware.process_response(request, map_page(request))

    assert directives(response["Content-Security-Policy"])["img-src"] == (
        "'self' https://maps.example"
    )
