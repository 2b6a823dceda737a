"""Revisions: every save path records exactly one, the diff reads well, restore works."""

from collections import Counter
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse
from reversion.models import Revision, Version

from articles import revisions, services
from articles.models import Article, Byline, TaggedArticle

from .factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    UserFactory,
    admin_form_data,
    saved_story,
)

pytestmark = pytest.mark.django_db


def history(article):
    versions = Version.objects.get_for_object(article).select_related("revision__user")
    return [version.revision for version in versions.order_by("pk")]


def contents(revision):
    """How many versions of each model a revision holds."""
    return Counter(version._model.__name__ for version in revision.version_set.all())


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def test_each_service_records_one_revision_with_user_and_comment(editor):
    article = ArticleFactory.build(section=SectionFactory(), draft=True)
    services.article_save(article=article, user=editor, comment="First draft")
    services.article_publish(article=article, user=editor)
    services.article_unpublish(article=article, user=editor)
    services.article_save(article=article, user=editor)
    assert [(rev.user, rev.comment) for rev in history(article)] == [
        (editor, "First draft"),
        (editor, "Published"),
        (editor, "Returned to draft"),
        (editor, "Changed"),
    ]
    assert Revision.objects.count() == 4


def test_a_story_saved_with_its_byline_and_tags_is_one_revision_of_all_of_them(editor):
    article = saved_story(
        user=editor, authors=[AuthorFactory(), AuthorFactory()], tags=["Oran", "Games"]
    )
    [revision] = history(article)
    assert (revision.user, revision.comment) == (editor, "Written")
    assert contents(revision) == {"Article": 1, "Byline": 2, "TaggedArticle": 2}


def test_admin_add_records_one_revision_with_byline_and_tags(editor_client, editor):
    add_url = reverse("admin:articles_article_add")
    data = admin_form_data(
        editor_client.get(add_url),
        headline="Written in admin",
        slug="written-in-admin",
        body="<p>Hello.</p>",
        section=SectionFactory().pk,
        tags="Algeria, Energy",
        **{"bylines-0-author": AuthorFactory().pk},
    )
    response = editor_client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(slug="written-in-admin")
    [revision] = history(article)
    assert revision.user == editor
    assert revision.get_comment().startswith("Added.")
    assert contents(revision) == {"Article": 1, "Byline": 1, "TaggedArticle": 2}


def test_admin_change_records_one_revision_naming_what_changed(editor_client, editor):
    article = saved_story(authors=[AuthorFactory()], tags=["Oran"])
    form = editor_client.get(change_url(article))
    response = editor_client.post(
        change_url(article), admin_form_data(form, headline="A better headline", tags="Oran, Sea")
    )
    assert response.status_code == 302
    _first, second = history(article)
    assert second.user == editor
    assert second.get_comment() == "Changed Headline and Tags."
    assert contents(second) == {"Article": 1, "Byline": 1, "TaggedArticle": 2}
    assert Revision.objects.count() == 2


def test_bulk_publish_and_unpublish_record_one_revision_per_story(editor_client, editor):
    drafts = [saved_story(draft=True, published_at=None) for _ in range(2)]
    changelist = reverse("admin:articles_article_changelist")
    for action, comment in [("publish_selected", "Published"), ("return_to_draft", "Returned")]:
        editor_client.post(
            changelist, {"action": action, "_selected_action": [a.pk for a in drafts]}
        )
        for article in drafts:
            latest = history(article)[-1]
            assert (latest.user, latest.comment.split(" ")[0]) == (editor, comment)
            assert contents(latest) == {"Article": 1}
    assert Revision.objects.count() == 2 + 4


IMPORTED = """Title: Oran hosts the Mediterranean Games
Tags: Games, Oran
Byline: By Amina Benali and Karim Ziani

Oran – The city opened its new stadium on Saturday.
Tickets sold out within hours.
"""


def test_import_records_one_revision_on_create_and_one_on_update(tmp_path):
    path = tmp_path / "games.txt"
    path.write_text(IMPORTED)
    call_command("import_seeds", str(path), verbosity=0)
    article = Article.objects.get()
    [created] = history(article)
    assert created.user is None
    assert created.comment == f"Imported from {Path(path).resolve().as_posix()}"
    assert sorted(article.tags.names()) == ["Algeria", "Games", "Oran"]
    assert contents(created) == {"Article": 1, "Byline": 2, "TaggedArticle": 3}

    path.write_text(IMPORTED.replace("Tickets sold out", "Every ticket sold out"))
    call_command("import_seeds", str(path), verbosity=0)
    call_command("import_seeds", str(path), verbosity=0)
    _created, updated = history(article)
    assert updated.comment == f"Updated from {article.source_path}"
    assert contents(updated) == {"Article": 1, "Byline": 2, "TaggedArticle": 3}
    assert Revision.objects.count() == 2


def two_revisions(editor):
    sport, news = SectionFactory(name="Games desk"), SectionFactory(name="News desk")
    amina, karim = AuthorFactory(name="Amina Benali"), AuthorFactory(name="Karim Ziani")
    article = saved_story(
        user=editor,
        headline="Oran hosts the Games",
        body="<p>Tickets sold out.</p>\n<p>Crowds came early.</p>",
        section=sport,
        tags=["Oran"],
        authors=[amina],
        draft=True,
    )
    with services.article_revision(article=article, user=editor, comment="Rewritten"):
        article.headline = "Oran opens the Games"
        article.body = "<p>Every ticket sold out.</p>\n<p>Crowds came early.</p>"
        article.section = news
        services.article_publish(article=article, user=editor)
        services.article_set_authors(article=article, authors=[karim])
        article.tags.set(["Oran", "Games"])
    return article, history(article)


def test_compare_shows_the_changed_words_tags_section_status_and_authors(editor_client, editor):
    article, (old, new) = two_revisions(editor)
    response = editor_client.get(compare_url(article), {"old": old.pk, "new": new.pk})
    assert response.status_code == 200
    html = response.text
    assert "Oran <del>hosts</del><ins>opens</ins> the Games" in html
    assert "<del>Tickets</del><ins>Every ticket</ins> sold out." in html
    assert "Crowds came early." in html
    assert "<ins>Games</ins>, Oran" in html
    assert "<del>Games desk</del> → <ins>News desk</ins>" in html
    assert "<del>Draft</del> → <ins>Published</ins>" in html
    assert "<del>Amina Benali</del>, <ins>Karim Ziani</ins>" in html
    assert "Standfirst" not in html  # unchanged fields are left out

    swapped = editor_client.get(compare_url(article), {"old": new.pk, "new": old.pk})
    assert "Oran <del>hosts</del><ins>opens</ins> the Games" in swapped.text


def test_compare_escapes_hostile_html(editor_client, editor):
    article = saved_story(
        headline='<img src=x onerror="alert(1)"> Budget',
        body="<p>&lt;script&gt;alert(2)&lt;/script&gt; Budget passed.</p>",
    )
    article.headline = '<img src=y onerror="alert(3)"> Budget'
    article.body = "<p>&lt;script&gt;alert(4)&lt;/script&gt; Budget failed.</p>"
    services.article_save(article=article, user=editor)
    old, new = history(article)
    html = editor_client.get(compare_url(article), {"old": old.pk, "new": new.pk}).text
    assert "<img src=" not in html
    assert "<script>alert" not in html
    assert "&lt;img <del>src=x</del><ins>src=y</ins>" in html
    assert "<del>&lt;script&gt;alert(2)&lt;/script&gt;</del>" in html
    assert "<ins>&lt;script&gt;alert(4)&lt;/script&gt;</ins> Budget" in html


def test_compare_refuses_bad_or_foreign_revisions(editor_client, editor):
    article, (old, _new) = two_revisions(editor)
    other = saved_story()
    [foreign] = history(other)
    for params in [{"old": old.pk, "new": foreign.pk}, {"old": old.pk}, {"old": "x", "new": "1"}]:
        response = editor_client.get(compare_url(article), params, follow=True)
        assert "Choose two different revisions to compare." in response.text


def test_compare_and_restore_need_the_right_to_change_stories(client, editor):
    article, (old, new) = two_revisions(editor)
    version = Version.objects.get_for_object(article).get(revision=old)
    restore_url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    client.force_login(UserFactory(is_staff=True, permissions=["articles.view_article"]))
    assert client.get(compare_url(article), {"old": old.pk, "new": new.pk}).status_code == 403
    assert client.get(restore_url).status_code == 403
    assert client.post(restore_url, {"base_version": article.version}).status_code == 403
    client.force_login(editor)
    assert client.post(restore_url, {"base_version": "forged"}).status_code == 400
    assert Article.objects.get(pk=article.pk).headline == "Oran opens the Games"


def test_history_offers_two_revisions_to_compare(editor_client, editor):
    editor.first_name, editor.last_name = "Leila", "Mansouri"
    editor.save()
    article, (old, new) = two_revisions(editor)
    html = editor_client.get(reverse("admin:articles_article_history", args=[article.pk])).text
    assert f'action="{compare_url(article)}"' in html
    assert f'name="old" value="{old.pk}"' in html
    assert f'name="new" value="{new.pk}"' in html
    assert html.index("Rewritten") < html.index("Written<")
    assert "Leila Mansouri" in html
    assert "Compare selected revisions" in html


def test_restore_brings_back_the_old_text_as_a_new_revision(editor_client, editor):
    reporter = UserFactory(first_name="Amina", last_name="Benali")
    article = saved_story(
        user=reporter,
        headline="Old headline",
        body="<p>Old body.</p>",
        tags=["Old"],
        authors=[AuthorFactory(name="Amina Benali")],
        draft=True,
    )
    with services.article_revision(article=article, user=editor, comment="Rewritten"):
        article.headline, article.body = "New headline", "<p>New body.</p>"
        services.article_publish(article=article, user=editor)
        services.article_set_authors(article=article, authors=[AuthorFactory(name="Karim Z")])
        article.tags.set(["New"])
    first = Version.objects.get_for_object(article).get(revision=history(article)[0])
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])

    page = editor_client.get(url)
    assert "<del>New</del><ins>Old</ins> headline" in page.text
    assert "Restore this revision" in page.text
    assert "Status" not in page.text  # restoring keeps the story published
    assert Article.objects.get(pk=article.pk).headline == "New headline"

    response = editor_client.post(url, {"base_version": article.version}, follow=True)
    assert "is restored; it is now the latest revision" in response.text
    restored = Article.objects.get(pk=article.pk)
    assert (restored.headline, restored.body) == ("Old headline", "<p>Old body.</p>")
    assert list(restored.tags.names()) == ["Old"]
    assert [author.name for author in restored.byline_authors] == ["Amina Benali"]
    assert restored.status == Article.Status.PUBLISHED  # restoring text never unpublishes
    assert restored.version == article.version + 1
    latest = history(article)[-1]
    assert latest.user == editor
    assert latest.comment.startswith("Restored revision of ")
    assert latest.comment.endswith(" by Amina Benali")
    assert len(history(article)) == 3


def test_restore_from_an_outdated_page_is_refused(editor_client, editor):
    article, (old, _new) = two_revisions(editor)
    version = Version.objects.get_for_object(article).get(revision=old)
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    outdated = article.version
    services.article_save(article=article, user=editor, comment="Meanwhile")
    response = editor_client.post(url, {"base_version": outdated}, follow=True)
    assert "Nothing was restored" in response.text
    assert Article.objects.get(pk=article.pk).headline == "Oran opens the Games"
    assert len(history(article)) == 3


def test_comparing_snapshots_is_pure():
    old = {"headline": "A b c", "body": "<p>One &amp; two</p><p>Three</p>", "tags": ["x", "Y"]}
    new = {"headline": "A c", "body": "<p>One &amp; two</p><p>Four</p>", "tags": ["y", "z"]}
    diffs = {diff.key: diff for diff in revisions.compare(old, new)}
    assert [s.op for s in diffs["headline"].segments] == ["equal", "delete", "equal"]
    assert revisions.plain_text(old["body"]) == "One & two\nThree"
    assert [(s.op, s.text) for s in diffs["tags"].segments] == [
        ("delete", "x"),
        ("equal", "y"),
        ("insert", "z"),
    ]
    assert not diffs["status"].changed


def test_revisions_follow_byline_and_tags_models():
    article = saved_story(authors=[AuthorFactory()], tags=["Oran"])
    byline, tagged = Byline.objects.get(article=article), TaggedArticle.objects.get()
    assert Version.objects.get_for_object(byline).count() == 1
    assert Version.objects.get_for_object(tagged).count() == 1


def test_an_imported_revision_holds_what_reversion_would_record(tmp_path):
    path = tmp_path / "games.txt"
    path.write_text(IMPORTED)
    call_command("import_seeds", str(path), verbosity=0)
    article = Article.objects.get()
    [created] = history(article)
    rows = [article, *Byline.objects.filter(article=article)]
    rows += TaggedArticle.objects.filter(content_object=article)
    recorded = {
        (version.content_type.model_class(), version.object_id): version
        for version in created.version_set.all()
    }
    assert len(recorded) == len(rows)
    for row in rows:
        version = recorded[(type(row), str(row.pk))]
        assert version.serialized_data == serializers.serialize("json", (row,))
        assert version.object_repr == str(row)
