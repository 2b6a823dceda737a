from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import ArticleRedirect

from .factories import ArticleFactory
from .test_corrections import change_form_data

pytestmark = pytest.mark.django_db


def moved(article, editor, **changes):
    """Change the story's address through the service, returning the address it had."""
    old_url = article.get_absolute_url()
    for name, value in changes.items():
        setattr(article, name, value)
    services.article_save(article=article, user=editor)
    return old_url


def assert_redirects(client, old_url, article):
    response = client.get(old_url)
    assert response.status_code == 301, old_url
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_slug_change_keeps_the_old_address_working(client, editor):
    article = ArticleFactory(slug="pipeline-deal")
    old_url = moved(article, editor, slug="pipeline-deal-signed")
    assert old_url != article.get_absolute_url()
    assert_redirects(client, old_url, article)


def test_date_change_keeps_the_old_address_working(client, editor):
    article = ArticleFactory(slug="gas-talks", published_at=datetime(2025, 3, 4, 9, tzinfo=UTC))
    old_url = moved(article, editor, published_at=datetime(2025, 3, 6, 9, tzinfo=UTC))
    assert old_url == "/2025/03/04/gas-talks/"
    assert article.get_absolute_url() == "/2025/03/06/gas-talks/"
    assert ArticleRedirect.objects.get().old_path == old_url
    assert_redirects(client, old_url, article)


def test_chain_of_changes_answers_with_one_hop_to_the_current_address(client, editor):
    article = ArticleFactory(slug="first-slug")
    first = moved(article, editor, slug="second-slug")
    second = moved(article, editor, slug="third-slug")
    for old_url in (first, second):
        assert_redirects(client, old_url, article)


def test_going_back_to_an_old_address_stops_it_redirecting(client, editor):
    article = ArticleFactory(slug="first-slug")
    first = moved(article, editor, slug="second-slug")
    second = moved(article, editor, slug="first-slug")
    assert article.get_absolute_url() == first
    assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == [second]
    assert client.get(first).status_code == 200
    assert_redirects(client, second, article)


def test_another_story_taking_an_old_address_gets_it(client, editor):
    day = datetime(2025, 3, 4, 9, tzinfo=UTC)
    first = ArticleFactory(slug="budget", published_at=day)
    old_url = moved(first, editor, slug="budget-vote")
    second = ArticleFactory(slug="budget", published_at=day, headline="The other budget story")
    services.article_save(article=second, user=editor)
    assert not ArticleRedirect.objects.filter(old_path=old_url).exists()
    assert "The other budget story" in client.get(old_url).text


@pytest.mark.parametrize(
    "hide",
    [
        {"status": "draft"},
        {"status": "review"},
        {"published_at": timezone.now() + timedelta(days=1)},
        {"embargo_until": timezone.now() + timedelta(days=1)},
    ],
)
def test_old_address_of_an_unpublished_story_gives_404(client, editor, hide):
    article = ArticleFactory(slug="old-slug")
    old_url = moved(article, editor, slug="new-slug")
    moved(article, editor, **hide)
    assert client.get(old_url).status_code == 404
    assert client.get(article.get_absolute_url()).status_code == 404


def test_story_never_public_leaves_no_old_address(editor):
    article = ArticleFactory(draft=True, published_at=None, slug="working-title")
    moved(article, editor, slug="final-title")
    assert not ArticleRedirect.objects.exists()


def test_old_address_in_arabic_redirects(client, editor):
    article = ArticleFactory(slug="لقاء", language="ar")
    assert client.get(article.get_absolute_url()).status_code == 200
    old_url = moved(article, editor, slug="لقاء-الجزائر")
    assert_redirects(client, old_url, article)


def test_slug_change_in_admin_keeps_the_old_address_working(client, editor_client):
    article = ArticleFactory(slug="old-slug")
    old_url = article.get_absolute_url()
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(article, slug="new-slug"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.slug == "new-slug"
    assert_redirects(client, old_url, article)
