"""An imported story's text as it will be stored, worked out without the database.

The import builds and sanitizes each body in the parsing process, alongside the process
that writes. The sections a body may link to come in a ``Lookups`` snapshot; the writing
process builds the body again when the sections have changed since and it matters.
"""

import html
import re
from dataclasses import dataclass

from .importer import ParsedArticle, body_html, links_sections, text_words
from .models.stories import text_fingerprint
from .sanitize import sanitize_html
from .search.text import clean_text, plain_text


@dataclass(frozen=True)
class Lookups:
    """The sections the newsroom had when a batch was sent to be read.

    ``section_links`` (section name to address) is a copy; ``sections_version`` tells the
    writing process whether its sections have changed since.
    """

    section_links: dict[str, str]
    sections_version: int


@dataclass(frozen=True)
class PreparedText:
    """A story's text as it will be stored, worked out from a ``ParsedArticle``.

    ``links_sections`` says whether the body would change with other sections: only then
    must a body prepared with old ``Lookups`` be built again. ``search_body`` is the
    body's text for the search index; ``words`` are those of ``story_text()``, where tag
    names are looked for.
    """

    body: str
    fingerprint: str
    links_sections: bool
    search_body: str
    words: frozenset[str]


def prepare_text(parsed: ParsedArticle, *, section_links: dict[str, str]) -> PreparedText:
    links = links_sections(parsed.paragraphs)
    body = sanitize_html(body_html(parsed.paragraphs, section_links=section_links if links else {}))
    return PreparedText(
        body=body,
        fingerprint=text_fingerprint(
            headline=parsed.headline, dek=parsed.dek, dateline=parsed.dateline, body=body
        ),
        links_sections=links,
        search_body=search_body(body),
        words=text_words(story_text(parsed)),
    )


def story_text(parsed: ParsedArticle) -> str:
    """The headline, standfirst and paragraphs, one a line: where tag names are looked for."""
    return "\n".join((parsed.headline, parsed.dek, *parsed.paragraphs))


_TAG = re.compile(r"<[^>]*>")
_TAG_WITH_ATTRIBUTES = re.compile(r"<[^\s>]+\s")


def search_body(body: str) -> str:
    """``search.text.plain_text(body)``, quicker for a sanitized body with no attributes.

    nh3's output escapes every ``<`` and ``&`` of the text and holds no comments, so
    when no tag has attributes (where a ``>`` could hide), every tag is a ``<...>`` run:
    replacing each with a space and decoding the entities gives what the HTML parser
    gives. Bodies with links go through the parser.
    """
    if _TAG_WITH_ATTRIBUTES.search(body):
        return plain_text(body)
    return clean_text(html.unescape(_TAG.sub(" ", body)))
