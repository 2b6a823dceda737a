"""The section, tag or author a list page is about, found by its slug.

Each is one query with an annotation that tells the list how to read its stories (a
section's children, a tag's or an author's size), compiled once per process
(``articles.prepared``): building it took longer than running it.
"""

from django.db import router
from django.db.models import Exists, OuterRef
from django.http import Http404

from .models import Author, Byline, Section, Tag, TaggedArticle
from .prepared import columns, prepared

# Stands for the slug asked for while the queries are compiled.
MARKER_SLUG = "-slug-"

# A tag or an author on more stories than this has its list read by walking the list of
# published stories in page order, on its index, keeping the tag's (or author's) stories
# and stopping once the page is full: a few rows for a tag on every other story. Fewer,
# and the list is read the other way round: the tag's stories, then sorted, which costs
# as many rows as the tag has stories (tens of milliseconds for a tag on half of 10,000),
# but no more, however rare the tag.
COMMON_LINKS = 1000

SECTION_COLUMNS = columns(Section)


def has_more_than(links, count: int) -> Exists:
    """Whether the queryset ``links`` has more than ``count`` rows; reads ``count`` + 1."""
    return Exists(links[count : count + 1])


@prepared
def section_query(alias: str):
    return (
        Section.objects.using(alias)
        .filter(slug=MARKER_SLUG)
        .annotate(has_children=Exists(Section.objects.filter(parent=OuterRef("pk"))))
        .order_by()
        .values_list(
            *SECTION_COLUMNS, *(f"parent__{name}" for name in SECTION_COLUMNS), "has_children"
        )
    )


# What links stories to a tag or an author, and the link's field naming it.
LINKS = {Tag: (TaggedArticle, "tag"), Author: (Byline, "author")}


@prepared
def counted_query(alias: str, model, common_links: int):
    """``model`` (a tag or an author) by slug, and ``common``."""
    link, field = LINKS[model]
    links = link.objects.filter(**{field: OuterRef("pk")})
    return (
        model.objects.using(alias)
        .filter(slug=MARKER_SLUG)
        .annotate(common=has_more_than(links, common_links))
        .order_by()
        .values_list(*columns(model), "common")
    )


def one_row(query, slug: str, model):
    rows = query.rows({query.places(MARKER_SLUG)[0]: slug})
    if not rows:
        raise Http404(f"No {model._meta.object_name} matches the given query.")
    return rows[0]


def section_by_slug(slug: str) -> Section:
    """The section, its parent, and ``has_children``; 404 if there is none."""
    query = section_query(router.db_for_read(Section))
    row = one_row(query, slug, Section)
    size = len(SECTION_COLUMNS)
    section = Section.from_db(query.alias, SECTION_COLUMNS, row[:size])
    parent = None
    if section.parent_id is not None:
        parent = Section.from_db(query.alias, SECTION_COLUMNS, row[size : 2 * size])
    section.parent = parent
    section.has_children = row[-1]
    return section


def counted_by_slug(model, slug: str):
    """The tag or author, and ``common``; 404 if there is none."""
    query = counted_query(router.db_for_read(model), model, COMMON_LINKS)
    row = one_row(query, slug, model)
    found = model.from_db(query.alias, columns(model), row[:-1])
    found.common = row[-1]
    return found


def tag_by_slug(slug: str) -> Tag:
    return counted_by_slug(Tag, slug)


def author_by_slug(slug: str) -> Author:
    return counted_by_slug(Author, slug)
