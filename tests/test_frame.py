"""The frame every public page shares: header, menu, language switcher, feeds, footer."""

import re

import pytest
from django.utils import timezone

from .factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_publication_name_and_tagline_are_escaped_text(client, settings):
    settings.NEWSROOM_NAME = 'Tom & Jerry <b>"Daily"</b>'
    settings.NEWSROOM_TAGLINE = "News <script>alert(1)</script> & views"
    html = client.get("/").text
    assert (
        '<a class="site-name" href="/">Tom &amp; Jerry &lt;b&gt;&quot;Daily&quot;&lt;/b&gt;</a>'
        in html
    )
    assert (
        '<p class="site-tagline">News &lt;script&gt;alert(1)&lt;/script&gt; &amp; views</p>' in html
    )
    assert 'title="Tom &amp; Jerry &lt;b&gt;&quot;Daily&quot;&lt;/b&gt; (RSS)"' in html
    assert "<script>alert(1)" not in html
    assert f"&copy; {timezone.localtime().year} Tom &amp; Jerry" in html


def test_a_change_of_name_shows_on_the_next_page(client, settings):
    client.get("/")
    settings.NEWSROOM_NAME = "The Evening Post"
    assert '<a class="site-name" href="/">The Evening Post</a>' in client.get("/").text


def test_menu_marks_the_current_section_only(client):
    SectionFactory(name="Sport & Games", slug="games", position=1)
    SectionFactory(name="Arts and culture", slug="arts-culture", position=2)
    html = client.get("/section/games/").text
    menu = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", menu)
    assert '<a href="/section/games/" aria-current="page">Sport &amp; Games</a>' in items
    assert '<a href="/section/arts-culture/">Arts and culture</a>' in items
    assert sum('aria-current="page"' in item for item in items) == 1


@pytest.mark.parametrize("prefix", ["", "/fr", "/ar"])
def test_a_story_page_shows_the_same_menu_as_the_lists(client, prefix):
    # Sections a menu orders by position, then name; children stay out of it.
    SectionFactory(name="Zebra", slug="zebra", position=1)
    SectionFactory(name="alpha", slug="alpha-lower", position=2)
    arts = SectionFactory(name="Arts", slug="arts", position=2)
    SectionFactory(name="Cinema", slug="cinema", position=0, parent=arts)
    story = ArticleFactory(section=arts)

    def menu(path):
        html = client.get(prefix + path).text
        return re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)

    story_menu = menu(story.get_absolute_url())
    assert story_menu == menu("/")
    links = re.findall(r'<a href="([^"]+)"', story_menu)
    assert links.index(f"{prefix}/section/zebra/") < links.index(f"{prefix}/section/arts/")
    assert f"{prefix}/section/cinema/" not in links


@pytest.mark.parametrize(
    ("prefix", "label", "skip"),
    [("", "Sections", "Skip to content"), ("/fr", "Rubriques", "Aller au contenu")],
)
def test_language_switcher_links_to_this_story_in_each_language(client, prefix, label, skip):
    story = ArticleFactory(slug="oil-deal")
    path = story.get_absolute_url()
    html = client.get(prefix + path).text
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S).group(0)
    links = re.findall(
        r'<a href="([^"]+)" hreflang="(\w+)" lang="\w+" dir="(\w+)"([^>]*)>', switcher
    )
    current = "fr" if prefix else "en"
    assert links == [
        (path, "en", "ltr", ' aria-current="page"' if current == "en" else ""),
        (f"/fr{path}", "fr", "ltr", ' aria-current="page"' if current == "fr" else ""),
        (f"/ar{path}", "ar", "rtl", ""),
    ]
    assert f'<nav class="site-nav" aria-label="{label}">' in html
    assert f'<a class="skip-link" href="#main">{skip}</a>' in html


def test_lists_link_their_own_feeds_before_the_site_feeds(client):
    SectionFactory(name="Maghreb", slug="maghreb")
    html = client.get("/section/maghreb/").text
    feeds = re.findall(
        r'<link rel="alternate" type="([^"]+)" title="([^"]+)" href="([^"]+)">', html
    )
    assert feeds[:2] == [
        ("application/rss+xml", "Maghreb (RSS)", "/section/maghreb/feed/"),
        ("application/atom+xml", "Maghreb (Atom)", "/section/maghreb/feed/atom/"),
    ]
    assert [kind for kind, _title, _href in feeds[2:]] == [
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
    ]


def test_style_sheet_icon_and_logo_follow_a_change_of_static_address(client, settings):
    assert '<link rel="stylesheet" href="/static/css/site.css">' in client.get("/").text
    settings.STATIC_URL = "/assets/"
    html = client.get("/").text
    assert '<link rel="stylesheet" href="/assets/css/site.css">' in html
    assert '<link rel="icon" href="/assets/img/favicon.svg" type="image/svg+xml">' in html
    assert '"url": "http://testserver/assets/img/logo.png"' in html
