"""Who may do what: reporters, editors and superusers, in admin and in the services."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article

from .factories import ArticleFactory, AuthorFactory, SectionFactory, user_in_group
from .test_admin import article_form_data

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")
ADD = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def reporter(client):
    user = user_in_group("Reporter", username="reporter")
    client.force_login(user)
    return user


@pytest.fixture
def desk_editor(db):
    return user_in_group("Editor", username="desk")


def editable_form(article, **overrides):
    """The change form's POST data for an existing story."""
    return article_form_data(article, **{"bylines-0-author": AuthorFactory().pk, **overrides})


# Reporters


def test_reporter_writes_a_draft_but_cannot_choose_published(client, reporter):
    form = client.get(ADD).context["adminform"].form
    assert [value for value, _label in form.fields["status"].choices] == ["draft", "review"]
    assert "published_at" not in form.fields and "embargo_until" not in form.fields

    response = client.post(ADD, article_form_data(status="draft"))
    assert response.status_code == 302
    article = Article.objects.get(slug="written-in-admin")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == reporter


def test_forged_publish_from_a_reporter_is_refused(client, reporter):
    response = client.post(ADD, article_form_data(status="published"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Article.objects.exists()


def test_forged_schedule_and_embargo_fields_are_ignored(client, reporter):
    client.post(
        ADD,
        article_form_data(
            status="draft",
            published_at_0="2030-01-01",
            published_at_1="10:00",
            embargo_until_0="2030-01-01",
            embargo_until_1="10:00",
        ),
    )
    article = Article.objects.get()
    assert article.published_at is None and article.embargo_until is None


def test_reporter_sees_no_publish_actions_and_forged_ones_do_nothing(client, reporter):
    own = ArticleFactory(draft=True, created_by=reporter)
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    names = [name for name, _label in actions]
    assert "publish_selected" not in names and "return_to_draft" not in names
    assert "submit_for_review" in names
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [own.pk]})
    own.refresh_from_db()
    assert own.status == Article.Status.DRAFT


def test_reporter_submits_own_draft_for_review_not_someone_elses(client, reporter):
    own = ArticleFactory(draft=True, created_by=reporter)
    other = ArticleFactory(draft=True)
    response = client.post(
        CHANGELIST,
        {"action": "submit_for_review", "_selected_action": [own.pk, other.pk]},
        follow=True,
    )
    assert "1 story submitted for review." in response.text
    assert "1 story is not yours to submit." in response.text
    assert Article.objects.get(pk=own.pk).status == Article.Status.REVIEW
    assert Article.objects.get(pk=other.pk).status == Article.Status.DRAFT


def test_reporter_in_the_byline_may_edit_the_draft(client, reporter):
    article = ArticleFactory(draft=True, authors=[AuthorFactory(user=reporter)])
    response = client.post(change_url(article), editable_form(article, headline="Better headline"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Better headline"


@pytest.mark.parametrize("whose", ["someone else's draft", "own published story"])
def test_reporter_cannot_change_what_is_not_theirs_to_change(client, reporter, whose):
    if whose == "someone else's draft":
        article = ArticleFactory(draft=True, headline="Original")
    else:
        article = ArticleFactory(created_by=reporter, headline="Original")
    page = client.get(change_url(article))
    assert page.status_code == 200
    assert 'name="headline"' not in page.text  # read-only view
    response = client.post(change_url(article), editable_form(article, headline="Hijacked"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).headline == "Original"


def test_reporter_cannot_delete_someone_elses_story(client, reporter):
    reporter.user_permissions.add(Permission.objects.get(codename="delete_article"))
    other = ArticleFactory(draft=True)
    own = ArticleFactory(draft=True, created_by=reporter)
    delete = "admin:articles_article_delete"
    assert client.post(reverse(delete, args=[other.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse(delete, args=[own.pk]), {"post": "yes"}).status_code == 302
    assert list(Article.objects.values_list("pk", flat=True)) == [other.pk]


def test_services_refuse_a_reporter_even_without_the_admin(reporter):
    article = ArticleFactory(draft=True, created_by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=reporter)
    live = ArticleFactory(created_by=reporter)
    with pytest.raises(PermissionDenied):
        services.article_unpublish(article=live, user=reporter)
    live.headline = "Sneaky edit"
    with pytest.raises(PermissionDenied):
        services.article_save(article=live, user=reporter)
    assert Article.objects.get(pk=live.pk).headline != "Sneaky edit"


# Editors


def test_editor_publishes_from_the_form_and_is_recorded(client, desk_editor):
    client.force_login(desk_editor)
    article = ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    response = client.post(change_url(article), editable_form(article, status="published"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_public
    assert article.published_by == desk_editor


def test_editor_has_the_publishing_actions(client, desk_editor):
    client.force_login(desk_editor)
    ArticleFactory()
    names = [n for n, _ in client.get(CHANGELIST).context["action_form"].fields["action"].choices]
    assert {"publish_selected", "return_to_draft"} <= set(names)


def test_editor_schedules_a_story_and_admin_shows_it_next(client, desk_editor):
    client.force_login(desk_editor)
    article = ArticleFactory(draft=True, published_at=None, headline="Budget at noon")
    at = timezone.now() + timedelta(hours=3)
    services.article_publish(article=article, user=desk_editor, at=at)
    assert not article.is_public and article.is_scheduled
    page = client.get(CHANGELIST).text
    assert "Scheduled next" in page and "Budget at noon" in page
    assert "Scheduled for" in page
    assert "Budget at noon" not in client.get("/").text
    with time_machine.travel(at + timedelta(seconds=1)):
        assert "Budget at noon" in client.get("/").text


def test_embargo_beats_publication(client, desk_editor):
    client.force_login(desk_editor)
    until = timezone.now() + timedelta(days=1)
    article = ArticleFactory(
        headline="Embargoed report",
        embargo_until=until,
        published_at=timezone.now() - timedelta(days=2),
    )
    assert article.status == Article.Status.PUBLISHED
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 200  # editor preview only
    page = client.get(change_url(article)).text
    assert "Embargoed until" in page and "hidden everywhere on the public site" in page
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Embargoed report" not in client.get("/").text
    with time_machine.travel(until + timedelta(seconds=1)):
        assert "Embargoed report" in client.get("/").text


def test_a_published_story_edited_later_shows_updated(client, desk_editor):
    article = ArticleFactory(headline="First version")
    page = client.get(article.get_absolute_url()).text
    assert "Updated" not in page
    article.body = "<p>New facts.</p>"
    services.article_save(article=article, user=desk_editor)
    page = client.get(article.get_absolute_url()).text
    assert 'class="updated">Updated <time datetime=' in page


def test_editing_a_draft_never_shows_updated(desk_editor):
    article = ArticleFactory(draft=True)
    article.body = "<p>Still drafting.</p>"
    services.article_save(article=article, user=desk_editor)
    services.article_publish(article=article, user=desk_editor)
    assert article.revised_at is None


def test_superuser_may_do_everything(editor_client):
    article = ArticleFactory(created_by=None, section=SectionFactory())
    response = editor_client.post(change_url(article), editable_form(article, headline="Super"))
    assert response.status_code == 302


def test_groups_hold_exactly_the_permissions_of_the_roles_table():
    from django.contrib.auth.models import Group

    from articles.roles import ROLE_PERMISSIONS

    for name, codenames in ROLE_PERMISSIONS.items():
        granted = Group.objects.get(name=name).permissions.values_list("codename", flat=True)
        assert sorted(granted) == sorted(codenames), name
