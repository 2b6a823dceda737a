"""The stories of a list page's cards, by id, with SQL compiled once per process.

``Article.objects.published().for_cards().filter(pk__in=ids)`` costs a list page more
to build (two querysets, a join to the sections and photos, the ``published()``
conditions) than the database takes to answer it. Its SQL is the same on every page
but for the time ``published()`` compares with and the page's ids
(``articles.prepared``).
"""

from datetime import UTC, datetime

from django.db import connections
from django.db.models import prefetch_related_objects
from django.utils import timezone

from .models import Article, Image, Section
from .models.stories import CARD_FIELDS
from .prepared import columns, prepared

# Stand for the current time and the page's ids while the query is compiled.
MARKER_NOW = datetime(1, 1, 3, tzinfo=UTC)
MARKER_ID = -7_000_001

ARTICLE_COLUMNS = columns(Article, CARD_FIELDS)
SECTION_COLUMNS = columns(Section)
IMAGE_COLUMNS = columns(Image)


@prepared
def card_query(alias: str, order_by: tuple[str, ...]):
    return (
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


def card_stories(ids, *, order_by: tuple[str, ...] = ()) -> list[Article]:
    """The published stories among ``ids`` (a ``values("pk")`` queryset, or a list),
    each with its section and photo (and the photo's sizes) read as ``for_cards()`` reads
    them; in ``order_by``'s order, newest first by default."""
    if not hasattr(ids, "query"):
        ids = Article.objects.filter(pk__in=list(ids)).values("pk")
    query = card_query(ids.db, order_by or tuple(Article._meta.ordering))
    adapt = connections[query.alias].ops.adapt_datetimefield_value
    now, marker_now = adapt(timezone.now()), adapt(MARKER_NOW)
    rows = query.rows(
        dict.fromkeys(query.places(marker_now), now),
        subquery=(query.places(MARKER_ID)[0], ids),
    )
    return stories_from_rows(query.alias, rows)


def stories_from_rows(alias: str, rows) -> list[Article]:
    """Stories with their sections and photos, as ``select_related()`` would make them."""
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
