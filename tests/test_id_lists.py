"""``AmongIds``: the rows ``pk__in=`` gives, read from the subquery's side on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from articles.id_lists import AmongIds
from articles.models import Article, TaggedArticle

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_among_ids_keeps_the_rows_pk_in_keeps():
    tagged = [ArticleFactory(tags=["Oil"]), ArticleFactory(tags=["Oil", "Gas"])]
    ArticleFactory(tags=["Gas"])
    ArticleFactory(tags=["Oil"], draft=True)
    oil = TaggedArticle.objects.filter(tag__name="Oil").values("content_object")

    among = Article.objects.published().filter(AmongIds(F("pk"), oil)).order_by("pk")

    assert list(among) == list(Article.objects.published().filter(pk__in=oil).order_by("pk"))
    assert list(among) == tagged


def test_among_no_ids_is_nothing():
    ArticleFactory(tags=["Oil"])
    none = TaggedArticle.objects.filter(tag__name="Nothing").values("content_object")

    assert list(Article.objects.filter(AmongIds(F("pk"), none))) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's SQL")
def test_postgresql_reads_the_ids_first_as_an_array():
    ArticleFactory(tags=["Oil"])
    oil = TaggedArticle.objects.filter(tag__name="Oil").values("content_object")

    with CaptureQueriesContext(connection) as queries:
        list(Article.objects.filter(AmongIds(F("pk"), oil)))

    assert '"articles_article"."id" = ANY(ARRAY(SELECT ' in queries[0]["sql"]
