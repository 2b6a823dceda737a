"""The API answers as its OpenAPI schema says, whatever a client sends (schemathesis)."""

from datetime import datetime, timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from articles.api.views import api

from .factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory

# The schema /api/v1/openapi.json serves, built without a request: loading it over WSGI at
# import time would run the site's middleware, which reads the database.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()


@pytest.fixture
def in_test_transaction():
    """Keep the database connection open across requests, as Django's test client does:
    the WSGI handler would otherwise close it, and the test's transaction with it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def stories(db, in_test_transaction):
    """Published stories with everything an answer can hold, beside hidden ones."""
    parent = SectionFactory(slug="world")
    section = SectionFactory(slug="africa", parent=parent)
    author = AuthorFactory(slug="amina")
    story = ArticleFactory(section=section, authors=[author], tags=["Algeria"])
    CorrectionFactory(article=story)
    ArticleFactory(section=parent, tags=["Energy"], authors=[author])
    ArticleFactory(draft=True, tags=["Secret"], authors=[AuthorFactory(slug="hidden")])
    ArticleFactory(embargo_until=timezone.now() + timedelta(days=1))
    return story


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, stories):
    if refused_by_design(case):
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        assert response.status_code == 422
    else:
        case.call_and_validate()


def refused_by_design(case) -> bool:
    """Schema-valid requests the API refuses (422) on purpose.

    A cursor is opaque: any string fits the schema, but only one the API signed is
    accepted; an empty one (``?cursor=``) asks for the first page. A time range whose
    start is not before its end is refused with the reason.
    """
    if case.method != "GET":
        return False
    query = case.query or {}
    if last(query.get("cursor")):
        return True
    after, before = (
        aware(last(query.get("published_after"))),
        aware(last(query.get("published_before"))),
    )
    return bool(after and before and after >= before)


def last(value):
    """A query parameter as the API reads it: the last of repeated values."""
    return value[-1] if isinstance(value, list) and value else value


def aware(text) -> datetime | None:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value
