"""Hostile text in every field an editor fills reaches readers as text, on every surface.

One published story per ``TEXT_CORPUS`` value holds it in every field (headline,
standfirst, dateline, credit, photo alt text, caption and credit, correction, section
name and description, author name and biography, tag name) beside a hostile body; every
page, feed, sitemap and API answer is then parsed and checked for anything that could
run, and for the values coming back unchanged.
"""

import json
import re
from datetime import timedelta
from html import escape
from io import StringIO

import lxml.etree
import lxml.html
import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, Author, Tag

from .factories import CorrectionFactory, ImageFactory, SectionFactory, saved_story
from .xss_corpus import CORPUS, TEXT_CORPUS, html_problems, json_ld_strings, json_strings

pytestmark = pytest.mark.django_db

PAYLOADS = list(TEXT_CORPUS.values())
HOSTILE_BODY = "".join(
    CORPUS[name]
    for name in ("script", "img-onerror", "javascript-href", "svg-onload", "script-end-in-text")
)
# The site's own forms: search, and nothing else.
OWN_FORMS = frozenset({"/search/"})
# Bidirectional controls and zero-width characters: never part of an address.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile():
    """The stories, and the addresses of every surface that shows them."""
    authors = [
        Author.objects.create(
            name=text, bio=text, slug=services.unique_slug(Author, text, fallback="author")
        )
        for text in PAYLOADS
    ]
    stories = []
    for index, text in enumerate(PAYLOADS):
        section = SectionFactory(name=text, description=text, slug=f"hostile-{index}")
        story = saved_story(
            headline=text,
            slug="",
            dek=text,
            dateline=text,
            credit=text,
            body=f"<p>{escape(text)}</p>{HOSTILE_BODY}",
            section=section,
            authors=authors,
            tags=PAYLOADS,
            lead_photo=ImageFactory(alt_text=text, caption=text, credit=text),
            published_at=timezone.now() - timedelta(hours=1),  # in the news sitemap too
        )
        CorrectionFactory(article=story, text=text)
        stories.append(story)
    return stories


# Every public surface: its address, filled in from the data, and whether it shows all the
# hostile values (every story), the first one only, or none (addresses only).
SURFACES = {
    "home": ("/", "all"),
    "latest": ("/latest/", "all"),
    "section": ("{section}", "first"),
    "tag": ("{tag}", "all"),
    "author": ("{author}", "all"),
    "story": ("{story}", "all"),
    "search-results": ("/search/?q=hostile", "all"),
    "search-query": ("/search/?q={query}", "query"),
    "archive-year": ("/{day:%Y}/", "all"),
    "archive-month": ("/{day:%Y/%m}/", "all"),
    "archive-day": ("/{day:%Y/%m/%d}/", "all"),
    "corrections": ("/corrections/", "all"),
    "rss": ("/feed/", "all"),
    "atom": ("/feed/atom/", "all"),
    "json-feed": ("/feed.json", "all"),
    "section-rss": ("{section}feed/", "first"),
    "section-atom": ("{section}feed/atom/", "first"),
    "tag-rss": ("{tag}feed/", "all"),
    "tag-atom": ("{tag}feed/atom/", "all"),
    "author-rss": ("{author}feed/", "all"),
    "author-atom": ("{author}feed/atom/", "all"),
    "corrections-rss": ("/corrections/feed/", "all"),
    "sitemap-index": ("/sitemap.xml", None),
    "sitemap-stories": ("/sitemap-stories.xml", None),
    "sitemap-sections": ("/sitemap-sections.xml", None),
    "sitemap-tags": ("/sitemap-tags.xml", None),
    "sitemap-authors": ("/sitemap-authors.xml", None),
    "sitemap-news": ("/sitemap-news.xml", "all"),
    "api-stories": ("/api/v1/stories/", "all"),
    "api-story": ("/api/v1/stories/{story_id}/", "all"),
    "api-sections": ("/api/v1/sections/", "all"),
    "api-section": ("/api/v1/sections/{section_slug}/", "first"),
    "api-tags": ("/api/v1/tags/", "all"),
    "api-authors": ("/api/v1/authors/", "all"),
    "api-author": ("/api/v1/authors/{author_slug}/", "first"),
}


def address(template: str, stories: list[Article]) -> str:
    story = stories[0]
    author = story.byline_authors[0]
    return template.format(
        story=story.get_absolute_url(),
        story_id=story.pk,
        section=story.section.get_absolute_url(),
        section_slug=story.section.slug,
        tag=Tag.objects.get(name=PAYLOADS[0]).get_absolute_url(),
        author=author.get_absolute_url(),
        author_slug=author.slug,
        query=PAYLOADS[1],
        day=timezone.localtime(story.published_at),
    )


@pytest.mark.parametrize(("template", "shows"), SURFACES.values(), ids=SURFACES.keys())
def test_hostile_text_is_inert_and_intact(client, hostile, template, shows):
    response = client.get(address(template, hostile), {} if "?" not in template else None)
    assert response.status_code == 200
    content_type = response["Content-Type"].split(";")[0]
    if content_type == "text/html":
        problems, texts = read_html(response.text)
    elif content_type.endswith("json"):
        problems, texts = read_json(response.content)
    else:
        problems, texts = read_xml(response.content)
    assert problems == []
    expected = {"all": PAYLOADS, "first": PAYLOADS[:1], "query": PAYLOADS[1:2], None: []}[shows]
    missing = [text for text in expected if not any(text in found for found in texts)]
    assert missing == []


def read_html(page: str) -> tuple[list[str], list[str]]:
    """What could run in a page, and every text and attribute value a reader's browser gets."""
    root = lxml.html.document_fromstring(page)
    texts = [root.text_content(), *json_ld_strings(page)]
    texts += [value for element in root.iter() for value in element.attrib.values()]
    return html_problems(page, own_forms=OWN_FORMS), texts


def read_json(content: bytes) -> tuple[list[str], list[str]]:
    data = json.loads(content)
    problems, texts = [], json_strings(data)
    for html in html_fields(data):
        found, html_texts = read_html(html)
        problems += found
        texts += html_texts
    return problems, texts


def html_fields(data) -> list[str]:
    """The values of JSON fields that hold HTML (a story's body, a feed item's content)."""
    if isinstance(data, dict):
        own = [data[key] for key in ("body", "content_html") if isinstance(data.get(key), str)]
        return own + [html for value in data.values() for html in html_fields(value)]
    if isinstance(data, list):
        return [html for value in data for html in html_fields(value)]
    return []


def read_xml(content: bytes) -> tuple[list[str], list[str]]:
    """Feeds and sitemaps must parse as XML; their HTML fields are read as pages are.

    HTML fields: RSS descriptions (of the channel and of items) and ``content:encoded``,
    Atom text constructs of type html; titles and names are plain text in both formats.
    """
    root = lxml.etree.fromstring(content)
    problems, texts = [], []
    for element in root.iter(lxml.etree.Element):
        text = element.text or ""
        texts += [text, *element.attrib.values()]
        name = lxml.etree.QName(element).localname
        kind = element.get("type", "html" if name in {"description", "encoded"} else "text")
        if text.strip() and kind == "html":
            found, html_texts = read_html(text)
            problems += found
            texts += html_texts
    return problems, texts


def test_the_story_page_json_ld_holds_the_headline_as_written(client, hostile):
    for story in hostile:
        strings = json_ld_strings(client.get(story.get_absolute_url()).text)
        assert story.headline in strings


@pytest.mark.parametrize("text", PAYLOADS, ids=TEXT_CORPUS.keys())
def test_a_hostile_seed_file_imports_as_inert_text(client, tmp_path, text):
    body = "\n".join(  # a NUL byte makes a file binary, refused whole (tests/test_sanitize.py)
        f"Oran – The file said {payload} and more."
        for payload in CORPUS.values()
        if "\x00" not in payload
    )
    (tmp_path / "hostile.txt").write_text(
        f"Title: {text}\nDek: {text}\nSection: {text}\nTags: {text}, Energy\n"
        f"Byline: {text}\nSlug: {text} \u202eslug\u200b\nDate: 2024-03-05T10:00:00+01:00\n\n"
        f"{body}\n",
        encoding="utf-8",
    )
    err = StringIO()
    call_command("import_seeds", str(tmp_path), "--create-sections", stdout=StringIO(), stderr=err)
    assert err.getvalue() == ""
    story = Article.objects.get()
    authors, section, tags = list(story.authors.all()), story.section, list(story.tags.all())
    slugs = [story.slug, section.slug, *(row.slug for row in [*authors, *tags])]
    assert not [slug for slug in slugs if INVISIBLE.search(slug)]
    pages = [row.get_absolute_url() for row in [story, section, *authors, *tags]]
    for url in [*pages, "/", "/feed/", "/feed.json", f"/api/v1/stories/{story.pk}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response["Content-Type"].split(";")[0]
        if content_type == "text/html":
            problems, texts = read_html(response.text)
        elif content_type.endswith("json"):
            problems, texts = read_json(response.content)
        else:
            problems, texts = read_xml(response.content)
        assert problems == [], url
        assert any("Hostile" in found for found in texts), url


@pytest.mark.parametrize("text", PAYLOADS, ids=TEXT_CORPUS.keys())
def test_a_hostile_search_is_shown_back_as_text(client, text):
    saved_story(headline="Hostile weather in Oran")
    response = client.get("/search/", {"q": text})
    assert response.status_code == 200
    problems, texts = read_html(response.text)
    assert problems == []
    assert any(text.strip() in found for found in texts)
