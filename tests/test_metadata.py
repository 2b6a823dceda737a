"""What pages tell search engines and social sites: canonical address, cards, JSON-LD."""

import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse
from django.utils.html import escape

from articles.models import Rendition

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    picture_upload,
)
from .xss_corpus import PageAudit

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
HOSTILE = "\"Oil & gas\" </script><script>alert('x')</script><!--"


class Head(HTMLParser):
    """The attributes of <html> and <body>, every <meta> and <link>, and parsed JSON-LD."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, dict[str, str]] = {}
        self.metas: list[dict[str, str]] = []
        self.links: list[dict[str, str]] = []
        self.json_ld: list[dict] = []
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag in {"html", "body"}:
            self.elements[tag] = attrs
        elif tag == "meta":
            self.metas.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.json_ld.append(json.loads("".join(self._script)))
            self._script = None

    def properties(self, name: str) -> list[str]:
        return [meta["content"] for meta in self.metas if meta.get("property") == name]

    def names(self, name: str) -> list[str]:
        return [meta["content"] for meta in self.metas if meta.get("name") == name]

    def prop(self, name: str) -> str:
        (value,) = self.properties(name)
        return value

    def name(self, name: str) -> str:
        (value,) = self.names(name)
        return value

    def canonical(self) -> str:
        (link,) = [link for link in self.links if link.get("rel") == "canonical"]
        return link["href"]

    def structured(self, kind: str) -> dict:
        (data,) = [data for data in self.json_ld if data["@type"] == kind]
        return data


def head(client, url, **params) -> Head:
    response = client.get(url, params)
    assert response.status_code == 200, url
    return Head(response.text)


@pytest.fixture
def frozen():
    with time_machine.travel(PUBLISHED + timedelta(days=2), tick=False):
        yield


@pytest.fixture
def section():
    return SectionFactory(
        name="Energy desk", slug="energy-desk", description="Oil, gas and the grid."
    )


@pytest.fixture
def author():
    return AuthorFactory(name="Amina Benali", slug="amina-benali", bio="Covers energy.")


@pytest.fixture
def story(frozen, section, author):
    return ArticleFactory(
        headline="Gas talks",
        slug="gas-talks",
        dek="Two ministers meet in Algiers.",
        body="<p>The ministers <em>met</em> on Monday.</p><p>Talks went well.</p>",
        dateline="Algiers",
        section=section,
        authors=[author],
        tags=["Algeria", "Energy"],
        published_at=PUBLISHED,
    )


def page_urls(story):
    return {
        "home": ("/", "http://testserver/"),
        "latest": ("/latest/", "http://testserver/latest/"),
        "section": ("/section/energy-desk/", "http://testserver/section/energy-desk/"),
        "tag": ("/tag/algeria/", "http://testserver/tag/algeria/"),
        "author": ("/author/amina-benali/", "http://testserver/author/amina-benali/"),
        "story": ("/2024/03/05/gas-talks/", "http://testserver/2024/03/05/gas-talks/"),
        "year": ("/2024/", "http://testserver/2024/"),
        "month": ("/2024/03/", "http://testserver/2024/03/"),
        "day": ("/2024/03/05/", "http://testserver/2024/03/05/"),
        "corrections": ("/corrections/", "http://testserver/corrections/"),
    }


PAGES = list(page_urls(None))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_one_canonical_address_and_matching_cards(client, story, page):
    CorrectionFactory(article=story)
    url, canonical = page_urls(story)[page]
    tags = head(client, url)
    assert tags.canonical() == canonical
    assert tags.prop("og:url") == canonical
    assert tags.prop("og:site_name") == "DZWatch"
    assert tags.prop("og:locale") == "en"
    assert tags.prop("og:type") == ("article" if page == "story" else "website")
    assert tags.name("description")
    assert tags.prop("og:description") == tags.name("description")
    assert tags.name("twitter:description") == tags.name("description")
    assert tags.name("twitter:title") == tags.prop("og:title")
    assert tags.name("twitter:card") == "summary"
    hreflang = {link["hreflang"]: link["href"] for link in tags.links if "hreflang" in link}
    if page == "story":
        # A story has no translation here: only itself, in its language.
        assert hreflang == {"en": canonical, "x-default": canonical}
    else:
        # A list of the site is offered in every interface language.
        prefixed = canonical.replace("http://testserver/", "http://testserver/{}/")
        assert hreflang == {
            "en": canonical,
            "fr": prefixed.format("fr"),
            "ar": prefixed.format("ar"),
            "x-default": canonical,
        }


@pytest.mark.parametrize(
    "url", ["/latest/", "/section/energy-desk/", "/tag/algeria/", "/author/amina-benali/"]
)
def test_each_page_of_a_list_is_its_own_canonical_address(client, frozen, section, author, url):
    ArticleFactory.create_batch(
        45, section=section, authors=[author], tags=["Algeria"], published_at=PUBLISHED
    )
    assert head(client, url).canonical() == f"http://testserver{url}"
    assert head(client, url, page=1).canonical() == f"http://testserver{url}"
    assert head(client, url, page=2).canonical() == f"http://testserver{url}?page=2"
    assert head(client, url, page=3).prop("og:url") == f"http://testserver{url}?page=3"


def test_story_cards_carry_the_article_details(client, story):
    story.revised_at = PUBLISHED + timedelta(hours=3)
    story.save()
    tags = head(client, story.get_absolute_url())
    assert tags.prop("og:title") == "Gas talks"
    assert tags.name("description") == "Two ministers meet in Algiers."
    assert tags.prop("article:published_time") == "2024-03-05T08:00:00+00:00"
    assert tags.prop("article:modified_time") == "2024-03-05T11:00:00+00:00"
    assert tags.prop("article:section") == "Energy desk"
    assert tags.properties("article:tag") == ["Algeria", "Energy"]
    assert tags.properties("article:author") == ["http://testserver/author/amina-benali/"]
    assert tags.properties("og:image") == []
    assert tags.names("twitter:image") == []
    assert tags.name("twitter:card") == "summary"


def test_story_without_standfirst_is_described_by_its_opening_words(client, frozen):
    words = " ".join(f"word{n}" for n in range(60))
    article = ArticleFactory(dek="", body=f"<p>Opening <strong>line</strong>.</p><p>{words}</p>")
    description = head(client, article.get_absolute_url()).name("description")
    assert description.startswith("Opening line. word0 word1")
    assert description.endswith("word37…")


def test_story_description_and_word_count_read_the_text_not_the_markup(client, frozen):
    body = (
        '<h2>Gas&nbsp;deal</h2><p>Talks <a href="/tag/gas/" title="oil > gas">in <em>Algiers</em>'
        "</a> went well &amp; ended.<br>Next week:</p><ul><li>Oran</li><li>Annaba</li></ul>"
    )
    article = ArticleFactory(dek="", body=body)
    tags = head(client, article.get_absolute_url())
    expected = "Gas deal Talks in Algiers went well & ended. Next week: Oran Annaba"
    assert tags.name("description") == expected
    assert tags.structured("NewsArticle")["wordCount"] == 13


def test_story_with_a_lead_photo_shares_its_largest_jpeg(client, story):
    photo = ImageFactory(
        file=picture_upload(size=(700, 350)), alt_text='Ministers at a "round" table & <flags>'
    )
    story.lead_photo = photo
    story.save()
    largest = photo.renditions.get(format=Rendition.Format.JPEG, width=700)
    tags = head(client, story.get_absolute_url())
    image_url = f"http://testserver{largest.file.url}"
    assert tags.prop("og:image") == image_url
    assert tags.prop("og:image:width") == "700"
    assert tags.prop("og:image:height") == "350"
    assert tags.prop("og:image:alt") == 'Ministers at a "round" table & <flags>'
    assert tags.name("twitter:card") == "summary_large_image"
    assert tags.name("twitter:image") == image_url
    assert tags.name("twitter:image:alt") == 'Ministers at a "round" table & <flags>'
    images = tags.structured("NewsArticle")["image"]
    assert [(image["width"], image["height"]) for image in images] == [
        (700, 350),
        (640, 320),
        (320, 160),
    ]
    assert images[0] == {"@type": "ImageObject", "url": image_url, "width": 700, "height": 350}
    assert all(image["url"].endswith(".jpeg") for image in images)


def test_a_transparent_photo_shares_its_png(client, story):
    story.lead_photo = ImageFactory(
        file=picture_upload(name="logo.png", image_format="PNG", mode="RGBA", color=(0, 0, 0, 0))
    )
    story.save()
    assert head(client, story.get_absolute_url()).prop("og:image").endswith("-64w.png")


def test_list_pages_describe_themselves(client, story, section, author):
    assert head(client, "/section/energy-desk/").name("description") == "Oil, gas and the grid."
    assert head(client, "/tag/algeria/").name("description") == "Stories about Algeria."
    assert head(client, "/author/amina-benali/").name("description") == "Covers energy."
    assert head(client, "/2024/03/").name("description") == "Stories published in March 2024."
    assert head(client, "/2024/03/05/").prop("og:title") == "5 March 2024"
    home = head(client, "/")
    assert home.prop("og:title") == "DZWatch"
    assert home.name("description") == "News from Algeria, Africa and the world"


def test_news_article_carries_everything_search_engines_use(client, story):
    CorrectionFactory(article=story, text="The minister's name was misspelt.")
    data = head(client, story.get_absolute_url()).structured("NewsArticle")
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == "Gas talks"
    assert data["datePublished"] == "2024-03-05T08:00:00+00:00"
    assert data["dateModified"] == "2024-03-05T08:00:00+00:00"
    assert data["author"] == [
        {"@type": "Person", "name": "Amina Benali", "url": "http://testserver/author/amina-benali/"}
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "DZWatch",
        "url": "http://testserver/",
        "logo": {
            "@type": "ImageObject",
            "url": "http://testserver/static/img/logo.png",
            "width": 512,
            "height": 512,
        },
    }
    assert data["articleSection"] == "Energy desk"
    assert data["keywords"] == ["Algeria", "Energy"]
    assert data["inLanguage"] == "en"
    assert data["locationCreated"] == {"@type": "Place", "name": "Algiers"}
    assert data["correction"][0]["text"] == "The minister's name was misspelt."
    assert data["isAccessibleForFree"] is True
    assert data["wordCount"] == 8
    assert "image" not in data


def test_story_breadcrumbs_lead_home_section_story(client, story):
    data = head(client, story.get_absolute_url()).structured("BreadcrumbList")
    assert data["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "Home", "item": "http://testserver/"},
        {
            "@type": "ListItem",
            "position": 2,
            "name": "Energy desk",
            "item": "http://testserver/section/energy-desk/",
        },
        {
            "@type": "ListItem",
            "position": 3,
            "name": "Gas talks",
            "item": "http://testserver/2024/03/05/gas-talks/",
        },
    ]


def trail(tags):
    items = tags.structured("BreadcrumbList")["itemListElement"]
    assert [item["position"] for item in items] == list(range(1, len(items) + 1))
    return [(item["name"], item["item"]) for item in items]


def test_subsection_breadcrumbs_pass_through_the_parent(client, frozen):
    africa = SectionFactory(name="Africa desk", slug="africa-desk")
    maghreb = SectionFactory(name="Maghreb", slug="maghreb", parent=africa)
    article = ArticleFactory(section=maghreb, headline="Tunis vote")
    expected = [
        ("Home", "http://testserver/"),
        ("Africa desk", "http://testserver/section/africa-desk/"),
        ("Maghreb", "http://testserver/section/maghreb/"),
    ]
    assert trail(head(client, "/section/maghreb/")) == expected
    story_trail = trail(head(client, article.get_absolute_url()))
    assert story_trail == [
        *expected,
        ("Tunis vote", f"http://testserver{article.get_absolute_url()}"),
    ]


def test_list_breadcrumbs(client, story):
    assert trail(head(client, "/tag/algeria/")) == [
        ("Home", "http://testserver/"),
        ("Algeria", "http://testserver/tag/algeria/"),
    ]
    assert trail(head(client, "/author/amina-benali/")) == [
        ("Home", "http://testserver/"),
        ("Amina Benali", "http://testserver/author/amina-benali/"),
    ]
    assert trail(head(client, "/2024/03/05/")) == [
        ("Home", "http://testserver/"),
        ("2024", "http://testserver/2024/"),
        ("March 2024", "http://testserver/2024/03/"),
        ("5 March 2024", "http://testserver/2024/03/05/"),
    ]


def test_home_page_offers_the_site_search_to_search_engines(client, story):
    tags = head(client, "/")
    data = tags.structured("WebSite")
    assert data["url"] == "http://testserver/"
    assert data["name"] == "DZWatch"
    assert data["potentialAction"] == {
        "@type": "SearchAction",
        "target": {
            "@type": "EntryPoint",
            "urlTemplate": "http://testserver/search/?q={search_term_string}",
        },
        "query-input": "required name=search_term_string",
    }
    assert data["publisher"]["logo"]["url"] == "http://testserver/static/img/logo.png"
    assert [block["@type"] for block in tags.json_ld] == ["WebSite"]


def test_hostile_text_stays_inside_attributes_and_json(client, frozen):
    section = SectionFactory(name=HOSTILE, slug="hostile")
    article = ArticleFactory(
        headline=HOSTILE,
        dek=HOSTILE,
        section=section,
        tags=[HOSTILE],
        authors=[AuthorFactory(name=HOSTILE, slug="hostile-author")],
    )
    tag_url = article.tags.get().get_absolute_url()
    for url in [article.get_absolute_url(), section.get_absolute_url(), tag_url]:
        html = client.get(url).text
        assert PageAudit(html).problems() == [], url
        assert "alert('x')</script>" not in html
        tags = Head(html)
        assert html.count("<script") == len(tags.json_ld) == html.count("</script>")
        assert tags.prop("og:title") == HOSTILE
    tags = Head(client.get(article.get_absolute_url()).text)
    assert tags.name("description") == HOSTILE
    assert tags.prop("article:section") == HOSTILE
    assert tags.properties("article:tag") == [HOSTILE]
    data = tags.structured("NewsArticle")
    assert data["headline"] == data["description"] == data["articleSection"] == HOSTILE
    assert data["keywords"] == [HOSTILE] and data["author"][0]["name"] == HOSTILE
    assert [name for name, _url in trail(tags)][1:] == [HOSTILE, HOSTILE]


def test_head_values_are_written_as_django_escapes_them(client, frozen):
    article = ArticleFactory(headline=HOSTILE, dek=HOSTILE, tags=[HOSTILE])
    html = client.get(article.get_absolute_url()).text
    for element in [
        f'<meta name="description" content="{escape(HOSTILE)}">',
        f'<meta property="og:title" content="{escape(HOSTILE)}">',
        f'<meta property="article:tag" content="{escape(HOSTILE)}">',
        f'<meta name="twitter:title" content="{escape(HOSTILE)}">',
    ]:
        assert element in html


def test_arabic_story_page_reads_right_to_left_around_the_site_s_own_words(client, frozen):
    article = ArticleFactory(headline="لقاء في الجزائر", language="ar", slug="liqa")
    html = client.get(article.get_absolute_url()).text
    tags = Head(html)
    assert tags.elements["html"] == {"lang": "en", "dir": "ltr"}
    assert '<h1 class="story-headline" lang="ar" dir="rtl">لقاء في الجزائر</h1>' in html
    assert tags.prop("og:locale") == "ar"
    canonical = tags.canonical()
    # Its own address is in the Arabic edition of the site.
    assert canonical == f"http://testserver/ar{article.get_absolute_url()}"
    hreflang = {link["hreflang"]: link["href"] for link in tags.links if "hreflang" in link}
    assert hreflang == {"ar": canonical, "x-default": canonical}
    assert tags.structured("NewsArticle")["inLanguage"] == "ar"


def test_english_pages_read_left_to_right(client, story):
    for url in [story.get_absolute_url(), "/", "/latest/"]:
        tags = head(client, url)
        assert tags.elements["html"] == {"lang": "en", "dir": "ltr"}


def test_preview_keeps_the_cards_and_stays_out_of_search_engines(editor_client, frozen):
    draft = ArticleFactory(headline="Work in progress", draft=True)
    response = editor_client.get(draft.get_absolute_url())
    tags = Head(response.text)
    assert tags.names("robots") == ["noindex, nofollow"]
    assert tags.canonical() == f"http://testserver{draft.get_absolute_url()}"
    assert tags.prop("og:title") == "Work in progress"


def test_a_missing_logo_fails_the_system_check(settings):
    settings.NEWSROOM_LOGO = "img/no-such-logo.png"
    with pytest.raises(SystemCheckError, match="NEWSROOM_LOGO is 'img/no-such-logo"):
        call_command("check")


def test_the_logo_setting_names_the_publisher_logo(client, story, settings):
    settings.NEWSROOM_LOGO = "css/site.css"  # any static file: its size is then unknown
    logo = head(client, reverse("articles:home")).structured("WebSite")["publisher"]["logo"]
    assert logo == {"@type": "ImageObject", "url": "http://testserver/static/css/site.css"}


def test_a_list_with_a_non_latin_address_is_offered_in_every_language(client, frozen):
    ArticleFactory(tags=["الجزائر"], published_at=PUBLISHED)
    url = reverse("articles:tag", kwargs={"slug": "الجزائر"})
    tags = head(client, url, language="ar")
    hreflang = {link["hreflang"]: link["href"] for link in tags.links if "hreflang" in link}
    assert url.startswith("/tag/%D8%A7")
    assert hreflang == {
        "en": f"http://testserver{url}?language=ar",
        "fr": f"http://testserver/fr{url}?language=ar",
        "ar": f"http://testserver/ar{url}?language=ar",
        "x-default": f"http://testserver{url}?language=ar",
    }
