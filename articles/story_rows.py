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

from .models import Article, Correction, Image, Section, TaggedArticle
from .models.stories import CARD_FIELDS

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
    query = Article.objects.published(now=STAND_IN_TIME).query
    sql, params = query.where.as_sql(query.get_compiler(using=using), connection)
    stand_in = _TIME_FIELD.get_db_prep_value(STAND_IN_TIME, connection)
    return f"({sql})", tuple(None if param == stand_in else param for param in params)


def published_condition(using: str) -> tuple[str, list]:
    """SQL and parameters of ``published()``'s condition, as of now."""
    sql, params = _published_condition(using)
    now = _TIME_FIELD.get_db_prep_value(timezone.now(), connections[using])
    return sql, [now if param is None else param for param in params]


def _fields(model: type[Model], names=None) -> tuple:
    fields = model._meta.concrete_fields
    return tuple(field for field in fields if names is None or field.attname in names)


def _columns(table: str, fields, quote) -> str:
    return ", ".join(f"{table}.{quote(field.column)}" for field in fields)


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


def public_story(slug: str, *, using: str = "default") -> Article | None:
    """The published story at ``slug``, as ``views.story_queryset()`` reads it, in one query.

    With its section (and the section's parent) and its photo, and ``has_translations``
    and ``has_corrections``.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    stories = quote(Article._meta.db_table)
    sections = quote(Section._meta.db_table)
    article_fields = _fields(Article)
    section_fields = _fields(Section)
    image_fields = _fields(Image)
    published, params = published_condition(using)
    sql = (
        f"SELECT {_columns(stories, article_fields, quote)},"
        f" {_columns('section', section_fields, quote)},"
        f" {_columns('parent', section_fields, quote)},"
        f" {_columns('photo', image_fields, quote)},"
        f" EXISTS (SELECT 1 FROM {stories} translation"
        f" WHERE translation.translation_of_id = {stories}.{quote('id')}),"
        f" EXISTS (SELECT 1 FROM {quote(Correction._meta.db_table)} correction"
        f" WHERE correction.article_id = {stories}.{quote('id')})"
        f" FROM {stories}"
        f" INNER JOIN {sections} section ON section.{quote('id')} = {stories}.section_id"
        f" LEFT OUTER JOIN {sections} parent ON parent.{quote('id')} = section.parent_id"
        f" LEFT OUTER JOIN {quote(Image._meta.db_table)} photo"
        f" ON photo.{quote('id')} = {stories}.lead_photo_id"
        f" WHERE {stories}.{quote('slug')} = %s AND {published}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [slug, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    article = _build(Article, article_fields, row, 0, using)
    start = len(article_fields)
    section = _build(Section, section_fields, row, start, using)
    start += len(section_fields)
    section.parent = _build(Section, section_fields, row, start, using)
    start += len(section_fields)
    article.section = section
    article.lead_photo = _build(Image, image_fields, row, start, using)
    start += len(image_fields)
    article.has_translations, article.has_corrections = (bool(value) for value in row[start:])
    return article


def related_stories(article: Article, tag_ids: list[int], *, limit: int = 5) -> list[Article]:
    """Up to ``limit`` other published stories for ``article``'s page, ready for cards.

    Stories sharing the most tags come first, newer first among equals; when fewer than
    ``limit`` share a tag, the newest stories of the same section fill the list. Only the
    ``RELATED_PER_TAG`` newest public stories of each of the story's tags (``tag_ids``)
    are ranked, read from the tag links' index, so the work is the same whether a tag is
    on ten stories or on a hundred thousand. One query; the stories come with their
    section and photo and the card's columns alone.
    """
    using = article._state.db or "default"
    connection = connections[using]
    quote = connection.ops.quote_name
    stories = quote(Article._meta.db_table)
    story_id = f"{stories}.{quote('id')}"
    published, published_params = published_condition(using)
    # The section's newest and the best ranked are read together, then put in order by
    # the tags each shares with the story; only stories published() lets through are shown.
    wanted = (
        f"SELECT {story_id} FROM {stories} WHERE {published} AND {story_id} <> %s"
        f" AND {stories}.section_id = %s"
        f" ORDER BY {stories}.{quote('published_at')} DESC, {story_id} DESC LIMIT %s"
    )
    wanted_params = [*published_params, article.pk, article.section_id, limit]
    shared = "0"
    shared_params = []
    if tag_ids:
        ranked, ranked_params = _ranked_by_shared_tags(article, tag_ids, limit, using=using)
        wanted = f"SELECT * FROM ({wanted}) newest_in_section UNION SELECT * FROM ({ranked}) ranked"
        wanted_params += ranked_params
        shared = (
            f"SELECT COUNT(*) FROM {quote(TaggedArticle._meta.db_table)} link"
            f" WHERE link.content_object_id = {story_id}"
            f" AND link.tag_id IN ({', '.join(['%s'] * len(tag_ids))})"
        )
        shared_params = list(tag_ids)
    else:
        wanted = f"SELECT * FROM ({wanted}) newest_in_section"
    article_fields = _fields(Article, CARD_COLUMNS)
    section_fields = _fields(Section)
    image_fields = _fields(Image)
    sql = (
        f"SELECT {_columns(stories, article_fields, quote)},"
        f" {_columns('section', section_fields, quote)},"
        f" {_columns('photo', image_fields, quote)}, ({shared}) AS shared_tags"
        f" FROM {stories}"
        f" INNER JOIN {quote(Section._meta.db_table)} section"
        f" ON section.{quote('id')} = {stories}.section_id"
        f" LEFT OUTER JOIN {quote(Image._meta.db_table)} photo"
        f" ON photo.{quote('id')} = {stories}.lead_photo_id"
        f" WHERE {published} AND {story_id} <> %s AND {story_id} IN ({wanted})"
        f" ORDER BY shared_tags DESC, {stories}.{quote('published_at')} DESC, {story_id} DESC"
        " LIMIT %s"
    )
    params = [*shared_params, *published_params, article.pk, *wanted_params, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    related = []
    for row in rows:
        story = _build(Article, article_fields, row, 0, using)
        start = len(article_fields)
        story.section = _build(Section, section_fields, row, start, using)
        start += len(section_fields)
        story.lead_photo = _build(Image, image_fields, row, start, using)
        story.shared_tags = row[-1]
        related.append(story)
    return related


def _ranked_by_shared_tags(
    article: Article, tag_ids: list[int], limit: int, *, using: str
) -> tuple[str, list]:
    """SQL and parameters for the ids of the stories sharing most of ``tag_ids``.

    Newer first among equals, never ``article`` itself. The candidates are each tag's
    ``RELATED_PER_TAG`` newest public stories, straight from the index on (tag,
    live_from); the shared tags of each candidate are then counted exactly.
    """
    connection = connections[using]
    links = connection.ops.quote_name(TaggedArticle._meta.db_table)
    stories = connection.ops.quote_name(Article._meta.db_table)
    newest = " UNION ".join(
        f"SELECT content_object_id FROM (SELECT content_object_id FROM {links}"
        " WHERE tag_id = %s AND live_from <= %s AND content_object_id <> %s"
        f" ORDER BY live_from DESC, content_object_id DESC LIMIT %s) newest_{n}"
        for n in range(len(tag_ids))
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = []
    for tag_id in tag_ids:
        params += [tag_id, now, article.pk, RELATED_PER_TAG]
    # Each candidate's shared tags and publication time are read from indexes, one
    # candidate at a time: never by reading every link of a common tag, nor every story.
    shared = (
        f"SELECT COUNT(*) FROM {links} link"
        " WHERE link.content_object_id = candidate.content_object_id"
        f" AND link.tag_id IN ({', '.join(['%s'] * len(tag_ids))})"
    )
    published = (
        f"SELECT story.published_at FROM {stories} story"
        " WHERE story.id = candidate.content_object_id"
    )
    return (
        f"SELECT candidate.content_object_id FROM ({newest}) candidate"
        f" ORDER BY ({shared}) DESC, ({published}) DESC, candidate.content_object_id DESC"
        " LIMIT %s",
        [*params, *tag_ids, limit],
    )
