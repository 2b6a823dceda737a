"""Pending changes to live stories: readers keep the live text until an editor publishes."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import staging
from articles.models import Article, StagedEdit

from .factories import ArticleFactory, AuthorFactory, user_in_group
from .test_roles import editable_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    user = user_in_group("Editor", username="desk")
    client.force_login(user)
    return user


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def pending_url(article, operation):
    return reverse("admin:articles_article_pending", args=[article.pk, operation])


def stage_from_admin(client, article, **changes):
    data = editable_form(article, _stage="1", **changes)
    return client.post(change_url(article), data, follow=True)


def test_staged_change_is_invisible_to_readers_until_published(client, desk):
    article = ArticleFactory(headline="Live headline", body="<p>Live text.</p>")
    response = stage_from_admin(
        client, article, headline="Staged headline", body="<p>Staged text.</p>"
    )
    assert "Saved as a pending change" in response.text
    assert "Pending change" in response.text and "Staged headline" in response.text

    article.refresh_from_db()
    assert article.headline == "Live headline"
    client.logout()
    page = client.get(article.get_absolute_url()).text
    assert "Live headline" in page and "Staged" not in page

    client.force_login(desk)
    client.post(pending_url(article, "publish"))
    article.refresh_from_db()
    assert article.headline == "Staged headline"
    assert article.body == "<p>Staged text.</p>"
    assert article.revised_at is not None
    assert not StagedEdit.objects.exists()
    client.logout()
    assert "Staged headline" in client.get(article.get_absolute_url()).text


def test_staging_leaves_tags_and_byline_alone(client, desk):
    article = ArticleFactory(tags=["Gas"], authors=[AuthorFactory(name="Amina")])
    stage_from_admin(client, article, tags="Oil", headline="Staged")
    assert list(article.tags.names()) == ["Gas"]
    assert [a.name for a in article.authors.all()] == ["Amina"]


def test_scheduled_pending_change_goes_live_on_time_without_a_worker(client, desk):
    article = ArticleFactory(headline="Before")
    stage_from_admin(client, article, headline="After")
    at = timezone.localtime(timezone.now() + timedelta(hours=2)).replace(second=0, microsecond=0)
    response = client.post(
        pending_url(article, "schedule"),
        {"publish_at_0": at.strftime("%Y-%m-%d"), "publish_at_1": at.strftime("%H:%M")},
        follow=True,
    )
    assert "The pending change goes live at" in response.text
    client.logout()
    assert "Before" in client.get(article.get_absolute_url()).text
    with time_machine.travel(at + timedelta(minutes=1)):
        assert "After" in client.get(article.get_absolute_url()).text
    assert Article.objects.get(pk=article.pk).headline == "After"


def test_schedule_in_the_past_is_refused(client, desk):
    article = ArticleFactory()
    stage_from_admin(client, article, headline="Staged")
    response = client.post(
        pending_url(article, "schedule"),
        {"publish_at_0": "2001-01-01", "publish_at_1": "10:00"},
        follow=True,
    )
    assert "Choose a time in the future" in response.text
    assert StagedEdit.objects.get().publish_at is None


def test_discard_keeps_the_live_text(client, desk):
    article = ArticleFactory(headline="Live")
    stage_from_admin(client, article, headline="Staged")
    client.post(pending_url(article, "discard"))
    assert not StagedEdit.objects.exists()
    assert Article.objects.get(pk=article.pk).headline == "Live"


def test_reporters_cannot_stage_publish_or_discard(client):
    reporter = user_in_group("Reporter")
    article = ArticleFactory(headline="Live")
    staged = staging.staged_edit_save(
        article=article,
        user=None,
        values={"headline": "Staged", "dek": "", "body": "", "dateline": "", "credit": ""},
    )
    client.force_login(reporter)
    for operation in ["publish", "discard", "schedule"]:
        assert client.post(pending_url(article, operation)).status_code == 403
    assert "_stage" not in client.get(change_url(article)).text
    with pytest.raises(PermissionDenied):
        staging.staged_edit_publish(staged=staged, user=reporter)
    assert Article.objects.get(pk=article.pk).headline == "Live"


def test_pending_operations_refuse_get(client, desk):
    article = ArticleFactory()
    stage_from_admin(client, article, headline="Staged")
    assert client.get(pending_url(article, "publish")).status_code == 405


def test_staged_body_is_sanitized():
    article = ArticleFactory()
    staged = staging.staged_edit_save(
        article=article,
        user=None,
        values={
            "headline": "x",
            "dek": "",
            "body": "<p onclick='x()'>Hi<script>alert(1)</script></p>",
            "dateline": "",
            "credit": "",
        },
    )
    assert staged.body == "<p>Hi</p>"


def test_drafts_are_not_staged():
    with pytest.raises(ValueError):
        staging.staged_edit_save(
            article=ArticleFactory(draft=True),
            user=None,
            values=dict.fromkeys(StagedEdit.STAGED_FIELDS, ""),
        )
