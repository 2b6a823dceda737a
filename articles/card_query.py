"""The stories of a list page's cards, by id, with SQL compiled once per process.

``Article.objects.published().for_cards().filter(pk__in=ids)`` costs a list page more
to build (two querysets, a join to the sections and photos, the ``published()``
conditions) than the database takes to answer it. Its SQL never changes but for the
time ``published()`` compares with and the ids, so it is compiled once per database
with marker values in their places, and each page puts in its own: the current time,
and the SQL of the page's ids.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.db import connections
from django.db.models import prefetch_related_objects
from django.utils import timezone

from .models import Article, Image, Section
from .models.stories import CARD_FIELDS

# Stand for the current time and the page's ids while the query is compiled.
MARKER_NOW = datetime(1, 1, 3, tzinfo=UTC)
MARKER_ID = -7_000_001


def columns(model, names=None) -> list[str]:
    """Attribute names of ``model``'s columns (those in ``names``, else all), in model order."""
    fields = model._meta.concrete_fields
    return [f.attname for f in fields if names is None or f.name in names or f.primary_key]


ARTICLE_COLUMNS = columns(Article, CARD_FIELDS)
SECTION_COLUMNS = columns(Section)
IMAGE_COLUMNS = columns(Image)


@dataclass(frozen=True)
class CardQuery:
    """The query in pieces around its ids' placeholder, with what to put back in."""

    pieces: list[str]
    params: list
    now_at: list[int]  # where the marker time sits among the parameters
    ids_at: int
    converters: dict  # column: (functions, expression), as the compiler applies them


@cache
def compiled(alias: str, order_by: tuple[str, ...]) -> CardQuery:
    queryset = (
        Article.objects.using(alias)
        .published(at=MARKER_NOW)
        .filter(pk__in=[MARKER_ID])
        .order_by(*order_by)
        .values_list(
            *ARTICLE_COLUMNS,
            *(f"section__{name}" for name in SECTION_COLUMNS),
            *(f"lead_photo__{name}" for name in IMAGE_COLUMNS),
        )
    )
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    params = list(params)
    now = connections[alias].ops.adapt_datetimefield_value(MARKER_NOW)
    return CardQuery(
        pieces=sql.split("%s"),
        params=params,
        now_at=[n for n, value in enumerate(params) if value == now],
        ids_at=params.index(MARKER_ID),
        converters=compiler.get_converters([column for column, _sql, _alias in compiler.select]),
    )


def card_stories(ids, *, order_by: tuple[str, ...] = ()) -> list[Article]:
    """The published stories among ``ids`` (a ``values("pk")`` queryset, or a list),
    each with its section and photo (and the photo's sizes) read as ``for_cards()`` reads
    them; in ``order_by``'s order, newest first by default."""
    if not hasattr(ids, "query"):
        ids = Article.objects.filter(pk__in=list(ids)).values("pk")
    alias = ids.db
    connection = connections[alias]
    query = compiled(alias, order_by or tuple(Article._meta.ordering))
    ids_sql, ids_params = ids.query.sql_with_params()
    params = list(query.params)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    for n in query.now_at:
        params[n] = now
    params[query.ids_at : query.ids_at + 1] = ids_params
    at = query.ids_at + 1
    sql = "%s".join(query.pieces[:at]) + ids_sql + "%s".join(query.pieces[at:])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return stories_from_rows(alias, [converted(row, query.converters, connection) for row in rows])


def converted(row, converters, connection) -> list:
    """The row as the ORM would give it: dates made aware, booleans, and so on."""
    row = list(row)
    for column, (functions, expression) in converters.items():
        value = row[column]
        for function in functions:
            value = function(value, expression, connection)
        row[column] = value
    return row


def stories_from_rows(alias: str, rows) -> list[Article]:
    n_article, n_section = len(ARTICLE_COLUMNS), len(SECTION_COLUMNS)
    stories, photos = [], []
    for row in rows:
        story = Article.from_db(alias, ARTICLE_COLUMNS, row[:n_article])
        story.section = Section.from_db(
            alias, SECTION_COLUMNS, row[n_article : n_article + n_section]
        )
        photo = None
        if story.lead_photo_id is not None:
            photo = Image.from_db(alias, IMAGE_COLUMNS, row[n_article + n_section :])
            photos.append(photo)
        story.lead_photo = photo
        stories.append(story)
    if photos:
        prefetch_related_objects(photos, "renditions")
    return stories
