"""What the API answers, and the filters it accepts.

Every address in an answer is absolute. Author objects carry a name, slug, biography and
address only: the user account behind a byline is never part of an answer.
"""

import re
from datetime import UTC, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, FilterSchema, Schema
from ninja.filter_schema import FilterLookup
from pydantic import field_validator, model_validator

from ..languages import story_url
from ..models import Article, Author, Correction, Image, Rendition, Section, Tag
from ..templatetags.photos import FALLBACK_SRC_WIDTH

# A slug: letters and digits of any script, "-" and "_"; no ASCII space, control or other
# punctuation, nor U+FFFD (what undecodable bytes become). Written as code point ranges,
# not \w or \s, whose meaning differs between the regular expressions of JSON Schema
# (ASCII \w) and of the server (Unicode \w).
SLUG_PATTERN = r"^[^\x00-\x2c\x2e\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f\ufffd]+$"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)")
LANGUAGE_CODES = frozenset(code for code, _name in Article._meta.get_field("language").choices)


def absolute(context: dict, path: str) -> str:
    request: HttpRequest = context["request"]
    return request.build_absolute_uri(path)


class PublicPage(Schema):
    slug: str
    name: str
    url: str = Field(description="The public page on the site.")

    @staticmethod
    def resolve_url(obj: Section | Tag | Author, context: dict) -> str:
        return absolute(context, obj.get_absolute_url())


class SectionSummary(PublicPage):
    pass


class TagSummary(PublicPage):
    pass


class AuthorSummary(PublicPage):
    pass


class SectionOut(PublicPage):
    description: str
    parent: str | None = Field(description="The parent section's slug; null at the top level.")

    @staticmethod
    def resolve_parent(obj: Section) -> str | None:
        return obj.parent.slug if obj.parent_id else None


class AuthorOut(PublicPage):
    bio: str


class RenditionOut(Schema):
    width: int
    format: Rendition.Format
    url: str

    @staticmethod
    def resolve_url(obj: Rendition, context: dict) -> str:
        return absolute(context, obj.file.url)


class PhotoSummary(Schema):
    url: str = Field(
        description=f"A JPEG or PNG copy at most {FALLBACK_SRC_WIDTH} pixels wide where there is "
        "one; the detail lists every size."
    )
    alt: str = Field(description="Describes the picture for people who cannot see it.")
    caption: str
    credit: str
    width: int = Field(description="The original's width in pixels.")
    height: int = Field(description="The original's height in pixels.")

    @staticmethod
    def resolve_url(obj: Image, context: dict) -> str:
        fallbacks = [r for r in obj.renditions.all() if r.format != Rendition.Format.WEBP]
        shown = max(
            (r for r in fallbacks if r.width <= FALLBACK_SRC_WIDTH),
            key=lambda r: r.width,
            default=fallbacks[0] if fallbacks else None,
        )
        return absolute(context, (shown or obj).file.url)

    @staticmethod
    def resolve_alt(obj: Image) -> str:
        return obj.alt_text


class PhotoOut(PhotoSummary):
    renditions: list[RenditionOut] = Field(description="Every size, narrowest first.")


class CorrectionOut(Schema):
    kind: Correction.Kind
    text: str = Field(description="Plain text.")
    published_at: datetime


class TranslationOut(Schema):
    id: int
    url: str = Field(description="The translation's public page.")
    headline: str
    language: str

    @staticmethod
    def resolve_url(obj: Article, context: dict) -> str:
        return absolute(context, story_url(obj))


class StorySummary(Schema):
    id: int = Field(description="Stable: it never changes, even when the story's address does.")
    url: str = Field(description="The story's public page, in its language's edition of the site.")
    headline: str
    dek: str = Field(description="The standfirst: one or two sentences under the headline.")
    section: SectionSummary
    authors: list[AuthorSummary] = Field(description="In byline order.")
    tags: list[TagSummary]
    language: str = Field(description="The language the story is written in, such as en or ar.")
    published_at: datetime
    updated_at: datetime = Field(
        description="When the story was last updated for readers; its publication time if never."
    )
    photo: PhotoSummary | None = Field(description="The lead photo, if the story has one.")

    @staticmethod
    def resolve_url(obj: Article, context: dict) -> str:
        return absolute(context, story_url(obj))

    @staticmethod
    def resolve_authors(obj: Article) -> list[Author]:
        return obj.byline_authors

    @staticmethod
    def resolve_tags(obj: Article) -> list[Tag]:
        return list(obj.tags.all())

    @staticmethod
    def resolve_updated_at(obj: Article) -> datetime:
        return obj.revised_at or obj.published_at

    @staticmethod
    def resolve_photo(obj: Article) -> Image | None:
        return obj.lead_photo


class StoryDetail(StorySummary):
    body: str = Field(description="The story as HTML, cleaned to a short list of tags on save.")
    dateline: str
    credit: str
    photo: PhotoOut | None = Field(description="The lead photo, if the story has one.")
    corrections: list[CorrectionOut] = Field(description="Newest first.")
    translations: list[TranslationOut] = Field(
        description="The same story in other languages: its published translations."
    )

    @staticmethod
    def resolve_corrections(obj: Article) -> list[Correction]:
        return list(obj.corrections.all())

    @staticmethod
    def resolve_translations(obj: Article) -> list[Article]:
        return list(Article.objects.published().translations_of(obj))


class Problem(Schema):
    detail: str


class InvalidField(Schema):
    loc: list[str | int] = Field(description='Where the value is, such as ["query", "cursor"].')
    msg: str = Field(description="What is wrong with it, in words.")
    type: str


class ValidationProblem(Schema):
    """The 422 answer to a request with a malformed or inconsistent parameter."""

    detail: list[InvalidField]


Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=255)]


class StoryFilters(FilterSchema):
    section: Annotated[Slug | None, FilterLookup(["section__slug", "section__parent__slug"])] = (
        Field(None, description="A section's slug; its subsections' stories are included.")
    )
    tag: Annotated[Slug | None, FilterLookup("tags__slug")] = Field(
        None, description="A tag's slug."
    )
    author: Annotated[Slug | None, FilterLookup("bylines__author__slug")] = Field(
        None, description="An author's slug."
    )
    language: Annotated[str | None, FilterLookup("language")] = Field(
        None,
        max_length=10,
        description="A language code, such as en, fr or ar.",
        json_schema_extra={"enum": sorted(LANGUAGE_CODES)},
    )
    published_after: Annotated[datetime | None, FilterLookup("published_at__gte")] = Field(
        None,
        description="ISO 8601; stories published at or after this time. Without an offset, "
        "the time is in the newsroom's time zone.",
    )
    published_before: Annotated[datetime | None, FilterLookup("published_at__lt")] = Field(
        None, description="ISO 8601; stories published before this time."
    )

    @field_validator("language")
    @classmethod
    def known_language(cls, value: str | None) -> str | None:
        if value is not None and value not in LANGUAGE_CODES:
            raise ValueError("Unknown language code; use one such as en, fr or ar.")
        return value

    @field_validator("published_after", "published_before", mode="before")
    @classmethod
    def written_as_a_date(cls, value):
        """A date and time as ISO 8601 writes it; not a bare number, which would be read as
        seconds since 1970."""
        if isinstance(value, str) and not ISO_DATE.match(value):
            raise ValueError("Give an ISO 8601 time, such as 2024-03-05T14:30:00+01:00.")
        return value

    @field_validator("published_after", "published_before")
    @classmethod
    def aware_and_in_range(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("This time is out of range.") from None

    @model_validator(mode="after")
    def range_in_order(self) -> "StoryFilters":
        if (
            self.published_after
            and self.published_before
            and self.published_after >= self.published_before
        ):
            raise ValueError("published_after must be earlier than published_before.")
        return self
