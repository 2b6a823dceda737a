"""PostgreSQL prepares the queries every page repeats, but never a search's."""

import pytest
from django.db import connection
from django.urls import reverse

from .factories import AuthorFactory, saved_story

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements"),
]


def prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_story_page_read_again_and_again_runs_prepared_statements(client):
    story = saved_story(headline="Gas prices rise", tags=["Gas"], authors=[AuthorFactory()])
    for _reader in range(7):
        response = client.get(story.get_absolute_url())
        assert "Gas prices rise" in response.text
    statements = prepared_statements()
    assert any('"articles_article"."slug" = $' in statement for statement in statements)
    assert any('FROM "articles_byline"' in statement for statement in statements)


def test_a_search_is_planned_for_its_own_words_every_time(client):
    saved_story(headline="Gas prices rise", body="<p>Gas is dearer.</p>", tags=["Gas"])
    for _reader in range(7):
        response = client.get(reverse("articles:search"), {"q": "gas"})
        assert "Gas prices rise" in response.text
    statements = prepared_statements()
    assert any('FROM "articles_section"' in statement for statement in statements)
    assert not any("tsquery" in statement for statement in statements)
