import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import feedparser
import lxml.html
import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from lxml import etree
from reversion.models import Version

from articles import services
from articles.models import Article

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    saved_story,
)
from .queries import count_queries

pytestmark = pytest.mark.django_db

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}
RFC_822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
PUBLISHED = datetime(2025, 5, 2, 10, 15, tzinfo=UTC)
NOW = datetime(2025, 5, 3, 12, 0, tzinfo=UTC)

HIDDEN_STORIES = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "scheduled": {"scheduled": True},
    "embargoed": {"embargo_until": NOW + timedelta(days=1)},
}
# (URL name, what its slug comes from) for every RSS and Atom feed of stories.
STORY_FEEDS = [
    ("articles:feed", None),
    ("articles:feed-atom", None),
    ("articles:section-feed", "section"),
    ("articles:section-feed-atom", "section"),
    ("articles:tag-feed", "tag"),
    ("articles:tag-feed-atom", "tag"),
    ("articles:author-feed", "author"),
    ("articles:author-feed-atom", "author"),
]
JSON_FEED = reverse("articles:feed-json")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def section():
    return SectionFactory(name="Energy desk", slug="energy-desk")


@pytest.fixture
def author():
    return AuthorFactory(name="Amina Benali", slug="amina-benali")


@pytest.fixture
def story(section, author):
    return ArticleFactory(
        headline="Pipeline deal signed",
        dek="Algeria and Azerbaijan agree on gas.",
        body='<p>The deal <a href="/section/energy-desk/">was signed</a> today.</p>',
        section=section,
        authors=[author, AuthorFactory(name="Karim Saidi", slug="karim-saidi")],
        tags=["Oil"],
        lead_photo=ImageFactory(credit="Photo: APS"),
        published_at=PUBLISHED,
    )


def feed_url(name, subject):
    slugs = {"section": "energy-desk", "tag": "oil", "author": "amina-benali"}
    return reverse(name, kwargs={"slug": slugs[subject]} if subject else None)


def get_feed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, url
    root = etree.fromstring(response.content)
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return response, root, parsed


def rss_items(client, url="/feed/"):
    _response, root, _parsed = get_feed(client, url)
    return root.find("channel"), root.findall("channel/item")


def atom_entries(client, url="/feed/atom/"):
    _response, root, _parsed = get_feed(client, url)
    return root, root.findall("atom:entry", NS)


def json_feed(client):
    response = client.get(JSON_FEED)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json"
    return json.loads(response.content)


def ids_in_every_feed(client):
    """Every story ID in the site's RSS, Atom and JSON feeds."""
    _channel, items = rss_items(client)
    _feed, entries = atom_entries(client)
    return {
        "rss": [item.findtext("guid") for item in items],
        "atom": [entry.findtext("atom:id", namespaces=NS) for entry in entries],
        "json": [item["id"] for item in json_feed(client)["items"]],
    }


def headlines_in_every_feed(client):
    texts = {}
    for name, subject in STORY_FEEDS:
        _response, _root, parsed = get_feed(client, feed_url(name, subject))
        texts[name] = [entry.title for entry in parsed.entries]
    texts["json"] = [item["title"] for item in json_feed(client)["items"]]
    return texts


# Validity


@pytest.mark.parametrize("name, subject", STORY_FEEDS)
def test_every_story_feed_is_well_formed_valid_and_lists_the_story(client, story, name, subject):
    response, _root, parsed = get_feed(client, feed_url(name, subject))
    atom = name.endswith("atom")
    assert response["Content-Type"] == (
        "application/atom+xml; charset=utf-8" if atom else "application/rss+xml; charset=utf-8"
    )
    assert parsed.version == ("atom10" if atom else "rss20")
    [entry] = parsed.entries
    assert entry.title == "Pipeline deal signed"
    assert entry.id == f"urn:uuid:{story.uid}"
    assert entry.link == f"http://testserver{story.get_absolute_url()}"
    addresses = [parsed.feed.link, *(link.href for link in entry.links)]
    assert all(address.startswith("http://testserver/") for address in addresses), addresses
    assert parsed.feed.language == "en"
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [f"http://testserver{feed_url(name, subject)}"]


def test_corrections_feed_is_well_formed_and_valid(client):
    CorrectionFactory(text="Turnout was 45% & not 54% <b>\x0b</b> ]]>.")
    _response, root, parsed = get_feed(client, reverse("articles:corrections-feed"))
    assert parsed.version == "rss20"
    [entry] = parsed.entries
    assert entry.summary == "Turnout was 45% &amp; not 54% &lt;b&gt;&lt;/b&gt; ]]&gt;."
    assert RFC_822.match(root.findtext("channel/item/pubDate"))
    assert root.find("channel/atom:link[@rel='self']", NS) is not None


def test_json_feed_has_every_required_field(client, story):
    feed = json_feed(client)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "DZWatch"
    assert feed["home_page_url"] == "http://testserver/"
    assert feed["feed_url"] == f"http://testserver{JSON_FEED}"
    assert feed["language"] == "en"
    [item] = feed["items"]
    assert item["id"] == f"urn:uuid:{story.uid}"
    assert item["url"] == f"http://testserver{story.get_absolute_url()}"
    assert item["title"] == "Pipeline deal signed"
    assert item["content_html"].startswith("<p>The deal <a href=")
    assert item["summary"] == "Algeria and Azerbaijan agree on gas."
    assert item["date_published"] == "2025-05-02T10:15:00+00:00"
    assert item["date_modified"] == "2025-05-02T10:15:00+00:00"
    assert item["authors"] == [
        {"name": "Amina Benali", "url": "http://testserver/author/amina-benali/"},
        {"name": "Karim Saidi", "url": "http://testserver/author/karim-saidi/"},
    ]
    assert item["tags"] == ["Energy desk", "Oil"]
    assert item["language"] == "en"
    rendition = max(story.lead_photo.renditions.filter(format="jpeg"), key=lambda r: r.width)
    assert item["image"] == f"http://testserver{rendition.file.url}"


# What each item says


def test_rss_item_has_everything_a_reader_needs(client, story):
    channel, [item] = rss_items(client)
    assert channel.findtext("title") == "DZWatch"
    assert channel.findtext("link") == "http://testserver/"
    assert channel.findtext("description") == "News from Algeria, Africa and the world"
    assert channel.findtext("language") == "en"
    assert channel.find("atom:link[@rel='self']", NS).get("href") == "http://testserver/feed/"
    assert channel.findtext("lastBuildDate") == "Fri, 02 May 2025 10:15:00 +0000"

    assert item.findtext("title") == "Pipeline deal signed"
    assert item.findtext("link") == f"http://testserver{story.get_absolute_url()}"
    assert item.findtext("description") == "Algeria and Azerbaijan agree on gas."
    guid = item.find("guid")
    assert (guid.text, guid.get("isPermaLink")) == (f"urn:uuid:{story.uid}", "false")
    pub_date = item.findtext("pubDate")
    assert RFC_822.match(pub_date)
    assert parsedate_to_datetime(pub_date) == PUBLISHED
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Amina Benali", "Karim Saidi"]
    assert [c.text for c in item.findall("category")] == ["Energy desk", "Oil"]
    assert item.findtext("content:encoded", namespaces=NS) == (
        '<p>The deal <a href="http://testserver/section/energy-desk/" rel="noopener noreferrer">'
        "was signed</a> today.</p>"
    )


def test_rss_item_offers_the_lead_photo_as_a_jpeg(client, story):
    _channel, [item] = rss_items(client)
    rendition = max(story.lead_photo.renditions.filter(format="jpeg"), key=lambda r: r.width)
    url = f"http://testserver{rendition.file.url}"
    enclosure = item.find("enclosure")
    assert enclosure.attrib == {
        "url": url,
        "length": str(rendition.file.size),
        "type": "image/jpeg",
    }
    media = item.find("media:content", NS)
    assert media.get("url") == url
    assert (media.get("medium"), media.get("type")) == ("image", "image/jpeg")
    assert (media.get("width"), media.get("height")) == (str(rendition.width), "48")
    assert media.findtext("media:description", namespaces=NS) == story.lead_photo.alt_text
    assert media.findtext("media:credit", namespaces=NS) == "Photo: APS"


def test_atom_entry_has_everything_a_reader_needs(client, story):
    story.revised_at = PUBLISHED + timedelta(hours=3)
    story.save()
    feed, [entry] = atom_entries(client)
    assert feed.findtext("atom:title", namespaces=NS) == "DZWatch"
    assert feed.findtext("atom:subtitle", namespaces=NS) == (
        "News from Algeria, Africa and the world"
    )
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert feed.find("atom:link[@rel='self']", NS).get("href") == "http://testserver/feed/atom/"
    assert feed.findtext("atom:updated", namespaces=NS) == "2025-05-02T13:15:00+00:00"

    link = entry.find("atom:link[@rel='alternate']", NS).get("href")
    assert link == f"http://testserver{story.get_absolute_url()}"
    assert entry.findtext("atom:id", namespaces=NS) == f"urn:uuid:{story.uid}"
    published = entry.findtext("atom:published", namespaces=NS)
    updated = entry.findtext("atom:updated", namespaces=NS)
    assert RFC_3339.match(published) and RFC_3339.match(updated)
    assert datetime.fromisoformat(published) == PUBLISHED
    assert datetime.fromisoformat(updated) == PUBLISHED + timedelta(hours=3)
    authors = [
        (a.findtext("atom:name", namespaces=NS), a.findtext("atom:uri", namespaces=NS))
        for a in entry.findall("atom:author", NS)
    ]
    assert authors == [
        ("Amina Benali", "http://testserver/author/amina-benali/"),
        ("Karim Saidi", "http://testserver/author/karim-saidi/"),
    ]
    assert [c.get("term") for c in entry.findall("atom:category", NS)] == ["Energy desk", "Oil"]
    assert entry.find("atom:summary", NS).get("type") == "html"
    content = entry.find("atom:content", NS)
    assert content.get("type") == "html"
    assert 'href="http://testserver/section/energy-desk/"' in content.text
    enclosure = entry.find("atom:link[@rel='enclosure']", NS)
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("href").startswith("http://testserver/media/photos/")


def test_story_without_a_byline_is_credited(client):
    ArticleFactory(credit="Staff and agencies")
    _channel, [item] = rss_items(client)
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Staff and agencies"]
    _feed, [entry] = atom_entries(client)
    assert entry.findtext("atom:author/atom:name", namespaces=NS) == "Staff and agencies"
    assert json_feed(client)["items"][0]["authors"] == [{"name": "Staff and agencies"}]


def test_full_text_can_be_turned_off_for_summaries(client, settings, story):
    settings.NEWSROOM_FEED_FULL_TEXT = False
    _channel, [item] = rss_items(client)
    assert item.find("content:encoded", NS) is None
    assert item.findtext("description") == "Algeria and Azerbaijan agree on gas."
    _feed, [entry] = atom_entries(client)
    assert entry.find("atom:content", NS) is None
    assert entry.findtext("atom:summary", namespaces=NS) == "Algeria and Azerbaijan agree on gas."
    [item] = json_feed(client)["items"]
    assert "content_html" not in item
    assert item["content_text"] == "Algeria and Azerbaijan agree on gas."


def test_story_without_standfirst_is_summed_up_by_its_opening(client):
    ArticleFactory(dek="", body="<p>Ministers met &amp; agreed.</p><p>Then they left.</p>")
    _channel, [item] = rss_items(client)
    assert item.findtext("description") == "Ministers met &amp; agreed.Then they left."
    assert json_feed(client)["items"][0]["summary"] == "Ministers met & agreed.Then they left."


def test_feeds_are_newest_first_and_as_long_as_the_setting(client, settings):
    settings.NEWSROOM_FEED_ITEMS = 3
    stories = [
        ArticleFactory(headline=f"Story {n}", published_at=PUBLISHED + timedelta(minutes=n))
        for n in range(5)
    ]
    newest = [f"urn:uuid:{article.uid}" for article in reversed(stories)][:3]
    assert ids_in_every_feed(client) == {"rss": newest, "atom": newest, "json": newest}


def test_feed_language_is_the_sites_whatever_the_browser_asks(client, story):
    response = client.get("/feed/", headers={"accept-language": "fr"})
    assert etree.fromstring(response.content).findtext("channel/language") == "en"
    response = client.get(JSON_FEED, headers={"accept-language": "fr"})
    assert json.loads(response.content)["language"] == "en"


def test_feed_under_a_language_prefix_is_in_that_language(client, story):
    channel = etree.fromstring(client.get("/fr/feed/", headers={"accept-language": "ar"}).content)
    assert channel.findtext("channel/language") == "fr"
    assert channel.findtext("channel/link") == "http://testserver/fr/"
    arabic = json.loads(client.get("/ar/feed.json").content)
    assert arabic["language"] == "ar"


def test_atom_entry_states_its_story_language(client):
    ArticleFactory(language="ar", headline="اتفاق الغاز")
    _feed, [entry] = atom_entries(client)
    assert entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    assert entry.findtext("atom:title", namespaces=NS) == "اتفاق الغاز"


# Story IDs


def test_story_ids_stay_when_the_slug_and_date_change(client, editor, story):
    before = ids_in_every_feed(client)
    assert before["rss"] == [f"urn:uuid:{story.uid}"]
    story.slug = "gas-pipeline-deal-signed"
    services.article_save(article=story, user=editor)
    story.published_at = PUBLISHED - timedelta(days=2)
    services.article_save(article=story, user=editor)
    _channel, [item] = rss_items(client)
    assert item.findtext("link").endswith("/2025/04/30/gas-pipeline-deal-signed/")
    assert ids_in_every_feed(client) == before


def test_story_ids_are_distinct(client):
    ArticleFactory.create_batch(3)
    ids = ids_in_every_feed(client)
    assert len(set(ids["rss"])) == 3
    assert ids["rss"] == ids["atom"] == ids["json"]


def test_story_id_survives_restoring_a_revision_saved_before_stories_had_one(editor):
    article = saved_story(user=editor, headline="First words")
    uid = article.uid
    article.headline = "Second words"
    services.article_save(article=article, user=editor)
    first = Version.objects.get_for_object(article).order_by("pk").first()
    data = json.loads(first.serialized_data)
    del data[0]["fields"]["uid"]
    first.serialized_data = json.dumps(data)
    first.save()

    services.article_restore(article=article, version=first, user=editor)
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "First words"
    assert article.uid == uid


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_gives_every_existing_story_its_own_id():
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0012_revisions_locking")])
    apps = executor.loader.project_state([("articles", "0012_revisions_locking")]).apps
    section = apps.get_model("articles", "Section").objects.create(name="Old", slug="old")
    OldArticle = apps.get_model("articles", "Article")
    for n in range(3):
        OldArticle.objects.create(headline=f"Old {n}", slug=f"old-{n}", section=section)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    uids = list(Article.objects.values_list("uid", flat=True))
    assert len(uids) == len(set(uids)) == 3
    assert all(isinstance(uid, uuid.UUID) for uid in uids)


# Hostile text


def test_hostile_text_gives_well_formed_feeds_without_scripts(client, editor, section):
    hostile = "<script>alert(1)</script> & ]]> \x0b\x1fend"
    article = ArticleFactory.build(
        headline=f"Talks {hostile}",
        dek=f"Standfirst {hostile}",
        body=f"<p>Body &lt;script&gt; &amp; ]]&gt; \x01</p><script>alert(2)</script>{hostile}",
        section=section,
        credit=f"Agencies {hostile}",
    )
    services.article_save(article=article, user=editor)
    services.article_set_authors(
        article=article, authors=[AuthorFactory(name=f"Reporter {hostile}", slug="reporter")]
    )
    article.tags.set([f"Tag {hostile}"])
    expected_title = "Talks <script>alert(1)</script> & ]]> end"

    urls = [feed_url(name, subject) for name, subject in STORY_FEEDS[:4]]
    for url in urls:
        _response, _root, parsed = get_feed(client, url)
        [entry] = parsed.entries
        assert entry.title == expected_title, url
        for html in (entry.summary, entry.content[0].value):
            assert not lxml.html.fragment_fromstring(html, create_parent="div").findall(
                ".//script"
            ), url
        assert "&lt;script&gt;" in entry.content[0].value
        assert "\x0b" not in entry.content[0].value
    [item] = json_feed(client)["items"]
    assert item["title"] == expected_title
    assert not lxml.html.fragment_fromstring(item["content_html"], create_parent="div").findall(
        ".//script"
    )


# Only published stories


@pytest.mark.parametrize("kind", HIDDEN_STORIES)
def test_unpublished_stories_are_in_no_feed(client, story, section, author, kind):
    ArticleFactory(
        headline="Secret story",
        section=section,
        authors=[author],
        tags=["Oil"],
        **HIDDEN_STORIES[kind],
    )
    for name, headlines in headlines_in_every_feed(client).items():
        assert headlines == ["Pipeline deal signed"], name


def test_narrow_feeds_list_only_their_stories(client, story, section, author):
    child = SectionFactory(name="Gas", slug="gas", parent=section)
    in_subsection = ArticleFactory(headline="In the subsection", section=child)
    ArticleFactory(headline="Elsewhere", authors=[AuthorFactory()], tags=["Sport"])
    newest_first = ["In the subsection", "Pipeline deal signed"]
    assert in_subsection.published_at > story.published_at
    for name, subject, expected in [
        ("articles:section-feed", "section", newest_first),
        ("articles:section-feed-atom", "section", newest_first),
        ("articles:tag-feed", "tag", ["Pipeline deal signed"]),
        ("articles:author-feed-atom", "author", ["Pipeline deal signed"]),
    ]:
        _response, _root, parsed = get_feed(client, feed_url(name, subject))
        assert [entry.title for entry in parsed.entries] == expected, name


@pytest.mark.parametrize("name, subject", [feed for feed in STORY_FEEDS if feed[1]])
def test_unknown_section_tag_or_author_feed_is_404(client, name, subject):
    assert client.get(reverse(name, kwargs={"slug": "no-such-thing"})).status_code == 404


# Queries


@pytest.mark.parametrize(
    "name, subject",
    [*STORY_FEEDS, ("articles:feed-json", None), ("articles:corrections-feed", None)],
)
def test_feeds_run_a_fixed_number_of_queries(client, story, section, author, name, subject):
    url = feed_url(name, subject)
    few = count_queries(client, url)
    for _n in range(6):
        ArticleFactory(
            section=section,
            authors=[author, AuthorFactory()],
            tags=["Oil", "Gas"],
            lead_photo=ImageFactory(),
        )
        CorrectionFactory()
    ArticleFactory(section=section, authors=[author], tags=["Oil"], draft=True)
    assert count_queries(client, url) == few


# Discovery


def feed_links(html):
    page = lxml.html.fromstring(html)
    return [
        (link.get("type"), link.get("title"), link.get("href"))
        for link in page.findall(".//head/link[@rel='alternate'][@type]")
    ]


SITE_FEED_LINKS = [
    ("application/rss+xml", "DZWatch (RSS)", "/feed/"),
    ("application/atom+xml", "DZWatch (Atom)", "/feed/atom/"),
    ("application/feed+json", "DZWatch (JSON Feed)", "/feed.json"),
]


def test_every_page_links_to_the_site_feeds(client, story):
    for url in ["/", reverse("articles:latest"), story.get_absolute_url()]:
        assert feed_links(client.get(url).text) == SITE_FEED_LINKS, url


def test_section_tag_and_author_pages_link_to_their_own_feeds_first(client, story):
    pages = {
        "/section/energy-desk/": ("Energy desk", "/section/energy-desk/feed/"),
        "/tag/oil/": ("Oil", "/tag/oil/feed/"),
        "/author/amina-benali/": ("Amina Benali", "/author/amina-benali/feed/"),
    }
    for url, (title, rss) in pages.items():
        assert feed_links(client.get(url).text) == [
            ("application/rss+xml", f"{title} (RSS)", rss),
            ("application/atom+xml", f"{title} (Atom)", f"{rss}atom/"),
            *SITE_FEED_LINKS,
        ], url
