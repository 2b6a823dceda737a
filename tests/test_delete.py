"""Deleting stories: published ones need the right to publish; every delete can be undone."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Byline, TaggedArticle

from .factories import AuthorFactory, UserFactory, admin_form_data, saved_story

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
STORY_RIGHTS = [f"articles.{right}_article" for right in ("view", "add", "change", "delete")]


@pytest.fixture
def reporter(db):
    """May write and delete stories, but not publish them."""
    return UserFactory(is_staff=True, permissions=STORY_RIGHTS)


@pytest.fixture
def reporter_client(client, reporter):
    client.force_login(reporter)
    return client


@pytest.fixture
def desk_client(client):
    """May also publish, so may delete what has been published."""
    user = UserFactory(is_staff=True, permissions=[*STORY_RIGHTS, "articles.publish_article"])
    client.force_login(user)
    return client


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize(
    "state",
    [
        {"status": Article.Status.PUBLISHED},
        {"status": Article.Status.PUBLISHED, "scheduled": True},
        {"status": Article.Status.DRAFT, "published_by": "someone"},
    ],
    ids=["live", "scheduled", "unpublished-after-publishing"],
)
def test_a_published_story_cannot_be_deleted_without_the_right_to_publish(reporter_client, state):
    if state.get("published_by"):
        state = {**state, "published_by": UserFactory()}
    article = saved_story(**state)
    assert 'class="deletelink"' not in reporter_client.get(change_url(article)).text
    assert reporter_client.get(delete_url(article)).status_code == 403
    assert reporter_client.post(delete_url(article), {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()


def test_own_draft_can_be_deleted_with_the_right_to_delete(reporter_client, reporter):
    article = saved_story(draft=True, user=reporter)
    response = reporter_client.get(delete_url(article))
    assert response.status_code == 200
    assert "Are you sure you want to delete" in response.text
    assert reporter_client.post(delete_url(article), {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_bulk_delete_refuses_published_stories_for_someone_who_cannot_publish(
    reporter_client, reporter
):
    published = saved_story(headline="Budget vote")
    draft = saved_story(headline="Half-written", draft=True, user=reporter)
    selected = [published.pk, draft.pk]
    for extra in ({}, {"post": "yes"}):
        response = reporter_client.post(
            CHANGELIST,
            {"action": "delete_selected", "_selected_action": selected, **extra},
            follow=True,
        )
        assert (
            "“Budget vote” has been published: only someone who may publish stories can "
            "delete it. Nothing was deleted."
        ) in response.text
    assert Article.objects.filter(pk__in=selected).count() == 2

    response = reporter_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
        follow=True,
    )
    assert "Successfully deleted 1 article." in response.text
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_the_desk_deletes_a_published_story_and_recovers_it_whole(desk_client):
    authors = [AuthorFactory(name="Amina Benali"), AuthorFactory(name="Karim Ziani")]
    article = saved_story(headline="Budget vote", tags=["Budget", "Parliament"], authors=authors)
    response = desk_client.get(delete_url(article))
    assert "Are you sure you want to delete" in response.text
    assert desk_client.post(delete_url(article), {"post": "yes"}).status_code == 302
    assert not Article.objects.exists()
    assert not Byline.objects.exists() and not TaggedArticle.objects.exists()

    changelist = desk_client.get(CHANGELIST).text
    assert "Recover deleted articles" in changelist
    recover_list = desk_client.get(reverse("admin:articles_article_recoverlist")).text
    assert "Budget vote" in recover_list
    deleted = Version.objects.get_deleted(Article).get()
    assert deleted.revision.comment == "Deleted"

    recover_url = reverse("admin:articles_article_recover", args=[deleted.pk])
    form = desk_client.get(recover_url)
    assert form.status_code == 200
    assert not Article.objects.exists()  # showing the form changes nothing
    response = desk_client.post(recover_url, admin_form_data(form))
    assert response.status_code == 302
    recovered = Article.objects.get()
    assert recovered.headline == "Budget vote"
    assert sorted(recovered.tags.names()) == ["Budget", "Parliament"]
    assert [author.name for author in recovered.byline_authors] == ["Amina Benali", "Karim Ziani"]
    assert recovered.is_public


def test_the_desk_bulk_deletes_and_each_story_stays_recoverable(desk_client):
    stories = [saved_story(headline=f"Story {n}", tags=["Shared"]) for n in range(2)]
    response = desk_client.post(
        CHANGELIST,
        {"action": "delete_selected", "_selected_action": [s.pk for s in stories], "post": "yes"},
        follow=True,
    )
    assert "Successfully deleted 2 articles." in response.text
    assert not Article.objects.exists()
    deleted = Version.objects.get_deleted(Article)
    assert sorted(version.object_repr for version in deleted) == ["Story 0", "Story 1"]
    assert len({version.revision_id for version in deleted}) == 2


def test_only_someone_who_may_publish_can_recover_a_published_story(client):
    published, draft = saved_story(headline="Was live"), saved_story(draft=True)
    desk = UserFactory(is_staff=True, permissions=[*STORY_RIGHTS, "articles.publish_article"])
    client.force_login(desk)
    for article in (published, draft):
        client.post(delete_url(article), {"post": "yes"})
    client.force_login(UserFactory(is_staff=True, permissions=STORY_RIGHTS))
    deleted = {version.object_id: version for version in Version.objects.get_deleted(Article)}
    live_url = reverse("admin:articles_article_recover", args=[deleted[str(published.pk)].pk])
    draft_url = reverse("admin:articles_article_recover", args=[deleted[str(draft.pk)].pk])
    assert client.get(live_url).status_code == 403
    assert client.post(live_url, {"headline": "Was live"}).status_code == 403
    assert client.get(draft_url).status_code == 200
    assert not Article.objects.exists()
