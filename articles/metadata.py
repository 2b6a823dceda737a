"""What each public page tells search engines and social sites about itself.

Views build a ``PageMeta`` here and ``base.html`` prints it: the
canonical address, description, hreflang, Open Graph, Twitter card and JSON-LD.
"""

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from html import escape
from urllib.parse import unquote

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import get_language, get_language_info, to_locale
from django.utils.translation import gettext as _

from . import structured_data
from .addresses import address
from .languages import story_url, translated
from .models import Article, Image, Section
from .sanitize import plain_text
from .story_parts import StoryParts
from .templatetags.json_ld import json_ld
from .words import first_words

DESCRIPTION_WORDS = 40

# (name, path) pairs from below the home page down to a page, for breadcrumbs.
Trail = list[tuple[str, str]]


def _escaped(value) -> str:
    """``conditional_escape(value)``, with plain text (most values) escaped directly: the
    same characters, without the lazy-text wrapper around Django's ``escape`` (about 1 µs
    a value; a story page's ``<head>`` has some forty)."""
    return escape(value) if type(value) is str else conditional_escape(value)


@dataclass(frozen=True)
class PageMeta:
    canonical_url: str
    description: str
    language: str
    direction: str
    properties: list[tuple[str, str]]  # <meta property>: Open Graph and article:*
    names: list[tuple[str, str]]  # <meta name>: the Twitter card
    structured_data: list[dict]
    # (hreflang, absolute URL) of this page in each language, "x-default" last.
    alternates: list[tuple[str, str]]

    @property
    def head_elements(self) -> SafeString:
        """The page's ``<head>`` elements, for ``base.html``.

        Written here rather than looped over in the template: every page prints some
        twenty of them. Each value is escaped as ``format_html`` would, in an f-string.
        """
        text = _escaped
        lines = [
            f'<meta name="description" content="{text(self.description)}">',
            f'<link rel="canonical" href="{text(self.canonical_url)}">',
            *(
                f'<link rel="alternate" hreflang="{text(hreflang)}" href="{text(url)}">'
                for hreflang, url in self.alternates
            ),
            *(
                f'<meta property="{text(name)}" content="{text(content)}">'
                for name, content in self.properties
            ),
            *(
                f'<meta name="{text(name)}" content="{text(content)}">'
                for name, content in self.names
            ),
            *(
                f'<script type="application/ld+json">{json_ld(data)}</script>'
                for data in self.structured_data
            ),
        ]
        return SafeString("\n".join(lines))


@dataclass(frozen=True)
class SharedImage:
    url: str
    width: int
    height: int
    alt: str


def summary(text: str) -> str:
    return first_words(text, DESCRIPTION_WORDS)


def direction(language: str) -> str:
    return "rtl" if get_language_info(language)["bidi"] else "ltr"


def shared_image(request: HttpRequest, photo: Image | None) -> SharedImage | None:
    """The lead photo as social sites show it: its largest JPEG rendition."""
    if photo is None:
        return None
    picture = structured_data.share_renditions(photo)[0]
    return SharedImage(
        url=request.build_absolute_uri(picture.file.url),
        width=picture.width,
        height=picture.height,
        alt=photo.alt_text,
    )


def page_meta(
    request: HttpRequest,
    *,
    path: str,
    title: str,
    description: str,
    language: str,
    og_type: str = "website",
    image: SharedImage | None = None,
    properties: Sequence[tuple[str, str]] = (),
    structured: Sequence[dict] = (),
    alternates: Sequence[tuple[str, str]] | None = None,
) -> PageMeta:
    """``alternates`` default to the page in every interface language (same address)."""
    url = request.build_absolute_uri(path)
    if alternates is None:
        alternates = interface_alternates(request, path)
    open_graph = [
        ("og:type", og_type),
        ("og:title", title),
        ("og:description", description),
        ("og:url", url),
        ("og:site_name", settings.NEWSROOM_NAME),
        ("og:locale", to_locale(language)),
    ]
    twitter = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]
    if image:
        open_graph += [
            ("og:image", image.url),
            ("og:image:width", str(image.width)),
            ("og:image:height", str(image.height)),
            ("og:image:alt", image.alt),
        ]
        twitter += [("twitter:image", image.url), ("twitter:image:alt", image.alt)]
    return PageMeta(
        canonical_url=url,
        description=description,
        language=language,
        direction=direction(language),
        properties=[*open_graph, *properties],
        names=twitter,
        structured_data=list(structured),
        alternates=list(alternates),
    )


def interface_alternates(request: HttpRequest, path: str) -> list[tuple[str, str]]:
    """A page of the site in each interface language, the site's language as x-default.

    What ``django.urls.translate_url`` gives, resolving the address once for all of them.
    """
    match = None
    with suppress(Resolver404):
        match = resolve(unquote(path.partition("?")[0]))
    urls = {code: translated(match, path, code) for code, _name in settings.LANGUAGES}
    return [
        *((code, request.build_absolute_uri(url)) for code, url in urls.items()),
        ("x-default", request.build_absolute_uri(urls[settings.LANGUAGE_CODE])),
    ]


def story_alternates(
    request: HttpRequest, article: Article, translations: Sequence[Article]
) -> list[tuple[str, str]]:
    """A story and its published translations, each at its own address and language.

    x-default is the version in the site's language, else the original.
    """
    versions = sorted([article, *translations], key=lambda story: story.language)
    links = [(story, request.build_absolute_uri(story_url(story))) for story in versions]
    default = next(
        (story for story in versions if story.language == settings.LANGUAGE_CODE),
        next((story for story in versions if story.translation_of_id is None), article),
    )
    return [
        *((story.language, url) for story, url in links),
        ("x-default", next(url for story, url in links if story is default)),
    ]


def breadcrumbs(request: HttpRequest, trail: Sequence[tuple[str, str]], *, at=address) -> dict:
    return structured_data.breadcrumb_list(request, [(_("Home"), at("articles:home")), *trail])


def section_trail(section: Section, *, at=address) -> Trail:
    """The parent section if there is one, then the section."""
    sections = [section.parent, section] if section.parent_id else [section]
    return [(s.name, s.get_absolute_url(at=at)) for s in sections]


def story_page(
    request: HttpRequest,
    article: Article,
    parts: StoryParts,
    translations: Sequence[Article] = (),
    *,
    at=address,
) -> PageMeta:
    """Needs the story as ``views.render_story`` reads it, with its photo's sizes.

    The story's address is the one under its own language (``/fr/...`` for a French
    story); ``translations`` are its published translations; ``at`` makes the
    addresses of its section, authors and home page (``addresses.bound_address``).
    """
    text = plain_text(article.body)
    description = summary(article.dek or text) or article.headline
    properties = []
    if article.published_at:
        modified = article.revised_at or article.published_at
        properties += [
            ("article:published_time", article.published_at.isoformat()),
            ("article:modified_time", modified.isoformat()),
        ]
    properties.append(("article:section", article.section.name))
    properties += [
        ("article:author", request.build_absolute_uri(author.get_absolute_url(at=at)))
        for author in parts.authors
    ]
    properties += [("article:tag", tag.name) for tag in parts.tags]
    trail = [
        *section_trail(article.section, at=at),
        (article.headline, article.get_absolute_url()),
    ]
    return page_meta(
        request,
        path=story_url(article),
        title=article.headline,
        description=description,
        language=article.language,
        og_type="article",
        image=shared_image(request, article.lead_photo),
        properties=properties,
        structured=[
            structured_data.news_article(
                article, parts, request, word_count=len(text.split()), at=at
            ),
            breadcrumbs(request, trail, at=at),
        ],
        alternates=story_alternates(request, article, translations),
    )


def list_page(
    request: HttpRequest,
    *,
    path: str,
    title: str,
    description: str,
    page_number: int = 1,
    trail: Sequence[tuple[str, str]] = (),
    query: dict[str, str] | None = None,
) -> PageMeta:
    """A list of stories; each of its pages (and filters, ``query``) is its own address.

    ``trail`` leads from below the home page down to this list, its last step.
    """
    query = dict(query or {})
    if page_number != 1:
        query["page"] = str(page_number)
    return page_meta(
        request,
        path=f"{path}?{urlencode(query)}" if query else path,
        title=title,
        description=summary(description),
        language=get_language(),
        structured=[breadcrumbs(request, trail)] if trail else [],
    )


def home_page(request: HttpRequest) -> PageMeta:
    return page_meta(
        request,
        path=address("articles:home"),
        title=settings.NEWSROOM_NAME,
        description=settings.NEWSROOM_TAGLINE,
        language=get_language(),
        structured=[structured_data.website(request)],
    )
