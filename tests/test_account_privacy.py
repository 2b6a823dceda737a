"""Readers never learn account user names or e-mail addresses, whoever wrote the story."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article

from .factories import AuthorFactory, SectionFactory, UserFactory, user_in_group

pytestmark = pytest.mark.django_db

LOGIN_NAME = "kbenali-login"
ADDRESS = "k.benali.private@example.org"


@pytest.fixture
def story():
    """A story a reporter wrote and an editor published, both with accounts."""
    reporter = UserFactory(username=LOGIN_NAME, email=ADDRESS, first_name="Karim")
    author = AuthorFactory(name="Karim Benali", slug="karim-benali", user=reporter)
    desk = user_in_group("Editor", username="desk-login", email="desk.private@example.org")
    article = Article(
        headline="Budget vote in parliament",
        slug="budget-vote",
        body="<p>The vote.</p>",
        section=SectionFactory(slug="news", name="News"),
    )
    services.article_save(article=article, user=reporter)
    services.article_set_authors(article=article, authors=[author], user=reporter)
    services.article_publish(article=article, user=desk)
    return article


def public_answers(client, article):
    urls = [
        article.get_absolute_url(),
        reverse("articles:home"),
        reverse("articles:latest"),
        reverse("articles:author", kwargs={"slug": "karim-benali"}),
        reverse("articles:author-feed", kwargs={"slug": "karim-benali"}),
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:feed-json"),
        reverse("sitemap-news"),
        "/api/v1/stories/",
        f"/api/v1/stories/{article.pk}/",
        "/api/v1/authors/",
        "/api/v1/authors/karim-benali/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response.content.decode()


def test_public_pages_feeds_and_api_show_no_account_names_or_addresses(client, story):
    answers = dict(public_answers(client, story))
    assert "Karim Benali" in answers[story.get_absolute_url()]
    assert '"@type": "Person"' in answers[story.get_absolute_url()].replace("'", '"')
    for url, text in answers.items():
        for secret in (LOGIN_NAME, ADDRESS, "desk-login", "desk.private@example.org"):
            assert secret not in text, f"{secret} appears at {url}"
