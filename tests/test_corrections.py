from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Correction

from .factories import ArticleFactory, AuthorFactory, CorrectionFactory, UserFactory
from .queries import count_queries
from .test_admin import article_form_data

pytestmark = pytest.mark.django_db

CORRECTIONS = reverse("articles:corrections")
FEED = reverse("articles:corrections-feed")

HIDDEN_STORIES = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "scheduled": {"scheduled": True},
    "embargoed": {"embargo_until": timezone.now() + timedelta(days=1)},
}


def local_iso(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M:%S%z")


# The box under the story


def test_story_page_lists_corrections_and_updates_newest_first_with_times(client):
    article = ArticleFactory()
    older = timezone.now() - timedelta(minutes=40)
    newer = timezone.now() - timedelta(minutes=10)
    services.correction_add(
        article=article, kind="correction", text="The name of the minister was misspelt.", at=older
    )
    services.correction_add(
        article=article, kind="update", text="The vote is now on Friday.", at=newer
    )
    html = client.get(article.get_absolute_url()).text
    assert '<aside class="corrections" aria-labelledby="corrections-heading">' in html
    assert '<h2 id="corrections-heading">Corrections and updates</h2>' in html
    assert html.index("The vote is now on Friday.") < html.index(
        "The name of the minister was misspelt."
    )
    assert html.index("<strong>Update</strong>") < html.index("<strong>Correction</strong>")
    for moment in (older, newer):
        assert f'<time datetime="{local_iso(moment)}">' in html


def test_story_without_corrections_has_no_box(client):
    html = client.get(ArticleFactory().get_absolute_url()).text
    assert 'class="corrections"' not in html


def test_correction_text_is_plain_text(client):
    article = ArticleFactory()
    services.correction_add(article=article, kind="correction", text="<script>alert(1)</script>")
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_adding_a_correction_marks_the_story_changed():
    editor = UserFactory()
    with time_machine.travel(datetime(2025, 5, 1, 9, 0, tzinfo=UTC), tick=False):
        article = ArticleFactory()
    with time_machine.travel(datetime(2025, 5, 2, 15, 30, tzinfo=UTC), tick=False):
        correction = services.correction_add(
            article=article, kind="correction", text="  The date was wrong.  ", user=editor
        )
    stored = Article.objects.get(pk=article.pk)
    assert stored.updated_at == datetime(2025, 5, 2, 15, 30, tzinfo=UTC)
    assert stored.updated_by == editor
    assert correction.published_at == datetime(2025, 5, 2, 15, 30, tzinfo=UTC)
    assert correction.created_by == editor
    assert correction.text == "The date was wrong."


@pytest.mark.parametrize("kind, text", [("correction", "   "), ("retraction", "Text.")])
def test_empty_text_or_unknown_kind_is_refused(kind, text):
    with pytest.raises(ValueError):
        services.correction_add(article=ArticleFactory(), kind=kind, text=text)
    assert not Correction.objects.exists()


def test_story_page_reads_corrections_in_one_query_however_many_and_none_without(client):
    plain = ArticleFactory(authors=[AuthorFactory()], tags=["One"])
    corrected = ArticleFactory(authors=[AuthorFactory()], tags=["One"])
    CorrectionFactory(article=corrected)
    # A story without corrections does not ask for them.
    once = count_queries(client, corrected.get_absolute_url())
    assert once == count_queries(client, plain.get_absolute_url()) + 1
    CorrectionFactory.create_batch(5, article=corrected)
    assert count_queries(client, corrected.get_absolute_url()) == once


# Admin


def change_form_data(article, **overrides):
    return article_form_data(article, **overrides)


def test_editor_adds_a_correction_in_admin(editor_client, editor, client):
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        article = ArticleFactory(headline="Budget vote")
    before = Article.objects.get(pk=article.pk).updated_at
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(
            article,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "update",
                "corrections-0-text": "The vote was moved to Friday.",
                "corrections-0-published_at_0": "2025-05-02",
                "corrections-0-published_at_1": "10:15:00",
            },
        ),
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"]
    correction = Correction.objects.get(article=article)
    assert correction.kind == "update"
    assert correction.created_by == editor
    assert Article.objects.get(pk=article.pk).updated_at > before
    html = client.get(article.get_absolute_url()).text
    assert "The vote was moved to Friday." in html
    assert "2 May 2025, 10:15" in html


def test_editor_changes_a_correction_in_admin(editor_client, editor):
    correction = CorrectionFactory(text="Old wording.")
    article = correction.article
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(
            article,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-INITIAL_FORMS": "1",
                "corrections-0-id": correction.pk,
                "corrections-0-article": article.pk,
                "corrections-0-kind": "clarification",
                "corrections-0-text": "New wording.",
                "corrections-0-published_at_0": "2025-05-02",
                "corrections-0-published_at_1": "10:15:00",
            },
        ),
    )
    assert response.status_code == 302
    correction.refresh_from_db()
    assert (correction.kind, correction.text) == ("clarification", "New wording.")
    assert Article.objects.get(pk=article.pk).updated_by == editor


def test_admin_refuses_a_correction_without_text(editor_client):
    article = ArticleFactory()
    response = editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        change_form_data(
            article,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "",
                "corrections-0-published_at_0": "2025-05-02",
                "corrections-0-published_at_1": "10:15:00",
            },
        ),
    )
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not Correction.objects.exists()


# The corrections page and its feed


def test_corrections_page_lists_corrections_newest_first_with_links(client):
    older = CorrectionFactory(
        text="Wrong figure.", published_at=timezone.now() - timedelta(minutes=30)
    )
    newer = CorrectionFactory(
        kind="update", text="New figure.", published_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get(CORRECTIONS)
    html = response.text
    assert [c.pk for c in response.context["corrections"]] == [newer.pk, older.pk]
    assert html.index("New figure.") < html.index("Wrong figure.")
    assert f'href="{older.article.get_absolute_url()}#correction-{older.pk}"' in html
    assert f'<time datetime="{local_iso(newer.published_at)}">' in html
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert f'href="{FEED}"' in html


def test_footer_links_to_the_corrections_page(client):
    assert f'<a href="{CORRECTIONS}">Corrections</a>' in client.get("/").text


@pytest.mark.parametrize("kind", HIDDEN_STORIES)
def test_corrections_on_unpublished_stories_appear_nowhere(client, kind):
    CorrectionFactory(text="Visible correction.")
    CorrectionFactory(text="Hidden correction.", article=ArticleFactory(**HIDDEN_STORIES[kind]))
    page = client.get(CORRECTIONS).text
    feed = client.get(FEED).text
    for text in (page, feed):
        assert "Visible correction." in text
        assert "Hidden correction." not in text


def test_corrections_page_is_paginated(client, settings):
    CorrectionFactory.create_batch(settings.NEWSROOM_PAGE_SIZE + 3)
    first = client.get(CORRECTIONS)
    assert 'rel="next"' in first.text
    assert len(client.get(CORRECTIONS, {"page": 2}).context["corrections"]) == 3


@pytest.mark.parametrize("page", ["0", "abc", "99"])
def test_corrections_page_bad_page_gives_404(client, page):
    CorrectionFactory()
    assert client.get(CORRECTIONS, {"page": page}).status_code == 404


@pytest.mark.parametrize("url", [CORRECTIONS, FEED])
def test_corrections_page_and_feed_run_a_fixed_number_of_queries(client, url):
    CorrectionFactory.create_batch(2)
    few = count_queries(client, url)
    CorrectionFactory.create_batch(12, article=ArticleFactory(authors=[AuthorFactory()]))
    CorrectionFactory.create_batch(3, article=ArticleFactory(draft=True))
    assert count_queries(client, url) == few


def feed_items(client):
    response = client.get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    return channel, channel.findall("item")


def test_feed_parses_and_describes_each_correction(client):
    correction = CorrectionFactory(
        kind="update",
        text="Turnout was 45%, not 54% & rising.",
        article=ArticleFactory(headline="Election night"),
        published_at=datetime(2025, 5, 2, 10, 15, tzinfo=UTC),
    )
    channel, items = feed_items(client)
    assert channel.findtext("language") == "en"
    assert channel.findtext("link") == f"http://testserver{CORRECTIONS}"
    [item] = items
    assert item.findtext("title") == "Update: Election night"
    assert item.findtext("description") == "Turnout was 45%, not 54% &amp; rising."
    assert item.findtext("link") == (
        f"http://testserver{correction.article.get_absolute_url()}#correction-{correction.pk}"
    )
    assert item.findtext("pubDate") == "Fri, 02 May 2025 10:15:00 +0000"


def test_feed_guid_is_unique_and_stays_when_the_story_moves(client, editor):
    first, _second = CorrectionFactory.create_batch(2)
    _channel, items = feed_items(client)
    guids = {item.findtext("link"): item.find("guid") for item in items}
    assert len({guid.text for guid in guids.values()}) == 2
    assert all(guid.get("isPermaLink") == "false" for guid in guids.values())
    before = {guid.text for guid in guids.values()}

    article = first.article
    article.slug = "a-new-address"
    services.article_save(article=article, user=editor)
    _channel, items = feed_items(client)
    assert {item.find("guid").text for item in items} == before
    assert any("/a-new-address/" in item.findtext("link") for item in items)


# Credit line


def test_story_page_shows_the_credit_after_the_byline(client):
    article = ArticleFactory(
        authors=[AuthorFactory(name="Amina Benali")], credit="Staff and agencies"
    )
    html = client.get(article.get_absolute_url()).text
    credit = '<span class="credit">Staff and agencies</span>'
    assert f'rel="author">Amina Benali</a></span> &middot; {credit}' in html


def test_cards_show_a_short_credit_only(client):
    ArticleFactory(headline="Short credit", credit="Reuters")
    ArticleFactory(
        headline="Long credit", credit="Additional reporting by our correspondents in Oran"
    )
    html = client.get("/latest/").text
    assert '<span class="credit">Reuters</span>' in html
    assert "Additional reporting" not in html
