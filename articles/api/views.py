"""The API's endpoints. Every story comes from ``Article.objects.published()``."""

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.views.decorators.http import require_GET
from ninja import NinjaAPI, Path, Query, Router
from ninja.openapi.docs import Swagger
from ninja.pagination import paginate
from ninja.renderers import JSONRenderer

from ..models import Article, Author, Section, Tag
from ..templatetags.json_ld import SCRIPT_ESCAPES
from .pagination import CursorPagination
from .schemas import (
    SLUG_PATTERN,
    AuthorOut,
    Problem,
    SectionOut,
    StoryDetail,
    StoryFilters,
    StorySummary,
    TagSummary,
    ValidationProblem,
)


class SafeJSONRenderer(JSONRenderer):
    """UTF-8 JSON in which no text can open markup, even if pasted into a page's script."""

    json_dumps_params = {"ensure_ascii": False}
    escapes = {**SCRIPT_ESCAPES, 0x2028: "\\u2028", 0x2029: "\\u2029"}

    def render(self, request, data, *, response_status):
        return (
            super().render(request, data, response_status=response_status).translate(self.escapes)
        )


api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=(
        "Published stories, sections, tags and authors, read-only. Lists come a page at a "
        "time, newest story first: follow each page's `next` address until it is null."
    ),
    urls_namespace="api",
    renderer=SafeJSONRenderer(),
    # Swagger UI comes from this site's own static files, with the online validator off:
    # the docs page loads nothing from elsewhere.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_decorator=require_GET,
)

NOT_FOUND = "Nothing published has this address."
# What an operation may answer besides 200: the schema names every status it can give.
LIST_ERRORS = {422: ValidationProblem}
DETAIL_ERRORS = {404: Problem, 422: ValidationProblem}

stories = Router(tags=["stories"])
sections = Router(tags=["sections"])
tags = Router(tags=["tags"])
authors = Router(tags=["authors"])


def published_stories() -> QuerySet[Article]:
    return Article.objects.published().with_related()


def public_tags() -> QuerySet[Tag]:
    """Tags on at least one published story: a tag used only on drafts stays unknown."""
    return Tag.objects.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk"))))


def public_authors() -> QuerySet[Author]:
    """Authors with at least one published story."""
    return Author.objects.filter(
        Exists(Article.objects.published().filter(bylines__author=OuterRef("pk")))
    )


def found(queryset: QuerySet, **lookup):
    """The one row ``lookup`` finds, or 404: unknown and unpublished answer alike."""
    row = queryset.filter(**lookup).first()
    if row is None:
        raise Http404(NOT_FOUND)
    return row


def slug_path(description: str):
    return Path(..., pattern=SLUG_PATTERN, max_length=255, description=description)


@stories.get("/", response={200: list[StorySummary], **LIST_ERRORS}, summary="Published stories")
@paginate(CursorPagination, ordering=("-published_at", "-pk"))
def story_list(request: HttpRequest, filters: Query[StoryFilters]):
    """Newest first. Filters combine: a story must match every one given."""
    return filters.filter(published_stories().defer("body"))


@stories.get("/{story_id}/", response={200: StoryDetail, **DETAIL_ERRORS}, summary="A story")
def story_detail(request: HttpRequest, story_id: int):
    return found(published_stories().prefetch_related("corrections"), pk=story_id)


@sections.get("/", response={200: list[SectionOut], **LIST_ERRORS}, summary="Sections")
@paginate(CursorPagination, ordering=("position", "name", "pk"))
def section_list(request: HttpRequest):
    """In menu order, subsections included."""
    return Section.objects.select_related("parent")


@sections.get("/{slug}/", response={200: SectionOut, **DETAIL_ERRORS}, summary="A section")
def section_detail(request: HttpRequest, slug: str = slug_path("The section's slug.")):
    return found(Section.objects.select_related("parent"), slug=slug)


@tags.get("/", response={200: list[TagSummary], **LIST_ERRORS}, summary="Tags on published stories")
@paginate(CursorPagination, ordering=("name", "pk"))
def tag_list(request: HttpRequest):
    return public_tags()


@tags.get("/{slug}/", response={200: TagSummary, **DETAIL_ERRORS}, summary="A tag")
def tag_detail(request: HttpRequest, slug: str = slug_path("The tag's slug.")):
    return found(public_tags(), slug=slug)


@authors.get(
    "/", response={200: list[AuthorOut], **LIST_ERRORS}, summary="Authors of published stories"
)
@paginate(CursorPagination, ordering=("name", "pk"))
def author_list(request: HttpRequest):
    return public_authors()


@authors.get("/{slug}/", response={200: AuthorOut, **DETAIL_ERRORS}, summary="An author")
def author_detail(request: HttpRequest, slug: str = slug_path("The author's slug.")):
    return found(public_authors(), slug=slug)


api.add_router("/stories", stories)
api.add_router("/sections", sections)
api.add_router("/tags", tags)
api.add_router("/authors", authors)
