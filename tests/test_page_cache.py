"""Readers get cached pages; nobody ever gets a stale or an editor's page."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services

from .factories import ArticleFactory, CorrectionFactory, SectionFactory
from .test_roles import editable_form

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300


def fetch(client, url="/", **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_second_reader_is_served_from_the_cache_without_queries(client):
    ArticleFactory(headline="Cached story")
    first, _ = fetch(client)
    assert first["X-Cache"] == "miss"
    second, queries = fetch(client)
    assert second["X-Cache"] == "hit"
    assert queries == 0
    assert "Cached story" in second.text


def test_public_pages_tell_shared_caches_how_long_to_keep_them(client):
    ArticleFactory()
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        response, _ = fetch(client)
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "s-maxage=300" in cache_control
    assert "stale-while-revalidate" in cache_control
    # The same time for nginx in front, as the moment it ends.
    assert response["X-Accel-Expires"] == f"@{int(now.timestamp()) + 300}"
    assert "Age" not in response
    assert response.has_header("ETag") and response.has_header("Last-Modified")


def test_a_page_answered_from_the_cache_later_tells_its_age(client):
    ArticleFactory()
    kept_at = timezone.now()
    with time_machine.travel(kept_at, tick=False):
        first, _ = fetch(client)
    with time_machine.travel(kept_at + timedelta(seconds=40), tick=False):
        later, _ = fetch(client)
    assert later["X-Cache"] == "hit"
    # A CDN or a browser counts s-maxage and max-age from when the page was made.
    assert later["Age"] == "40"
    assert later["Cache-Control"] == first["Cache-Control"]
    assert later["X-Accel-Expires"] == first["X-Accel-Expires"]


def test_unchanged_page_answers_304(client):
    ArticleFactory()
    first, _ = fetch(client)
    again, _ = fetch(client, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    # The ETag a compressing proxy (nginx's gzip) passes on is the weak form.
    weak, _ = fetch(client, **{"If-None-Match": "W/" + first["ETag"]})
    assert weak.status_code == 304
    since, _ = fetch(client, **{"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


@pytest.mark.parametrize(
    "change",
    ["publish", "unpublish", "edit", "correct", "delete"],
)
def test_every_kind_of_change_is_seen_on_the_next_request(client, change):
    story = ArticleFactory(headline="Original headline", draft=(change == "publish"))
    other = ArticleFactory(headline="Another story")
    for url in ["/", story.section.get_absolute_url(), other.get_absolute_url()]:
        fetch(client, url)  # fill the cache
    if change == "publish":
        services.article_publish(article=story)
        expect, absent = "Original headline", None
    elif change == "unpublish":
        services.article_unpublish(article=story)
        expect, absent = None, "Original headline"
    elif change == "edit":
        story.headline = "Edited headline"
        services.article_save(article=story)
        expect, absent = "Edited headline", "Original headline"
    elif change == "correct":
        services.correction_add(article=other, kind="correction", text="A name was wrong.")
        response, _ = fetch(client, other.get_absolute_url())
        assert "A name was wrong." in response.text
        return
    else:
        services.article_delete(article=story)
        expect, absent = None, "Original headline"
    for url in ["/", story.section.get_absolute_url()]:
        response, _ = fetch(client, url)
        assert response["X-Cache"] == "miss", url
        if expect:
            assert expect in response.text, url
        if absent:
            assert absent not in response.text, url


def test_a_scheduled_story_appears_on_time_though_the_home_page_was_cached(client):
    at = timezone.now() + timedelta(minutes=2)
    ArticleFactory(headline="At ten past", published_at=at)
    response, _ = fetch(client)
    assert "At ten past" not in response.text
    shared = int(response["Cache-Control"].split("s-maxage=")[1].split(",")[0])
    assert 0 < shared <= 120  # no shared cache keeps the page past the publication
    assert int(response["X-Accel-Expires"].removeprefix("@")) <= at.timestamp()
    with time_machine.travel(at - timedelta(seconds=5)):
        again, _ = fetch(client)
    assert "At ten past" not in again.text
    # Answered again from the cache, the page still ends for shared caches at the
    # publication: s-maxage counted from its Age, nginx's time unchanged.
    assert again["X-Cache"] == "hit"
    assert shared - int(again["Age"]) <= 5
    assert again["X-Accel-Expires"] == response["X-Accel-Expires"]
    with time_machine.travel(at + timedelta(seconds=1)):
        assert "At ten past" in fetch(client)[0].text


def test_an_embargo_lifting_refreshes_cached_pages(client):
    until = timezone.now() + timedelta(hours=1)
    ArticleFactory(headline="Embargoed report", embargo_until=until)
    assert "Embargoed report" not in fetch(client)[0].text
    with time_machine.travel(until + timedelta(seconds=1)):
        assert "Embargoed report" in fetch(client)[0].text


def test_editors_never_read_or_fill_the_cache(editor_client):
    client = Client()
    draft = ArticleFactory(headline="Secret draft", draft=True)
    ArticleFactory(headline="Public story")
    preview = editor_client.get(draft.get_absolute_url())
    assert "Secret draft" in preview.text
    assert "X-Cache" not in preview
    home = editor_client.get("/")
    assert "X-Cache" not in home
    assert "private" in home["Cache-Control"] and "public" not in home["Cache-Control"]
    assert "X-Accel-Expires" not in home and "X-Accel-Expires" not in preview
    reader, _ = fetch(client, draft.get_absolute_url())
    assert reader.status_code == 404
    reader_home, _ = fetch(client)
    assert reader_home["X-Cache"] == "miss"
    assert "Secret draft" not in reader_home.text


def test_an_admin_save_refreshes_reader_pages(editor_client):
    client = Client()
    section = SectionFactory(name="Old name")
    ArticleFactory(section=section)
    assert "Old name" in fetch(client, section.get_absolute_url())[0].text
    change = reverse("admin:articles_section_change", args=[section.pk])
    response = editor_client.post(
        change, {"name": "New name", "slug": section.slug, "description": "", "position": 5}
    )
    assert response.status_code == 302
    page, _ = fetch(client, section.get_absolute_url())
    assert "New name" in page.text


def test_anonymous_posts_never_empty_the_cache(client):
    ArticleFactory()
    fetch(client, "/")
    for url, data in [
        (reverse("admin:login"), {"username": "nobody", "password": "wrong"}),
        (reverse("admin_password_reset"), {"email": "nobody@example.org"}),
    ]:
        assert client.post(url, data).status_code < 400
    assert fetch(client, "/")[0]["X-Cache"] == "hit"


def test_a_staged_change_published_from_admin_reaches_readers(editor_client):
    client = Client()
    article = ArticleFactory(headline="Live text")
    fetch(client, article.get_absolute_url())
    editor_client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        editable_form(article, _stage="1", headline="Staged text"),
    )
    assert "Live text" in fetch(client, article.get_absolute_url())[0].text
    editor_client.post(reverse("admin:articles_article_pending", args=[article.pk, "publish"]))
    assert "Staged text" in fetch(client, article.get_absolute_url())[0].text


def test_previews_and_search_are_never_cached(client):
    ArticleFactory(headline="Findable")
    for url in ["/admin/login/", "/search/?q=findable"]:
        response = client.get(url)
        assert "X-Cache" not in response, url


def test_page_cache_can_be_switched_off(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    ArticleFactory()
    fetch(client)
    assert "X-Cache" not in fetch(client)[0]
    assert django_settings.NEWSROOM_PAGE_CACHE_SECONDS == 0


def test_corrections_feed_is_cached_and_refreshed(client):
    article = ArticleFactory()
    CorrectionFactory(article=article, text="First fix.")
    url = reverse("articles:corrections-feed")
    assert "First fix." in fetch(client, url)[0].text
    assert fetch(client, url)[0]["X-Cache"] == "hit"
    services.correction_add(article=article, kind="correction", text="Second fix.")
    assert "Second fix." in fetch(client, url)[0].text


def test_each_language_has_its_own_cached_page(client):
    ArticleFactory(headline="Cached story")
    english, _ = fetch(client, "/")
    french, _ = fetch(client, "/fr/")
    assert (english["X-Cache"], french["X-Cache"]) == ("miss", "miss")
    for _round in range(2):
        english, queries = fetch(client, "/")
        assert (english["X-Cache"], queries) == ("hit", 0)
        assert '<html lang="en" dir="ltr">' in english.text and "Skip to content" in english.text
        french, queries = fetch(client, "/fr/")
        assert (french["X-Cache"], queries) == ("hit", 0)
        assert '<html lang="fr" dir="ltr">' in french.text and "Aller au contenu" in french.text


def test_a_browser_preferring_another_language_never_gets_or_fills_another_page(client):
    ArticleFactory()
    arabic_first, _ = fetch(client, "/", **{"Accept-Language": "ar"})
    assert '<html lang="en" dir="ltr">' in arabic_first.text
    english, _ = fetch(client, "/")
    assert english["X-Cache"] == "hit"
    assert '<html lang="en" dir="ltr">' in english.text
    arabic, _ = fetch(client, "/ar/", **{"Accept-Language": "en"})
    assert arabic["X-Cache"] == "miss"
    assert '<html lang="ar" dir="rtl">' in arabic.text


def test_search_and_previews_stay_uncached_in_every_language(client):
    ArticleFactory(headline="Findable story")
    for url in ["/fr/search/?q=findable", "/ar/search/?q=findable", "/fr/preview/nothing/"]:
        response, _ = fetch(client, url)
        assert "X-Cache" not in response, url


def test_public_pages_do_not_vary_by_the_browser_s_language(client):
    ArticleFactory()
    for url in ["/", "/fr/", "/latest/"]:
        response, _ = fetch(client, url, **{"Accept-Language": "fr"})
        assert "accept-language" not in response.get("Vary", "").lower(), url


def test_a_cached_page_keeps_the_security_headers_it_was_served_with(client):
    ArticleFactory()
    first, _ = fetch(client)
    second, _ = fetch(client)
    assert second["X-Cache"] == "hit"
    for header in ("X-Content-Type-Options", "Referrer-Policy", "Content-Type", "ETag"):
        assert second[header] == first[header]


def test_a_cached_page_is_never_served_to_a_host_the_site_does_not_answer(client):
    ArticleFactory()
    fetch(client)
    assert fetch(client)[0]["X-Cache"] == "hit"
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "X-Cache" not in response


def test_plain_http_is_still_redirected_when_the_page_is_cached(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    ArticleFactory()
    client.get("/", secure=True)
    assert client.get("/", secure=True)["X-Cache"] == "hit"
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
