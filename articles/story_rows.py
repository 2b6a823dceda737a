"""The story page's two main reads: the story itself and its related stories.

Composing these two queries through the ORM cost more CPU than running them (about
1.5 ms each of a page's 10), so their SQL is written here, with the rows turned into
models by ``Model.from_db``. What readers may see is still decided by
``Article.objects.published()`` alone: its condition is compiled by the ORM once per
process and database, with a stand-in time put back to the current time on each read.
"""

from datetime import UTC, datetime
from functools import cache

from django.db import connections
from django.db.models import Model
from django.utils import timezone

from .models import Article, Author, Byline, Correction, Image, Section, Tag, TaggedArticle
from .models.stories import CARD_FIELDS
from .story_parts import author_names_from_json, authors_from_json, tags_from_json

# The time the published condition is compiled with, found again among its parameters.
STAND_IN_TIME = datetime(2001, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
_TIME_FIELD = Article._meta.get_field("published_at")

# For "related stories", how many of the newest stories carrying each of the story's tags
# are ranked: the cost is bounded by the story's tags, not by how common they are.
RELATED_PER_TAG = 50
# The columns a story card (and its address) reads.
CARD_COLUMNS = frozenset(Article._meta.get_field(name).attname for name in ("id", *CARD_FIELDS))


@cache
def _published_condition(using: str) -> tuple[str, tuple]:
    """``published()``'s WHERE clause on the ``articles_article`` table, and its
    parameters, with ``None`` where the current time goes."""
    connection = connections[using]
    query = Article.objects.published(at=STAND_IN_TIME).query
    sql, params = query.where.as_sql(query.get_compiler(using=using), connection)
    stand_in = _TIME_FIELD.get_db_prep_value(STAND_IN_TIME, connection)
    return f"({sql})", tuple(None if param == stand_in else param for param in params)


def _now(using: str):
    """The current time as the database takes it as a parameter."""
    return _TIME_FIELD.get_db_prep_value(timezone.now(), connections[using])


def _published_params(using: str, now) -> list:
    """``published()``'s parameters as of ``now`` (from ``_now``)."""
    _sql, params = _published_condition(using)
    return [now if param is None else param for param in params]


def _fields(model: type[Model], names=None) -> tuple:
    fields = model._meta.concrete_fields
    return tuple(field for field in fields if names is None or field.attname in names)


def _columns(table: str, fields, quote) -> str:
    return ", ".join(f"{table}.{quote(field.column)}" for field in fields)


def _json_rows(using: str, values: list[str], source: str) -> str:
    """A scalar subquery: the rows of ``source`` (``FROM ... WHERE ...``) as one JSON array
    of ``[values]`` arrays, in no given order (NULL or "[]" for none). One query then
    reads a story with its tags and bylines, where each took a round trip of its own."""
    values = ", ".join(values)
    if connections[using].vendor == "postgresql":
        return f"(SELECT json_agg(json_build_array({values})) {source})"
    return f"(SELECT json_group_array(json_array({values})) {source})"


def _column(model: type[Model], table: str, name: str, quote) -> str:
    return f"{table}.{quote(model._meta.get_field(name).column)}"


def _tags_json(using: str, story_id: str) -> str:
    """The story's tags: ``[id, name, slug]`` (``story_parts.tags_from_json``)."""
    quote = connections[using].ops.quote_name
    tag_id, name, slug = (_column(Tag, "tag", field, quote) for field in ("id", "name", "slug"))
    link_tag, link_story = (
        _column(TaggedArticle, "link", field, quote) for field in ("tag", "content_object")
    )
    return _json_rows(
        using,
        [tag_id, name, slug],
        f"FROM {quote(TaggedArticle._meta.db_table)} link"
        f" INNER JOIN {quote(Tag._meta.db_table)} tag ON {tag_id} = {link_tag}"
        f" WHERE {link_story} = {story_id}",
    )


def _authors_json(using: str, story_id: str) -> str:
    """The story's bylines: ``[author's id, name, slug, position, byline's id]``
    (``story_parts.authors_from_json``)."""
    quote = connections[using].ops.quote_name
    author_id, name, slug = (
        _column(Author, "author", field, quote) for field in ("id", "name", "slug")
    )
    position, byline_id, byline_author, byline_story = (
        _column(Byline, "byline", field, quote) for field in ("position", "id", "author", "article")
    )
    return _json_rows(
        using,
        [author_id, name, slug, position, byline_id],
        f"FROM {quote(Byline._meta.db_table)} byline"
        f" INNER JOIN {quote(Author._meta.db_table)} author ON {author_id} = {byline_author}"
        f" WHERE {byline_story} = {story_id}",
    )


@cache
def _reader(using: str, model: type[Model], fields: tuple) -> tuple[list[str], tuple]:
    """The fields' names, and what turns the database's values into Python's, as the ORM
    does, for the fields that need it: ``(position, column, converters)``."""
    connection = connections[using]
    converting = []
    for position, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        converters = (
            *connection.ops.get_db_converters(column),
            *field.get_db_converters(connection),
        )
        if converters:
            converting.append((position, column, converters))
    return [field.attname for field in fields], tuple(converting)


def _build(model: type[Model], fields: tuple, row, start: int, using: str) -> Model | None:
    """The model of ``row[start:]``'s columns, or ``None`` when a LEFT JOIN found none."""
    values = list(row[start : start + len(fields)])
    if values[0] is None:
        return None
    names, converting = _reader(using, model, fields)
    connection = connections[using]
    for position, column, converters in converting:
        for convert in converters:
            values[position] = convert(values[position], column, connection)
    return model.from_db(using, names, values)


STORY_FIELDS = _fields(Article)
CARD_STORY_FIELDS = _fields(Article, CARD_COLUMNS)
SECTION_FIELDS = _fields(Section)
IMAGE_FIELDS = _fields(Image)


@cache
def _story_sql(using: str) -> str:
    """SQL for ``public_story``: the slug, then ``published()``'s parameters."""
    quote = connections[using].ops.quote_name
    stories = quote(Article._meta.db_table)
    story_id = f"{stories}.{quote('id')}"
    sections = quote(Section._meta.db_table)
    published, _params = _published_condition(using)
    return (
        f"SELECT {_columns(stories, STORY_FIELDS, quote)},"
        f" {_columns('section', SECTION_FIELDS, quote)},"
        f" {_columns('parent', SECTION_FIELDS, quote)},"
        f" {_columns('photo', IMAGE_FIELDS, quote)},"
        f" EXISTS (SELECT 1 FROM {stories} translation"
        f" WHERE translation.translation_of_id = {story_id}),"
        f" EXISTS (SELECT 1 FROM {quote(Correction._meta.db_table)} correction"
        f" WHERE correction.article_id = {story_id}),"
        f" {_tags_json(using, story_id)}, {_authors_json(using, story_id)}"
        f" FROM {stories}"
        f" INNER JOIN {sections} section ON section.{quote('id')} = {stories}.section_id"
        f" LEFT OUTER JOIN {sections} parent ON parent.{quote('id')} = section.parent_id"
        f" LEFT OUTER JOIN {quote(Image._meta.db_table)} photo"
        f" ON photo.{quote('id')} = {stories}.lead_photo_id"
        f" WHERE {stories}.{quote('slug')} = %s AND {published}"
    )


def public_story(slug: str, *, using: str = "default") -> Article | None:
    """The published story at ``slug``, as ``views.story_queryset()`` reads it, in one query.

    With its section (and the section's parent) and its photo, ``has_translations`` and
    ``has_corrections``, and the tags and authors the page shows (``page_tags``, oldest
    tag first, and ``page_authors``, in byline order).
    """
    published = _published_params(using, _now(using))
    with connections[using].cursor() as cursor:
        cursor.execute(_story_sql(using), [slug, *published])
        row = cursor.fetchone()
    if row is None:
        return None
    article = _build(Article, STORY_FIELDS, row, 0, using)
    start = len(STORY_FIELDS)
    section = _build(Section, SECTION_FIELDS, row, start, using)
    start += len(SECTION_FIELDS)
    section.parent = _build(Section, SECTION_FIELDS, row, start, using)
    start += len(SECTION_FIELDS)
    article.section = section
    article.lead_photo = _build(Image, IMAGE_FIELDS, row, start, using)
    start += len(IMAGE_FIELDS)
    has_translations, has_corrections, tags, authors = row[start:]
    article.has_translations, article.has_corrections = (
        bool(has_translations),
        bool(has_corrections),
    )
    article.page_tags, article.page_authors = tags_from_json(tags), authors_from_json(authors)
    return article


def _on_any_of(tag_count: int) -> str:
    """A story's link is to one of ``tag_count`` tags (parameters: their ids).

    The unary plus keeps the tag out of the index search: the story's few links are
    found with one search on the story and checked in turn, where ``IN`` made SQLite
    search the (story, tag) index once for every tag, for every candidate.
    """
    return f"+link.tag_id IN ({', '.join(['%s'] * tag_count)})"


@cache
def _related_sql(using: str, tag_count: int) -> str:
    """SQL for ``related_stories`` on a story with ``tag_count`` tags; its parameters are
    in ``related_stories``."""
    quote = connections[using].ops.quote_name
    stories = quote(Article._meta.db_table)
    story_id = f"{stories}.{quote('id')}"
    published, _params = _published_condition(using)
    # The section's newest and the best ranked are read together, then put in order by
    # the tags each shares with the story; only stories published() lets through are shown.
    wanted = (
        f"SELECT {story_id} FROM {stories} WHERE {published} AND {story_id} <> %s"
        f" AND {stories}.section_id = %s"
        f" ORDER BY {stories}.{quote('published_at')} DESC, {story_id} DESC LIMIT %s"
    )
    shared = "0"
    if tag_count:
        wanted = (
            f"SELECT * FROM ({wanted}) newest_in_section"
            f" UNION SELECT * FROM ({_ranked_sql(using, tag_count)}) ranked"
        )
        shared = (
            f"SELECT COUNT(*) FROM {quote(TaggedArticle._meta.db_table)} link"
            f" WHERE link.content_object_id = {story_id}"
            f" AND {_on_any_of(tag_count)}"
        )
    else:
        wanted = f"SELECT * FROM ({wanted}) newest_in_section"
    return (
        f"SELECT {_columns(stories, CARD_STORY_FIELDS, quote)},"
        f" {_columns('section', SECTION_FIELDS, quote)},"
        f" {_columns('photo', IMAGE_FIELDS, quote)}, {_authors_json(using, story_id)},"
        f" ({shared}) AS shared_tags"
        f" FROM {stories}"
        f" INNER JOIN {quote(Section._meta.db_table)} section"
        f" ON section.{quote('id')} = {stories}.section_id"
        f" LEFT OUTER JOIN {quote(Image._meta.db_table)} photo"
        f" ON photo.{quote('id')} = {stories}.lead_photo_id"
        f" WHERE {published} AND {story_id} <> %s AND {story_id} IN ({wanted})"
        f" ORDER BY shared_tags DESC, {stories}.{quote('published_at')} DESC, {story_id} DESC"
        " LIMIT %s"
    )


def related_stories(article: Article, tag_ids: list[int], *, limit: int = 5) -> list[Article]:
    """Up to ``limit`` other published stories for ``article``'s page, ready for cards.

    Stories sharing the most tags come first, newer first among equals; when fewer than
    ``limit`` share a tag, the newest stories of the same section fill the list. Only the
    ``RELATED_PER_TAG`` newest public stories of each of the story's tags (``tag_ids``)
    are ranked, read from the tag links' index, so the work is the same whether a tag is
    on ten stories or on a hundred thousand. One query; the stories come with their
    section and photo, the card's columns alone, and their authors' names in byline
    order (``author_names``).
    """
    using = article._state.db or "default"
    now = _now(using)
    published = _published_params(using, now)
    tag_ids = list(tag_ids)
    ranked = []
    if tag_ids:
        # Each tag's newest links, then the counted tags, then the limit (``_ranked_sql``).
        for tag_id in tag_ids:
            ranked += [tag_id, now, article.pk, RELATED_PER_TAG]
        ranked += [*tag_ids, limit]
    params = [
        *tag_ids,
        *published,
        article.pk,
        *published,
        article.pk,
        article.section_id,
        limit,
        *ranked,
        limit,
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(_related_sql(using, len(tag_ids)), params)
        rows = cursor.fetchall()
    related = []
    for row in rows:
        story = _build(Article, CARD_STORY_FIELDS, row, 0, using)
        start = len(CARD_STORY_FIELDS)
        story.section = _build(Section, SECTION_FIELDS, row, start, using)
        start += len(SECTION_FIELDS)
        story.lead_photo = _build(Image, IMAGE_FIELDS, row, start, using)
        story.author_names = author_names_from_json(row[-2])
        story.shared_tags = row[-1]
        related.append(story)
    return related


@cache
def _ranked_sql(using: str, tag_count: int) -> str:
    """SQL for the ids of the stories sharing most of the story's ``tag_count`` tags.

    Newer first among equals, never the story itself. The candidates are each tag's
    ``RELATED_PER_TAG`` newest public stories, straight from the index on (tag,
    live_from); the shared tags of each candidate are then counted exactly. Parameters:
    for each tag its id, the time, the story's id and ``RELATED_PER_TAG``; then the tags'
    ids and the limit.
    """
    quote = connections[using].ops.quote_name
    links = quote(TaggedArticle._meta.db_table)
    stories = quote(Article._meta.db_table)
    newest = " UNION ".join(
        f"SELECT content_object_id FROM (SELECT content_object_id FROM {links}"
        " WHERE tag_id = %s AND live_from <= %s AND content_object_id <> %s"
        f" ORDER BY live_from DESC, content_object_id DESC LIMIT %s) newest_{n}"
        for n in range(tag_count)
    )
    # Each candidate's shared tags and publication time are read from indexes, one
    # candidate at a time: never by reading every link of a common tag, nor every story.
    shared = (
        f"SELECT COUNT(*) FROM {links} link"
        " WHERE link.content_object_id = candidate.content_object_id"
        f" AND {_on_any_of(tag_count)}"
    )
    published = (
        f"SELECT story.published_at FROM {stories} story"
        " WHERE story.id = candidate.content_object_id"
    )
    return (
        f"SELECT candidate.content_object_id FROM ({newest}) candidate"
        f" ORDER BY ({shared}) DESC, ({published}) DESC, candidate.content_object_id DESC"
        " LIMIT %s"
    )
