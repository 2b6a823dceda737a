"""What a story page shows besides the story's row: its tags, bylines and corrections,
and its times as printed.

A reader's story page gets its tags and bylines with the story's row, as JSON arrays
(``articles.story_rows``), turned into models here; a preview reads them with the short
SQL queries below. Composing them through the ORM's prefetching cost more than running
them.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import connections
from django.utils import timezone
from django.utils.formats import date_format

from .models import Author, Correction, Tag, TaggedArticle
from .plain_queries import byline_rows


@dataclass(frozen=True, slots=True)
class StoryParts:
    """The story's authors in byline order, its tags, and its corrections, newest first."""

    authors: list[Author]
    tags: list[Tag]
    corrections: list[Correction]


@dataclass(frozen=True, slots=True)
class ShownTime:
    """A time as a story page prints it: machine-readable and in the reader's words."""

    iso: str
    label: str


def shown_time(moment: datetime | None) -> ShownTime | None:
    """``moment`` in the newsroom's time zone, the label in the interface language."""
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return ShownTime(
        iso=local.strftime("%Y-%m-%dT%H:%M:%S%z"), label=date_format(local, "DATETIME_FORMAT")
    )


def read_tags(article_id: int, *, using: str) -> list[Tag]:
    """The story's tags, oldest tag first (the order of the links' unique index)."""
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tag.{quote('id')}, tag.{quote('name')}, tag.{quote('slug')}"
            f" FROM {quote(TaggedArticle._meta.db_table)} link"
            f" INNER JOIN {quote(Tag._meta.db_table)} tag ON tag.{quote('id')} = link.tag_id"
            " WHERE link.content_object_id = %s ORDER BY link.tag_id",
            [article_id],
        )
        return [Tag(id=pk, name=name, slug=slug) for pk, name, slug in cursor.fetchall()]


def read_bylines(article_ids: Sequence[int]) -> dict[int, list[Author]]:
    """The authors of each of these stories, in byline order, in one query."""
    authors: dict[int, list[Author]] = {}
    for article_id, pk, name, slug in byline_rows(list(article_ids)):
        authors.setdefault(article_id, []).append(Author(id=pk, name=name, slug=slug))
    return authors


def _rows_from_json(value) -> list[list]:
    """Rows that ``story_rows`` read as a JSON array: text from SQLite, a list from
    PostgreSQL's ``json``, ``None`` for none."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def tags_from_json(value) -> list[Tag]:
    """A story's tags from ``[id, name, slug]`` rows, oldest tag first (as ``read_tags``)."""
    return [Tag(id=pk, name=name, slug=slug) for pk, name, slug in sorted(_rows_from_json(value))]


def _in_byline_order(value) -> list[list]:
    """``[id, name, slug, position, byline's id]`` rows in byline order (as ``read_bylines``)."""
    return sorted(_rows_from_json(value), key=lambda row: (row[3], row[4]))


def authors_from_json(value) -> list[Author]:
    """A story's authors from ``story_rows``' byline rows, in byline order."""
    return [
        Author(id=pk, name=name, slug=slug)
        for pk, name, slug, _position, _byline in _in_byline_order(value)
    ]


def author_names_from_json(value) -> list[str]:
    """The authors' names alone, for a story card."""
    return [name for _pk, name, _slug, _position, _byline in _in_byline_order(value)]


def menu_from_json(value, *, ordered: bool) -> list[tuple[str, str]]:
    """The menu's ``(name, slug)`` from ``[name, slug, position]`` rows, in menu order.

    ``ordered`` rows come in that order already (PostgreSQL sorts them in its collation);
    otherwise they are sorted here by position, then name, as SQLite's ORDER BY does.
    """
    rows = _rows_from_json(value)
    if not ordered:
        rows = sorted(rows, key=lambda row: (row[2], row[0]))
    return [(name, slug) for name, slug, _position in rows]
