"""The story page's two main reads: the story itself and its related stories.

Composing these two queries through the ORM cost more CPU than running them (about
1.5 ms each of a page's 10), so each is compiled once per process and database
(``articles.prepared``), from querysets built with marker values that every read
replaces with its own: the current time, the slug, the story, its section and tags.
What readers may see is decided by ``Article.objects.published()`` alone. The story's
tags and bylines, and the related stories' bylines, come in the same rows as JSON
arrays, where each took a round trip of its own.
"""

from django.db import connections
from django.db.models import Exists, IntegerField, OuterRef, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .card_query import MARKER_ID, MARKER_NOW
from .models import Article, Author, Byline, Correction, Image, Section, Tag, TaggedArticle
from .models.stories import CARD_FIELDS
from .prepared import columns, prepared
from .story_parts import (
    author_names_from_json,
    authors_from_json,
    menu_from_json,
    tags_from_json,
)

# Stand for the slug, the story's section, its tags (the first's, the second's, ...; on
# PostgreSQL all of them as one array) and how many of each tag's stories are ranked,
# while the queries are compiled.
MARKER_SLUG = "-story-slug-"
MARKER_SECTION = -7_000_002
MARKER_PER_TAG = -7_000_003
MARKER_TAG = -7_100_000
MARKER_TAGS = (MARKER_TAG,)

# For "related stories", how many of the newest stories carrying each of the story's tags
# are ranked: the cost is bounded by the story's tags, not by how common they are.
RELATED_PER_TAG = 50

STORY_COLUMNS = columns(Article)
CARD_COLUMNS = columns(Article, CARD_FIELDS)
SECTION_COLUMNS = columns(Section)
IMAGE_COLUMNS = columns(Image)


def _json_array_sql(alias: str, values: list[str], source: str) -> str:
    """A scalar subquery: the rows of ``source`` (``FROM ... WHERE ...``) as one JSON array
    of ``[values]`` arrays, in no given order (NULL or "[]" for none)."""
    values = ", ".join(values)
    if connections[alias].vendor == "postgresql":
        return f"SELECT json_agg(json_build_array({values})) {source}"
    return f"SELECT json_group_array(json_array({values})) {source}"


def _column(model, table: str, name: str, quote) -> str:
    return f"{table}.{quote(model._meta.get_field(name).column)}"


def _story_id(alias: str) -> str:
    """The outer story's id, in SQL written around the ORM's."""
    quote = connections[alias].ops.quote_name
    return f"{quote(Article._meta.db_table)}.{quote(Article._meta.pk.column)}"


def _tags_json(alias: str) -> RawSQL:
    """The story's tags: ``[id, name, slug]`` (``story_parts.tags_from_json``)."""
    quote = connections[alias].ops.quote_name
    tag_id, name, slug = (_column(Tag, "tag", field, quote) for field in ("id", "name", "slug"))
    link_tag, link_story = (
        _column(TaggedArticle, "link", field, quote) for field in ("tag", "content_object")
    )
    sql = _json_array_sql(
        alias,
        [tag_id, name, slug],
        f"FROM {quote(TaggedArticle._meta.db_table)} link"
        f" INNER JOIN {quote(Tag._meta.db_table)} tag ON {tag_id} = {link_tag}"
        f" WHERE {link_story} = {_story_id(alias)}",
    )
    return RawSQL(sql, (), output_field=TextField())


def _authors_json(alias: str) -> RawSQL:
    """The story's bylines: ``[author's id, name, slug, position, byline's id]``
    (``story_parts.authors_from_json``)."""
    quote = connections[alias].ops.quote_name
    author_id, name, slug = (
        _column(Author, "author", field, quote) for field in ("id", "name", "slug")
    )
    position, byline_id, byline_author, byline_story = (
        _column(Byline, "byline", field, quote) for field in ("position", "id", "author", "article")
    )
    sql = _json_array_sql(
        alias,
        [author_id, name, slug, position, byline_id],
        f"FROM {quote(Byline._meta.db_table)} byline"
        f" INNER JOIN {quote(Author._meta.db_table)} author ON {author_id} = {byline_author}"
        f" WHERE {byline_story} = {_story_id(alias)}",
    )
    return RawSQL(sql, (), output_field=TextField())


def _menu_json(alias: str) -> RawSQL:
    """The menu's sections: ``[name, slug, position]`` rows of the sections without a
    parent, in menu order on PostgreSQL (``story_parts.menu_from_json``)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = quote(Section._meta.db_table)
    name, slug, parent, position = (
        _column(Section, table, field, quote) for field in ("name", "slug", "parent", "position")
    )
    source = f"FROM {table} WHERE {parent} IS NULL"
    if connection.vendor == "postgresql":
        # In the database's own collation, as plain_queries.top_sections orders them.
        rows = f"json_build_array({name}, {slug}, {position}) ORDER BY {position}, {name}"
        sql = f"SELECT json_agg({rows}) {source}"
    else:
        sql = _json_array_sql(alias, [name, slug, position], source)
    return RawSQL(sql, (), output_field=TextField())


def _now_values(query, alias: str) -> dict:
    """The current time where the compiled query has its marker."""
    adapt = connections[alias].ops.adapt_datetimefield_value
    return dict.fromkeys(query.places(adapt(MARKER_NOW)), adapt(timezone.now()))


def _split(row, *lengths: int) -> list:
    """``row`` cut in parts of these lengths, and what is left as the last part."""
    parts, start = [], 0
    for length in lengths:
        parts.append(row[start : start + length])
        start += length
    return [*parts, row[start:]]


@prepared
def story_query(alias: str):
    return (
        Article.objects.using(alias)
        .published(at=MARKER_NOW)
        .filter(slug=MARKER_SLUG)
        .annotate(
            has_translations=Exists(Article.objects.filter(translation_of=OuterRef("pk"))),
            has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
            tag_rows=_tags_json(alias),
            author_rows=_authors_json(alias),
            menu_rows=_menu_json(alias),
        )
        .order_by()
        .values_list(
            *STORY_COLUMNS,
            *(f"section__{name}" for name in SECTION_COLUMNS),
            *(f"section__parent__{name}" for name in SECTION_COLUMNS),
            *(f"lead_photo__{name}" for name in IMAGE_COLUMNS),
            "has_translations",
            "has_corrections",
            "tag_rows",
            "author_rows",
            "menu_rows",
        )
    )


def public_story(slug: str, *, using: str = "default") -> Article | None:
    """The published story at ``slug``, as ``views.story_queryset()`` reads it, in one query.

    With its section (and the section's parent) and its photo, ``has_translations`` and
    ``has_corrections``, the tags and authors the page shows (``page_tags``, oldest
    tag first, and ``page_authors``, in byline order), and the menu's sections
    (``page_menu``, as ``plain_queries.top_sections`` gives them).
    """
    query = story_query(using)
    rows = query.rows({**_now_values(query, using), query.places(MARKER_SLUG)[0]: slug})
    if not rows:
        return None
    values, section, parent, photo, rest = _split(
        rows[0], len(STORY_COLUMNS), len(SECTION_COLUMNS), len(SECTION_COLUMNS), len(IMAGE_COLUMNS)
    )
    article = Article.from_db(using, STORY_COLUMNS, values)
    article.section = Section.from_db(using, SECTION_COLUMNS, section)
    article.section.parent = Section.from_db(using, SECTION_COLUMNS, parent) if parent[0] else None
    article.lead_photo = Image.from_db(using, IMAGE_COLUMNS, photo) if photo[0] else None
    has_translations, has_corrections, tags, authors, menu = rest
    article.has_translations, article.has_corrections = has_translations, has_corrections
    article.page_tags, article.page_authors = tags_from_json(tags), authors_from_json(authors)
    article.page_menu = menu_from_json(menu, ordered=connections[using].vendor == "postgresql")
    return article


def _one_array(alias: str) -> bool:
    """Whether the story's tags go to the database as one array parameter (PostgreSQL).

    The related query's text and parameters are then the same whatever the number of
    tags, and short enough (under 4,096 characters and 50 parameters) for psycopg to
    convert them once per process rather than on every run.
    """
    return connections[alias].vendor == "postgresql"


def _newest(alias: str, tag_count: int) -> tuple[str, list]:
    """SQL for the ids of each tag's ``RELATED_PER_TAG`` newest public stories (the
    story itself left out), and its parameters (markers)."""
    quote = connections[alias].ops.quote_name
    links = quote(TaggedArticle._meta.db_table)
    marker_now = connections[alias].ops.adapt_datetimefield_value(MARKER_NOW)
    newest = (
        f"SELECT content_object_id FROM {links} WHERE tag_id = {{tag}} AND live_from <= %s"
        " AND content_object_id <> %s ORDER BY live_from DESC, content_object_id DESC LIMIT %s"
    )
    if _one_array(alias):
        sql = (
            "SELECT DISTINCT newest.content_object_id FROM unnest(%s::bigint[]) story_tag(id)"
            f" CROSS JOIN LATERAL ({newest.format(tag='story_tag.id')}) newest"
        )
        return sql, [MARKER_TAGS, marker_now, MARKER_ID, MARKER_PER_TAG]
    sql = " UNION ".join(
        f"SELECT content_object_id FROM ({newest.format(tag='%s')}) newest_{n}"
        for n in range(tag_count)
    )
    tags = [MARKER_TAG - n for n in range(tag_count)]
    return sql, [value for tag in tags for value in (tag, marker_now, MARKER_ID, MARKER_PER_TAG)]


def _ranked(alias: str, tag_count: int, limit: int) -> tuple[str, list]:
    """SQL for the ids of the ``limit`` stories sharing most of the story's ``tag_count``
    tags, and its parameters (markers).

    Newer first among equals, never the story itself. The candidates are each tag's
    ``RELATED_PER_TAG`` newest public stories, straight from the index on (tag,
    live_from); the shared tags of each candidate are then counted exactly. Only the
    candidates sharing at least as many tags as the ``limit``-th most can be among the
    first ``limit``, so only their publication times are looked up to order them.
    """
    stories = connections[alias].ops.quote_name(Article._meta.db_table)
    counted, params = _counted(alias, tag_count)
    # Each candidate's publication time is read from an index, one candidate at a time:
    # never by reading every story.
    published = f"SELECT story.published_at FROM {stories} story WHERE story.id = counted.story_id"
    sql = (
        f"WITH {counted}"
        " SELECT counted.story_id FROM counted WHERE counted.shared >= COALESCE("
        f"(SELECT shared FROM counted ORDER BY shared DESC LIMIT 1 OFFSET {limit - 1}), 0)"
        f" ORDER BY counted.shared DESC, ({published}) DESC, counted.story_id DESC"
        f" LIMIT {limit}"
    )
    return sql, params


def _counted(alias: str, tag_count: int) -> tuple[str, list]:
    """The common table expressions that make ``counted``: each candidate's id
    (``story_id``) and how many of the story's tags it carries (``shared``); and their
    parameters (markers).

    Each candidate's links are found with one search of the (story, tag) index: never
    by reading every link of a common tag. On PostgreSQL the candidates' ids go to that
    index as one array, in one scan for all of them, which costs its CPU less than a
    subquery run for each candidate (about 0.07 ms of 0.9 a story page).
    """
    newest, params = _newest(alias, tag_count)
    if _one_array(alias):
        links = connections[alias].ops.quote_name(TaggedArticle._meta.db_table)
        sql = (
            "counted AS (SELECT link.content_object_id AS story_id, COUNT(*) AS shared"
            f" FROM {links} link WHERE link.content_object_id = ANY(ARRAY({newest}))"
            " AND +link.tag_id = ANY(%s::bigint[]) GROUP BY link.content_object_id)"
        )
        return sql, [*params, MARKER_TAGS]
    shared, shared_params = _shared(alias, "candidate.content_object_id", tag_count)
    sql = (
        f"candidate AS ({newest}), counted AS (SELECT content_object_id AS story_id,"
        f" ({shared}) AS shared FROM candidate)"
    )
    return sql, params + shared_params


def _shared(alias: str, story_id: str, tag_count: int) -> tuple[str, list]:
    """SQL counting the story's links to any of ``tag_count`` tags, and its parameters
    (markers for the tags).

    The unary plus keeps the tag out of the index search: the story's few links are
    found with one search on the story and checked in turn, where ``IN`` made SQLite
    search the (story, tag) index once for every tag, for every candidate.
    """
    quote = connections[alias].ops.quote_name
    if _one_array(alias):
        tags, params = "= ANY(%s::bigint[])", [MARKER_TAGS]
    else:
        tags = f"IN ({', '.join(['%s'] * tag_count)})"
        params = [MARKER_TAG - n for n in range(tag_count)]
    sql = (
        f"SELECT COUNT(*) FROM {quote(TaggedArticle._meta.db_table)} link"
        f" WHERE link.content_object_id = {story_id} AND +link.tag_id {tags}"
    )
    return sql, params


@prepared
def related_query(alias: str, tag_count: int, limit: int):
    """``related_stories``' query for a story with ``tag_count`` tags (on PostgreSQL, 1
    for any number: the tags are one array)."""
    stories = Article.objects.using(alias).published(at=MARKER_NOW).exclude(pk=MARKER_ID)
    newest = (
        stories.filter(section_id=MARKER_SECTION).order_by("-published_at", "-pk").values("pk")
    )[:limit]
    sql, params = newest.query.get_compiler(using=alias).as_sql()
    wanted = f"SELECT * FROM ({sql}) newest_in_section"
    shared = Value(0, output_field=IntegerField())
    if tag_count:
        # The section's newest and the best ranked are read together, then put in order
        # by the tags each shares with the story.
        ranked, ranked_params = _ranked(alias, tag_count, limit)
        wanted += f" UNION SELECT * FROM ({ranked}) ranked"
        params = (*params, *ranked_params)
        shared = RawSQL(*_shared(alias, _story_id(alias), tag_count), output_field=IntegerField())
    return (
        stories.filter(pk__in=RawSQL(wanted, params))
        .annotate(author_rows=_authors_json(alias), shared_tags=shared)
        .order_by("-shared_tags", "-published_at", "-pk")
        .values_list(
            *CARD_COLUMNS,
            *(f"section__{name}" for name in SECTION_COLUMNS),
            *(f"lead_photo__{name}" for name in IMAGE_COLUMNS),
            "author_rows",
            "shared_tags",
        )[:limit]
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
    tag_ids = list(tag_ids)
    one_array = _one_array(using)
    # With the tags as one array, one statement serves any number of tags but none.
    query = related_query(using, min(len(tag_ids), 1) if one_array else len(tag_ids), limit)
    values = _now_values(query, using)
    markers = {MARKER_ID: article.pk, MARKER_SECTION: article.section_id}
    if tag_ids:
        markers[MARKER_PER_TAG] = RELATED_PER_TAG
        if one_array:
            markers[MARKER_TAGS] = tag_ids
        else:
            markers.update((MARKER_TAG - n, tag_id) for n, tag_id in enumerate(tag_ids))
    for marker, value in markers.items():
        values.update(dict.fromkeys(query.places(marker), value))
    related = []
    for row in query.rows(values):
        story, section, photo, (authors, shared) = _split(
            row, len(CARD_COLUMNS), len(SECTION_COLUMNS), len(IMAGE_COLUMNS)
        )
        story = Article.from_db(using, CARD_COLUMNS, story)
        story.section = Section.from_db(using, SECTION_COLUMNS, section)
        story.lead_photo = Image.from_db(using, IMAGE_COLUMNS, photo) if photo[0] else None
        story.author_names = author_names_from_json(authors)
        story.shared_tags = shared
        related.append(story)
    return related
