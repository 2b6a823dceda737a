"""Feeds, built on django.contrib.syndication.

Stories come as RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the whole site, and as RSS and
Atom for each section, tag and author; corrections come as RSS. The feed classes say
what a feed lists; the generator classes say how each format writes it. Story feeds list
``Article.objects.published()`` only, and name each story by its ``uid``, which never
changes, whatever happens to the story's address.
"""

import html
import json
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Q
from django.urls import reverse, reverse_lazy
from django.utils import feedgenerator
from django.utils.html import escape, strip_tags
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Article, Author, Correction, Rendition, Section, Tag

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
SUMMARY_WORDS = 50
PHOTO_TYPES = {Rendition.Format.JPEG: "image/jpeg", Rendition.Format.PNG: "image/png"}

# Characters XML 1.0 cannot carry even escaped; pasted text sometimes brings them along.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# The links and pictures of a sanitized body (attribute values are always double-quoted).
BODY_URL_TAG = re.compile(r'<(?:a|img)\s(?:[^>"]|"[^"]*")*>')
BODY_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def xml_safe(value):
    """``value`` without the characters XML cannot carry, through lists, tuples and dicts."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_safe(item) for item in value)
    return value


def absolute_links(body: str, base: str) -> str:
    """``body`` with its links and picture sources made absolute, relative to ``base``."""

    def tag(match):
        return BODY_URL_ATTRIBUTE.sub(
            lambda attribute: attribute[1] + urljoin(base, attribute[2]) + attribute[3],
            match[0],
        )

    return BODY_URL_TAG.sub(tag, body)


def summary(article: Article) -> str:
    """Plain text: the standfirst, or the opening words of a story that has none."""
    if article.dek:
        return article.dek
    return Truncator(html.unescape(strip_tags(article.body))).words(SUMMARY_WORDS)


def feed_authors(article: Article) -> list[tuple[str, str | None]]:
    """(name, page) for each byline author; the credit line for a story without a byline."""
    authors = [(author.name, author.get_absolute_url()) for author in article.byline_authors]
    if not authors and article.credit:
        authors = [(article.credit, None)]
    return authors


def feed_photo(article: Article) -> dict | None:
    """The lead photo as feeds offer it: its widest JPEG rendition (PNG if see-through).

    Uses the prefetched renditions; a rendition whose file is missing is left out.
    """
    image = article.lead_photo
    if image is None:
        return None
    renditions = [r for r in image.renditions.all() if r.format in PHOTO_TYPES]
    if not renditions:
        return None
    rendition = max(renditions, key=lambda r: r.width)
    try:
        length = rendition.file.size
    except OSError:
        return None
    return {
        "url": rendition.file.url,
        "type": PHOTO_TYPES[rendition.format],
        "length": length,
        "width": rendition.width,
        "height": rendition.height,
        "alt": image.alt_text,
        "credit": image.credit,
    }


# Generators: how each format writes what a feed class gives it.


class XmlSafeMixin:
    """Drops characters XML cannot carry instead of failing on them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = xml_safe(self.feed)

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = xml_safe(self.prepare_item(self.items[-1]))

    def prepare_item(self, item: dict) -> dict:
        return item


class StoryItemsMixin(XmlSafeMixin):
    """Makes every address in a story item absolute and offers its photo as an enclosure."""

    def prepare_item(self, item):
        base = item["link"]
        item["authors"] = [(name, url and urljoin(base, url)) for name, url in item["authors"]]
        if item.get("content_html"):
            item["content_html"] = absolute_links(item["content_html"], base)
        photo = item.get("photo")
        if photo:
            photo["url"] = urljoin(base, photo["url"])
            item["enclosures"] = [
                feedgenerator.Enclosure(photo["url"], str(photo["length"]), photo["type"])
            ]
        return item


class SafeRssFeed(XmlSafeMixin, feedgenerator.Rss201rev2Feed):
    pass


class StoryRssFeed(StoryItemsMixin, feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full text in ``content:encoded``, Dublin Core authors and Media RSS."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Readers show a channel's description as HTML, as they do an item's; a section's
        # description or an author's biography is plain text.
        self.feed["description"] = escape(self.feed["description"])

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:dc": DC_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, _url in item["authors"]:
            handler.addQuickElement("dc:creator", name)
        handler.addQuickElement("dc:language", item["language"])
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])
        photo = item.get("photo")
        if photo:
            handler.startElement(
                "media:content",
                {
                    "url": photo["url"],
                    "type": photo["type"],
                    "medium": "image",
                    "fileSize": str(photo["length"]),
                    "width": str(photo["width"]),
                    "height": str(photo["height"]),
                },
            )
            handler.addQuickElement("media:description", photo["alt"], {"type": "plain"})
            if photo["credit"]:
                handler.addQuickElement("media:credit", photo["credit"])
            handler.endElement("media:content")


class StoryAtomFeed(StoryItemsMixin, feedgenerator.Atom1Feed):
    """Atom 1.0 with one ``author`` per byline author and the full text in ``content``."""

    def item_attributes(self, item):
        return {"xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name, url in item["authors"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            if url:
                handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class StoryJsonFeed(StoryItemsMixin, feedgenerator.SyndicationFeed):
    """JSON Feed 1.1: https://www.jsonfeed.org/version/1.1/"""

    content_type = "application/feed+json"

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.as_json(), ensure_ascii=False))

    def as_json(self) -> dict:
        feed = self.feed
        data = {
            "version": JSON_FEED_VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "items": [self.item_json(item) for item in self.items],
        }
        if feed["author_name"]:
            data["authors"] = [{"name": feed["author_name"]}]
        return data

    def item_json(self, item: dict) -> dict:
        data = {"id": item["unique_id"], "url": item["link"], "title": item["title"]}
        if item.get("content_html"):
            data["content_html"] = item["content_html"]
        else:
            data["content_text"] = item["summary"] or item["title"]
        if item["summary"]:
            data["summary"] = item["summary"]
        if item.get("photo"):
            data["image"] = item["photo"]["url"]
        data["date_published"] = feedgenerator.rfc3339_date(item["pubdate"])
        data["date_modified"] = feedgenerator.rfc3339_date(item["updateddate"])
        data["authors"] = [
            {"name": name, **({"url": url} if url else {})} for name, url in item["authors"]
        ]
        data["tags"] = list(item["categories"])
        data["language"] = item["language"]
        return data


# Feeds: what each one lists.


class NewsroomFeed(Feed):
    @property
    def language(self):
        """The language of the feed's address (``/fr/feed/`` is French), never the browser's."""
        return get_language()


class LatestStoriesFeed(NewsroomFeed):
    """The newest published stories on the whole site; subclasses narrow them down."""

    feed_type = StoryRssFeed
    item_guid_is_permalink = False

    def stories(self, obj):
        return Article.objects.published()

    def items(self, obj):
        return (
            self.stories(obj)
            .with_related()
            .order_by("-published_at", "-pk")[: settings.NEWSROOM_FEED_ITEMS]
        )

    def title(self, obj):
        return settings.NEWSROOM_NAME

    def link(self, obj):
        return reverse("articles:home")

    def description(self, obj):
        return settings.NEWSROOM_TAGLINE

    def subtitle(self, obj):
        return self.description(obj)

    def author_name(self, obj):
        return settings.NEWSROOM_NAME

    def item_title(self, article):
        return article.headline

    def item_description(self, article):
        # Readers treat an item's description as HTML; the summary is plain text.
        return escape(summary(article))

    def item_guid(self, article):
        return f"urn:uuid:{article.uid}"

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.revised_at or article.published_at

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tags.all())]

    def item_extra_kwargs(self, article):
        extra = {
            "summary": summary(article),
            "language": article.language,
            "authors": feed_authors(article),
            "photo": feed_photo(article),
        }
        if settings.NEWSROOM_FEED_FULL_TEXT:
            extra["content_html"] = article.body
        return extra


class SectionFeed(LatestStoriesFeed):
    """A section's stories, its subsections' included, as on the section page."""

    def get_object(self, request, slug):
        return Section.objects.get(slug=slug)

    def stories(self, section):
        return Article.objects.published().filter(Q(section=section) | Q(section__parent=section))

    def title(self, section):
        return f"{section.name} · {settings.NEWSROOM_NAME}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or _("The latest %(section)s stories from %(name)s.") % {
            "section": section.name,
            "name": settings.NEWSROOM_NAME,
        }


class TagFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return Tag.objects.get(slug=slug)

    def stories(self, tag):
        return Article.objects.published().filter(tags=tag)

    def title(self, tag):
        return _("Stories about %(tag)s · %(name)s") % {
            "tag": tag.name,
            "name": settings.NEWSROOM_NAME,
        }

    def link(self, tag):
        return tag.get_absolute_url()

    def description(self, tag):
        return _("The latest stories about %(tag)s from %(name)s.") % {
            "tag": tag.name,
            "name": settings.NEWSROOM_NAME,
        }


class AuthorFeed(LatestStoriesFeed):
    def get_object(self, request, slug):
        return Author.objects.get(slug=slug)

    def stories(self, author):
        return Article.objects.published().filter(bylines__author=author)

    def title(self, author):
        return _("Stories by %(author)s · %(name)s") % {
            "author": author.name,
            "name": settings.NEWSROOM_NAME,
        }

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return author.bio or _("The latest stories by %(author)s for %(name)s.") % {
            "author": author.name,
            "name": settings.NEWSROOM_NAME,
        }


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = StoryAtomFeed


class LatestStoriesJsonFeed(LatestStoriesFeed):
    feed_type = StoryJsonFeed


class SectionAtomFeed(SectionFeed):
    feed_type = StoryAtomFeed


class TagAtomFeed(TagFeed):
    feed_type = StoryAtomFeed


class AuthorAtomFeed(AuthorFeed):
    feed_type = StoryAtomFeed


class CorrectionsFeed(NewsroomFeed):
    """Corrections and updates on published stories, newest first."""

    feed_type = SafeRssFeed
    link = reverse_lazy("articles:corrections")
    item_guid_is_permalink = False

    def title(self):
        return _("Corrections and updates · %(name)s") % {"name": settings.NEWSROOM_NAME}

    def description(self):
        return _("Corrections, updates and clarifications to stories by %(name)s.") % {
            "name": settings.NEWSROOM_NAME
        }

    def items(self):
        return Correction.objects.public().select_related("article")[: settings.NEWSROOM_FEED_ITEMS]

    def item_title(self, correction):
        return f"{correction.get_kind_display()}: {correction.article.headline}"

    def item_description(self, correction):
        # Readers treat an item's description as HTML; the correction is plain text.
        return escape(correction.text)

    def item_guid(self, correction):
        # Stays the same when the story's address changes.
        return f"urn:uuid:{correction.uid}"

    def item_pubdate(self, correction):
        return correction.published_at
