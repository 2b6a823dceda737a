"""An imported story's text as it will be stored, worked out without the database.

The import does this in the parsing process, alongside the process that writes: the
body built and sanitized, its text for the search index, its fingerprint and the known
tags it mentions. What depends on the newsroom (the sections a body may link to, the
tags it may mention) comes in a ``Lookups`` snapshot; the writing process redoes what
a newer state of the newsroom would change.
"""

import html
import re
from dataclasses import dataclass

from .importer import MentionFinder, ParsedArticle, body_html, links_sections
from .models import Article
from .sanitize import sanitize_html
from .search.text import clean_text, plain_text


@dataclass(frozen=True)
class Lookups:
    """What the newsroom held when a batch was sent to be read.

    ``section_links`` (section name to address) and ``tag_names`` (in the order the
    importer searches them) are copies; the versions tell the writing process whether its
    sections have changed since, and its tags in any way other than by new names added.
    """

    section_links: dict[str, str]
    tag_names: tuple[str, ...]
    sections_version: int
    tags_version: int


@dataclass(frozen=True)
class PreparedText:
    """A story's text as it will be stored, worked out from a ``ParsedArticle``.

    ``links_sections`` says whether the body would change with other sections: only then
    must a body prepared with old ``Lookups`` be built again.
    """

    body: str
    fingerprint: str
    search_body: str
    mentions: tuple[str, ...]
    links_sections: bool


def prepare_text(
    parsed: ParsedArticle, *, section_links: dict[str, str], mentions: MentionFinder
) -> PreparedText:
    links = links_sections(parsed.paragraphs)
    body = sanitize_html(body_html(parsed.paragraphs, section_links=section_links if links else {}))
    text = "\n".join((parsed.headline, parsed.dek, *parsed.paragraphs))
    story = Article(headline=parsed.headline, dek=parsed.dek, dateline=parsed.dateline, body=body)
    return PreparedText(
        body=body,
        fingerprint=story.text_fingerprint(),
        search_body=_search_body(body),
        mentions=tuple(mentions(text)),
        links_sections=links,
    )


_TAG = re.compile(r"<[^>]*>")
_TAG_WITH_ATTRIBUTES = re.compile(r"<[^\s>]+\s")


def _search_body(body: str) -> str:
    """``search.text.plain_text(body)``, quicker for a sanitized body with no attributes.

    nh3's output escapes every ``<`` and ``&`` of the text and holds no comments, so
    when no tag has attributes (where a ``>`` could hide), every tag is a ``<...>`` run:
    replacing each with a space and decoding the entities gives what the HTML parser
    gives. Bodies with links go through the parser.
    """
    if _TAG_WITH_ATTRIBUTES.search(body):
        return plain_text(body)
    return clean_text(html.unescape(_TAG.sub(" ", body)))
