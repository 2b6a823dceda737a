from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from articles.models import Article
from articles.sitemaps import NewsSitemap, StorySitemap

from .factories import ArticleFactory, AuthorFactory, SectionFactory
from .queries import count_queries

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 5, 3, 12, 0, tzinfo=UTC)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"s": SITEMAP_NS, "news": NEWS_NS}
INDEX = reverse("sitemap")
NEWS = reverse("sitemap-news")

HIDDEN_STORIES = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "scheduled": {"scheduled": True},
    "embargoed": {"embargo_until": NOW + timedelta(days=1)},
}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def sitemap(name):
    return reverse("sitemap-section", kwargs={"section": name})


def get_xml(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/xml"
    return etree.fromstring(response.content)


def locations(client, url, **params):
    return [loc.text for loc in get_xml(client, url, **params).findall("s:url/s:loc", NS)]


def absolute(article_or_page):
    return f"http://testserver{article_or_page.get_absolute_url()}"


# The index


def test_index_lists_every_sitemap_with_absolute_addresses(client):
    ArticleFactory()
    root = get_xml(client, INDEX)
    assert root.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    assert [loc.text for loc in root.findall("s:sitemap/s:loc", NS)] == [
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-sections.xml",
        "http://testserver/sitemap-tags.xml",
        "http://testserver/sitemap-authors.xml",
    ]


def test_index_dates_the_story_sitemap_by_the_latest_change(client):
    ArticleFactory(published_at=NOW - timedelta(days=3), revised_at=NOW - timedelta(hours=2))
    ArticleFactory(published_at=NOW - timedelta(days=1))
    ArticleFactory(draft=True, published_at=NOW - timedelta(minutes=5))
    root = get_xml(client, INDEX)
    [stories] = [
        s for s in root.findall("s:sitemap", NS) if "stories" in s.findtext("s:loc", "", NS)
    ]
    lastmod = datetime.fromisoformat(stories.findtext("s:lastmod", namespaces=NS))
    assert lastmod == NOW - timedelta(hours=2)


def index_lastmod(client):
    root = get_xml(client, INDEX)
    [stories] = [
        s for s in root.findall("s:sitemap", NS) if "stories" in s.findtext("s:loc", "", NS)
    ]
    return datetime.fromisoformat(stories.findtext("s:lastmod", namespaces=NS))


@pytest.mark.parametrize("hidden", HIDDEN_STORIES.values(), ids=HIDDEN_STORIES.keys())
def test_index_date_ignores_updates_readers_cannot_see(client, hidden):
    ArticleFactory(published_at=NOW - timedelta(days=3), revised_at=NOW - timedelta(hours=6))
    ArticleFactory(**hidden)
    Article.objects.exclude(revised_at__isnull=False).update(revised_at=NOW - timedelta(hours=1))
    assert index_lastmod(client) == NOW - timedelta(hours=6)


def test_index_dates_by_the_newest_publication_when_it_is_later_than_every_update(client):
    ArticleFactory(published_at=NOW - timedelta(days=3), revised_at=NOW - timedelta(days=2))
    ArticleFactory(published_at=NOW - timedelta(hours=4))
    ArticleFactory(scheduled=True)
    assert index_lastmod(client) == NOW - timedelta(hours=4)


# Stories


def test_story_sitemap_lists_exactly_the_published_stories_with_lastmod(client):
    revised = ArticleFactory(
        published_at=NOW - timedelta(days=2), revised_at=NOW - timedelta(hours=5)
    )
    plain = ArticleFactory(published_at=NOW - timedelta(days=1))
    root = get_xml(client, sitemap("stories"))
    entries = {
        url.findtext("s:loc", namespaces=NS): datetime.fromisoformat(
            url.findtext("s:lastmod", namespaces=NS)
        )
        for url in root.findall("s:url", NS)
    }
    assert entries == {
        absolute(revised): NOW - timedelta(hours=5),
        absolute(plain): NOW - timedelta(days=1),
    }


@pytest.mark.parametrize("kind", HIDDEN_STORIES)
def test_unpublished_stories_are_in_no_sitemap(client, kind):
    section = SectionFactory(slug="hidden-only")
    author = AuthorFactory(slug="hidden-author")
    hidden = ArticleFactory(
        section=section,
        authors=[author],
        tags=["Secret"],
        **HIDDEN_STORIES[kind],
    )
    visible = ArticleFactory()
    assert locations(client, sitemap("stories")) == [absolute(visible)]
    assert locations(client, NEWS) == [absolute(visible)]
    assert absolute(section) not in locations(client, sitemap("sections"))
    assert locations(client, sitemap("tags")) == []
    assert locations(client, sitemap("authors")) == []
    assert hidden.get_absolute_url() not in client.get(INDEX).text


def test_story_sitemap_is_paged_oldest_first(client, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    stories = [ArticleFactory(published_at=NOW - timedelta(days=10 - n)) for n in range(5)]
    index = [loc.text for loc in get_xml(client, INDEX).findall("s:sitemap/s:loc", NS)]
    assert index[:3] == [
        "http://testserver/sitemap-stories.xml",
        "http://testserver/sitemap-stories.xml?p=2",
        "http://testserver/sitemap-stories.xml?p=3",
    ]
    pages = [locations(client, sitemap("stories"), p=page) for page in (1, 2, 3)]
    assert pages == [
        [absolute(stories[0]), absolute(stories[1])],
        [absolute(stories[2]), absolute(stories[3])],
        [absolute(stories[4])],
    ]
    assert client.get(sitemap("stories"), {"p": 4}).status_code == 404
    assert client.get(sitemap("stories"), {"p": "x"}).status_code == 404


def test_story_sitemap_pages_split_stories_published_at_the_same_moment(client, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    stories = [ArticleFactory(published_at=NOW - timedelta(days=1)) for _ in range(5)]
    pages = [locations(client, sitemap("stories"), p=page) for page in (1, 2, 3)]
    assert pages == [
        [absolute(stories[0]), absolute(stories[1])],
        [absolute(stories[2]), absolute(stories[3])],
        [absolute(stories[4])],
    ]


def test_a_story_sitemap_page_reads_one_page_of_light_rows(client, monkeypatch):
    monkeypatch.setattr(StorySitemap, "limit", 2)
    ArticleFactory.create_batch(5, authors=[AuthorFactory()], tags=["Oil"])
    client.get(sitemap("stories"), {"p": 2})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(sitemap("stories"), {"p": 2}).status_code == 200
    [select] = [q["sql"] for q in queries if "LIMIT 2" in q["sql"]]
    assert '"body"' not in select and '"headline"' not in select
    # Earlier stories are skipped in the list index: only the page's first key is read.
    [skip] = [q["sql"] for q in queries if "OFFSET" in q["sql"]]
    assert skip.split(" FROM ")[0].count(",") == 1
    assert "OFFSET" not in select and "COUNT" not in " ".join(q["sql"] for q in queries)


@pytest.mark.parametrize(
    "url",
    [INDEX, sitemap("stories"), sitemap("sections"), sitemap("tags"), sitemap("authors"), NEWS],
)
def test_sitemaps_run_a_fixed_number_of_queries(client, monkeypatch, url):
    monkeypatch.setattr(StorySitemap, "limit", 3)
    ArticleFactory(authors=[AuthorFactory()], tags=["Oil"])
    few = count_queries(client, url)
    for n in range(8):
        ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=[f"Tag {n}", "Gas"])
    assert count_queries(client, url) == few


# Sections, tags and authors


def test_listing_sitemaps_name_only_pages_with_published_stories(client):
    energy = SectionFactory(slug="energy")
    gas = SectionFactory(slug="gas", parent=energy)
    SectionFactory(slug="empty")
    amina = AuthorFactory(slug="amina")
    AuthorFactory(slug="no-stories")
    ArticleFactory(section=gas, authors=[amina], tags=["Oil", "Gas"])
    ArticleFactory(draft=True, authors=[AuthorFactory(slug="drafts-only")], tags=["Secret"])
    assert locations(client, sitemap("sections")) == [absolute(energy), absolute(gas)]
    assert locations(client, sitemap("tags")) == [
        "http://testserver/tag/oil/",
        "http://testserver/tag/gas/",
    ]
    assert locations(client, sitemap("authors")) == [absolute(amina)]


# Google News


def test_news_sitemap_lists_the_last_48_hours_newest_first(client):
    ArticleFactory(published_at=NOW - timedelta(hours=49))
    older = ArticleFactory(published_at=NOW - timedelta(hours=47))
    newer = ArticleFactory(published_at=NOW - timedelta(minutes=1))
    assert locations(client, NEWS) == [absolute(newer), absolute(older)]


def test_news_sitemap_says_what_google_news_needs(client):
    article = ArticleFactory(
        headline="Gas & oil <deal>",
        language="fr",
        published_at=datetime(2025, 5, 3, 9, 30, tzinfo=UTC),
    )
    root = get_xml(client, NEWS)
    assert root.nsmap == {None: SITEMAP_NS, "news": NEWS_NS}
    [url] = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == absolute(article)
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "DZWatch"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "fr"
    assert news.findtext("news:publication_date", namespaces=NS) == "2025-05-03T09:30:00+00:00"
    assert news.findtext("news:title", namespaces=NS) == "Gas & oil <deal>"


@pytest.mark.parametrize(
    "language, expected", [("en-gb", "en"), ("zh-hans", "zh-cn"), ("ar", "ar")]
)
def test_news_sitemap_names_languages_as_google_news_does(client, language, expected):
    ArticleFactory(language=language)
    root = get_xml(client, NEWS)
    assert root.findtext(".//news:language", namespaces=NS) == expected


def test_news_sitemap_survives_control_characters_in_a_headline(client):
    ArticleFactory(headline="Talks\x0b resume")
    assert get_xml(client, NEWS).findtext(".//news:title", namespaces=NS) == "Talks resume"


def test_news_sitemap_stops_at_its_limit(client, monkeypatch):
    monkeypatch.setattr(NewsSitemap, "limit", 2)
    stories = [ArticleFactory(published_at=NOW - timedelta(hours=n + 1)) for n in range(3)]
    assert locations(client, NEWS) == [absolute(stories[0]), absolute(stories[1])]
    assert client.get(NEWS, {"p": 2}).status_code == 404


def test_news_sitemap_limit_is_google_news_limit():
    assert NewsSitemap.limit == 1000


# robots.txt


def test_robots_txt_names_the_sitemaps_and_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ("/admin/", "/preview/", "/search/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/sitemap-news.xml" in lines


def test_robots_txt_names_https_sitemaps_on_a_secure_site(client):
    response = client.get("/robots.txt", secure=True)
    assert "Sitemap: https://testserver/sitemap.xml" in response.text.splitlines()


def test_story_sitemap_names_each_story_s_published_translations(client):
    original = ArticleFactory(slug="gas-talks", published_at=NOW - timedelta(days=1))
    french = ArticleFactory(
        slug="pourparlers", language="fr", translation_of=original, published_at=NOW
    )
    ArticleFactory(slug="muhadathat", language="ar", translation_of=original, draft=True)
    alone = ArticleFactory(slug="alone", published_at=NOW - timedelta(days=2))
    root = get_xml(client, sitemap("stories"))
    xhtml = "{http://www.w3.org/1999/xhtml}link"
    entries = {
        url.findtext("s:loc", namespaces=NS): [
            (link.get("hreflang"), link.get("href")) for link in url.iter(xhtml)
        ]
        for url in root.findall("s:url", NS)
    }
    pair = [
        ("en", absolute(original)),
        ("fr", f"http://testserver/fr{french.get_absolute_url()}"),
    ]
    # A French story is listed at its address in the French edition of the site.
    assert entries == {absolute(alone): [], absolute(original): pair, pair[1][1]: pair}


def test_a_story_whose_translations_are_all_unpublished_names_no_alternates(client):
    original = ArticleFactory(slug="gas-talks", published_at=NOW - timedelta(days=1))
    ArticleFactory(language="fr", translation_of=original, draft=True)
    root = get_xml(client, sitemap("stories"))
    assert [url.findtext("s:loc", namespaces=NS) for url in root.findall("s:url", NS)] == [
        absolute(original)
    ]
    assert list(root.iter("{http://www.w3.org/1999/xhtml}link")) == []


def test_story_sitemap_queries_do_not_grow_with_translations(client):
    for n in range(3):
        ArticleFactory(published_at=NOW - timedelta(hours=n + 1))
    few = count_queries(client, sitemap("stories"))
    for original in Article.objects.all():
        for code in ["fr", "ar"]:
            ArticleFactory(language=code, translation_of=original, published_at=NOW)
    assert count_queries(client, sitemap("stories")) == few + 1
