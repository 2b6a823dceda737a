"""Tag links carry their story's ``live_from`` for related stories: every writer keeps it."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import backup, services
from articles.models import Article, Byline, Tag, TaggedArticle

from .factories import ArticleFactory, admin_form_data, saved_story
from .seed_files import write_seed_files

pytestmark = pytest.mark.django_db

BENCH = Path(__file__).resolve().parent.parent / "bench"
BENCH_ENVIRONMENT = [
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_SECURE_SSL_REDIRECT",
]


def stale_links() -> list[str]:
    """Tag links whose ``live_from`` differs from their story's, as "headline/tag"."""
    return [
        f"{link.content_object.headline}/{link.tag.name}"
        for link in TaggedArticle.objects.select_related("content_object", "tag")
        if link.live_from != link.content_object.live_from
    ]


def live_from_of(article) -> set:
    return set(
        TaggedArticle.objects.filter(content_object=article).values_list("live_from", flat=True)
    )


def test_live_from_is_the_later_of_publication_and_embargo_for_published_stories_only():
    now = timezone.now()
    assert ArticleFactory.build(published_at=now).live_from == now
    embargoed = ArticleFactory.build(published_at=now, embargo_until=now + timedelta(hours=2))
    assert embargoed.live_from == now + timedelta(hours=2)
    lifted = ArticleFactory.build(published_at=now, embargo_until=now - timedelta(hours=2))
    assert lifted.live_from == now
    assert ArticleFactory.build(draft=True, published_at=now).live_from is None
    assert ArticleFactory.build(in_review=True, published_at=now).live_from is None
    assert ArticleFactory.build(published_at=None).live_from is None


def test_the_services_keep_links_in_step_through_a_story_s_life():
    story = saved_story(headline="Budget", tags=["Budget", "Parliament"], draft=True)
    assert live_from_of(story) == {None}
    services.article_publish(article=story)
    assert live_from_of(story) == {story.published_at}
    later = timezone.now() + timedelta(days=1)
    services.article_publish(article=story, at=later)
    assert live_from_of(story) == {later}
    story.embargo_until = later + timedelta(hours=3)
    services.article_save(article=story)
    assert live_from_of(story) == {later + timedelta(hours=3)}
    services.article_unpublish(article=story)
    assert live_from_of(story) == {None}
    story.tags.add("Taxes")
    assert live_from_of(story) == {None}
    assert stale_links() == []


def test_an_editor_publishing_and_tagging_in_admin_keeps_links_in_step(editor_client):
    story = saved_story(headline="Drought", tags=["Water"], draft=True)
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    form = editor_client.get(change_url)
    data = admin_form_data(form, status="published", tags="Water, Harvest")
    response = editor_client.post(change_url, data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_public
    assert sorted(story.tags.names()) == ["Harvest", "Water"]
    assert live_from_of(story) == {story.published_at}
    assert stale_links() == []


def test_admin_bulk_actions_keep_links_in_step(editor_client):
    stories = [saved_story(headline=f"Story {n}", tags=["Shared"], draft=True) for n in range(2)]
    changelist = reverse("admin:articles_article_changelist")
    selected = [story.pk for story in stories]
    editor_client.post(changelist, {"action": "publish_selected", "_selected_action": selected})
    assert all(live_from_of(story) != {None} for story in stories)
    assert stale_links() == []
    editor_client.post(changelist, {"action": "return_to_draft", "_selected_action": selected})
    assert all(live_from_of(story) == {None} for story in stories)


def test_restoring_a_revision_keeps_links_in_step():
    story = saved_story(headline="Port", tags=["Port"])
    first = Version.objects.get_for_object(story).last()
    story.tags.set(["Port", "Ships"])
    services.article_save(article=story, comment="More tags")
    services.article_restore(article=story, version=first)
    assert sorted(story.tags.names()) == ["Port"]
    assert live_from_of(story) == {story.published_at}
    assert stale_links() == []


def test_a_story_recovered_in_admin_gets_its_links_back_in_step(editor_client):
    story = saved_story(headline="Budget vote", tags=["Budget", "Parliament"])
    services.article_delete(article=story)
    deleted = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[deleted.pk])
    form = editor_client.get(recover_url)
    assert editor_client.post(recover_url, admin_form_data(form)).status_code == 302
    recovered = Article.objects.get()
    assert live_from_of(recovered) == {recovered.published_at}
    assert stale_links() == []


@pytest.mark.parametrize("files", [1, 12], ids=["one file", "a batch"])
def test_imported_stories_have_their_links_in_step(tmp_path, files):
    write_seed_files(tmp_path, files)
    call_command("import_seeds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert TaggedArticle.objects.count() >= 2 * files  # places in the text add more
    assert not TaggedArticle.objects.filter(live_from__isnull=True).exists()
    assert stale_links() == []


def test_a_changed_seed_file_keeps_its_story_s_links_in_step(tmp_path):
    (path,) = write_seed_files(tmp_path, 1)
    call_command("import_seeds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    path.write_text(path.read_text().replace("Tags: Topic 0, Port", "Tags: Ships, Cranes"))
    call_command("import_seeds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    assert {"Cranes", "Ships"} <= set(Article.objects.get().tags.names())
    assert not TaggedArticle.objects.filter(live_from__isnull=True).exists()
    assert stale_links() == []


def test_a_restored_archive_has_its_links_in_step_even_from_an_older_archive(tmp_path):
    saved_story(headline="Live", tags=["Energy", "Algeria"])
    saved_story(headline="Draft", tags=["Energy"], draft=True)
    saved_story(headline="Scheduled", tags=["Energy"], published_at=timezone.now() + timedelta(1))
    # An archive made before tag links carried the story's publication holds none.
    TaggedArticle.objects.update(live_from=None)
    path = tmp_path / "newsroom.zip"
    call_command("export_archive", str(path), stdout=StringIO())
    Article.objects.all().delete()
    for label in reversed(backup.MODELS):
        if label not in backup.SEEDED_BY_MIGRATIONS:
            backup.model_for(label)._base_manager.all().delete()
    call_command("restore_archive", str(path), stdout=StringIO())
    assert TaggedArticle.objects.count() == 4
    assert TaggedArticle.objects.filter(live_from__isnull=False).count() == 3
    assert stale_links() == []


def test_the_benchmark_generator_writes_links_in_step(monkeypatch):
    # bench/common.py refuses to run without a throwaway database and sets defaults in
    # the environment: give it values here, put back after the test.
    for name in ["NEWSROOM_SQLITE_PATH", *BENCH_ENVIRONMENT]:
        monkeypatch.setenv(name, "unused")
    monkeypatch.syspath_prepend(str(BENCH))
    from generate import generate

    generate(40, start=0)
    statuses = set(Article.objects.values_list("status", flat=True))
    assert Article.Status.PUBLISHED in statuses and len(statuses) > 1
    assert stale_links() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_a_tag_and_a_story_find_their_links_and_bylines_through_an_index():
    article = ArticleFactory(tags=["Gas", "Oil"])
    tag = Tag.objects.get(name="Gas")
    by_tag = TaggedArticle.objects.filter(tag=tag).values("content_object").explain()
    by_story = TaggedArticle.objects.filter(content_object=article).values("tag").explain()
    bylines = Byline.objects.filter(article=article).values("author").explain()
    assert "USING COVERING INDEX tagged_article_" in by_tag
    assert "USING COVERING INDEX sqlite_autoindex_articles_taggedarticle" in by_story
    assert "USING INDEX sqlite_autoindex_articles_byline" in bylines
