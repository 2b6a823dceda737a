"""schema.org data for public pages, as plain dictionaries (rendered by ``json_ld``)."""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.images import get_image_dimensions
from django.http import HttpRequest
from django.utils.translation import get_language

from .addresses import address, static_address
from .languages import story_url
from .models import Article, Image, Rendition
from .story_parts import StoryParts

CONTEXT = "https://schema.org"


# The reader search page; ``q`` carries the words searched for.
def share_renditions(photo: Image) -> list[Rendition | Image]:
    """The photo's JPEG renditions, widest first, else its PNG ones, else the photo itself.

    Search engines and social sites do not all read WebP. Uses the prefetched renditions.
    """
    renditions = [r for r in photo.renditions.all() if r.format != Rendition.Format.WEBP]
    renditions.sort(key=lambda r: (r.format != Rendition.Format.JPEG, -r.width))
    return renditions or [photo]


@cache
def static_image_size(path: str) -> tuple[int | None, int | None]:
    """Width and height of a static picture, or ``(None, None)`` when unknown (SVG)."""
    found = finders.find(path)
    return get_image_dimensions(found) if found else (None, None)


def image_object(url: str, width: int | None, height: int | None, **extra) -> dict:
    data = {"@type": "ImageObject", "url": url}
    if width and height:
        data.update(width=width, height=height)
    return data | {key: value for key, value in extra.items() if value}


def organization(request: HttpRequest) -> dict:
    """The publication, with its logo (the ``NEWSROOM_LOGO`` static file)."""
    return {
        "@type": "Organization",
        "name": settings.NEWSROOM_NAME,
        "url": request.build_absolute_uri(address("articles:home")),
        "logo": image_object(
            request.build_absolute_uri(static_address(settings.NEWSROOM_LOGO)),
            *static_image_size(settings.NEWSROOM_LOGO),
        ),
    }


def news_article(
    article: Article, parts: StoryParts, request: HttpRequest, *, word_count: int, at=address
) -> dict:
    """A ``NewsArticle`` with authors, credit, section, keywords, photo and corrections.

    ``word_count`` is that of the body's ``plain_text``, which the page works out once;
    ``at`` makes the authors' addresses (``addresses.bound_address``).
    """
    absolute = request.build_absolute_uri
    url = absolute(story_url(article))
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": article.language,
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in parts.tags],
        "author": [
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(author.get_absolute_url(at=at)),
            }
            for author in parts.authors
        ],
        "publisher": organization(request),
        "isAccessibleForFree": True,
        "wordCount": word_count,
    }
    if article.dek:
        data["description"] = article.dek
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
        data["dateModified"] = (article.revised_at or article.published_at).isoformat()
    if article.credit:
        data["creditText"] = article.credit
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if photo := article.lead_photo:
        data["image"] = [
            image_object(
                absolute(picture.file.url),
                picture.width,
                picture.height,
                caption=photo.caption,
                creditText=photo.credit,
            )
            for picture in share_renditions(photo)
        ]
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": correction.published_at.isoformat(),
        }
        for correction in parts.corrections
    ]
    if corrections:
        data["correction"] = corrections
    return data


def breadcrumb_list(request: HttpRequest, trail: list[tuple[str, str]]) -> dict:
    """A ``BreadcrumbList`` from ``(name, path)`` pairs, the home page first."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": request.build_absolute_uri(path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def website(request: HttpRequest) -> dict:
    """The site itself, with the search box search engines may show under its name."""
    search_url = request.build_absolute_uri(address("articles:search"))
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": settings.NEWSROOM_NAME,
        "url": request.build_absolute_uri(address("articles:home")),
        "inLanguage": get_language(),
        "publisher": organization(request),
        "potentialAction": {
            "@type": "SearchAction",
            # Braces would be percent-encoded by build_absolute_uri, so they are added after.
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": search_url + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
