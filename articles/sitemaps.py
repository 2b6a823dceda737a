"""Sitemaps, built on django.contrib.sitemaps, and the robots.txt that names them.

Every sitemap lists only what ``Article.objects.published()`` shows readers. Each page
reads only the columns it prints, one page of rows at a time, in a fixed number of
queries however many stories there are.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import IsNull
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from .feeds import xml_safe
from .languages import story_url
from .models import Article, Author, Byline, Section, Tag, TaggedArticle

PAGE_SIZE = 5000
# Google News takes stories from the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_MAX_ITEMS = 1000
# The largest OFFSET both databases take (a signed 64-bit integer); no page lies past it.
LARGEST_OFFSET = 2**63 - 1
# Google News names a few languages its own way; the rest by their ISO 639 code.
NEWS_LANGUAGES = {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}
ROBOTS_DISALLOWED = ("/admin/", "/preview/", "/search/")
# Share links and search results under every other interface language, too.
ROBOTS_DISALLOWED_PER_LANGUAGE = ("/preview/", "/search/")


class FirstKeyPaginator(Paginator):
    """Pages of a queryset ordered by ``(published_at, pk)``, each read from its first key.

    Django's paginator counts every row, then reads the page past an OFFSET that makes
    the database fetch every earlier story. Here only the page's first key is found
    past the offset, in the list index alone, and the page is read from that key on:
    the same rows, in about 25 ms instead of a second for the last page of 100,000
    stories on PostgreSQL.
    """

    def page(self, number):
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        keys = self.object_list.values_list("published_at", "pk")[offset : offset + 1]
        first = next(iter(keys), None)
        if first is None:
            if number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            return Page([], number, self)
        published_at, pk = first
        rows = self.object_list.filter(published_at__gte=published_at).exclude(
            published_at=published_at, pk__lt=pk
        )
        return Page(rows[: self.per_page], number, self)

    def validate_number(self, number):
        """Django's checks but the count: ``page()`` finds a page past the end empty."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number * self.per_page > LARGEST_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        return number


class StorySitemap(Sitemap):
    limit = PAGE_SIZE

    @property
    def paginator(self):
        return FirstKeyPaginator(self._items(), self.limit)

    def items(self):
        # Oldest first, on the (status, published_at) index: new stories go on the last
        # page and earlier pages stay as they were.
        return (
            Article.objects.published()
            .only("slug", "published_at", "revised_at", "language", "translation_of")
            # A hint read from the translation_of index alone; get_urls() keeps the
            # published translations only.
            .annotate(
                has_translations=Exists(Article.objects.filter(translation_of=OuterRef("pk")))
            )
            .order_by("published_at", "pk")
        )

    def location(self, article):
        return story_url(article)

    def get_urls(self, page=1, site=None, protocol=None):
        """Each story with translations names them (and itself) as alternates."""
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        groups = {
            url["item"].translation_group_id
            for url in urls
            if url["item"].translation_of_id or url["item"].has_translations
        }
        members = defaultdict(list)
        if groups:
            for story in (
                Article.objects.published()
                .filter(Q(pk__in=groups) | Q(translation_of_id__in=groups))
                .only("slug", "published_at", "language", "translation_of")
                .order_by("language", "pk")
            ):
                members[story.translation_group_id].append(story)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            group = members.get(url["item"].translation_group_id, [])
            url["alternates"] = [
                {"lang_code": story.language, "location": f"{origin}{story_url(story)}"}
                for story in group
                if len(group) > 1
            ]
        return urls

    def lastmod(self, article):
        return article.revised_at or article.published_at

    def get_latest_lastmod(self):
        # Two walks from the newest end of an index, not an aggregate over every story:
        # the public list index, and the partial index of updated stories (each checked
        # by primary key, so the planner has no other index to prefer).
        newest = (
            Article.objects.published()
            .order_by("-published_at")
            .values_list("published_at", flat=True)
            .first()
        )
        newest_update = (
            Article.objects.filter(revised_at__isnull=False)
            .filter(Exists(Article.objects.published().filter(pk=OuterRef("pk"))))
            .order_by("-revised_at")
            .values_list("revised_at", flat=True)
            .first()
        )
        return max(filter(None, [newest, newest_update]), default=None)


def story_is_public(field: str) -> Exists:
    """True for link rows (tags, bylines) whose story ``field`` is published.

    Correlated on the story's key, the database looks each row's story up by primary key;
    with a plain join SQLite instead walks every published story for each tag or author.
    """
    return Exists(Article.objects.published().filter(pk=OuterRef(field)))


class ListingSitemap(Sitemap):
    """The pages of the sections, tags or authors that have at least one published story."""

    limit = PAGE_SIZE
    model = None

    def has_published_story(self):
        raise NotImplementedError

    def items(self):
        return self.model.objects.filter(self.has_published_story()).only("slug").order_by("pk")


def has_first_row(rows: QuerySet) -> IsNull:
    """True for outer rows for which ``rows`` (correlated on them) has a first row.

    ``Exists`` would do on SQLite, but PostgreSQL turns it into a join over every
    matching story (about 80 ms at 100,000 stories for a dozen sections). A first-row
    subquery is run once per outer row instead, and stops at the first match on the
    index ``rows`` is ordered by.
    """
    return IsNull(Subquery(rows.values("pk")[:1]), False)


def first_public_story_in(section: OuterRef) -> QuerySet:
    """The section's published stories, in the order of its list index."""
    return (
        Article.objects.published()
        .filter(section=section)
        .order_by("section_id", "status", "published_at")
    )


class SectionSitemap(ListingSitemap):
    model = Section

    def has_published_story(self):
        # A section page lists its subsections' stories too.
        in_subsection = Section.objects.filter(parent=OuterRef("pk")).filter(
            has_first_row(first_public_story_in(OuterRef("pk")))
        )
        return has_first_row(first_public_story_in(OuterRef("pk"))) | has_first_row(
            in_subsection.order_by()
        )


class TagSitemap(ListingSitemap):
    model = Tag

    def has_published_story(self):
        return Exists(
            TaggedArticle.objects.filter(tag=OuterRef("pk")).filter(
                story_is_public("content_object")
            )
        )


class AuthorSitemap(ListingSitemap):
    model = Author

    def has_published_story(self):
        return has_first_row(
            Byline.objects.filter(author=OuterRef("pk"))
            .filter(story_is_public("article"))
            .order_by()
        )


class NewsSitemap(Sitemap):
    """Stories for Google News: those published in the last 48 hours, newest first."""

    limit = NEWS_MAX_ITEMS

    def items(self):
        return (
            Article.objects.published()
            .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
            .only("slug", "published_at", "headline", "language")
            .order_by("-published_at", "-pk")[: self.limit]
        )

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        for url in urls:
            article = url["item"]
            url["news"] = {
                "language": news_language(article.language),
                "publication_date": article.published_at.isoformat(timespec="seconds"),
                "title": xml_safe(article.headline),
            }
        return urls


def news_language(code: str) -> str:
    """A Django language code as Google News wants it: "en-gb" is "en", "zh-hans" "zh-cn"."""
    return NEWS_LANGUAGES.get(code, code.split("-")[0])


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}
NEWS_SITEMAPS = {"news": NewsSitemap}


def robots_txt(request):
    disallowed = [*ROBOTS_DISALLOWED]
    disallowed += [
        f"/{code}{path}"
        for code, _name in settings.LANGUAGES
        if code != settings.LANGUAGE_CODE
        for path in ROBOTS_DISALLOWED_PER_LANGUAGE
    ]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), ""]
    lines += [
        f"Sitemap: {request.build_absolute_uri(reverse(name))}"
        for name in ("sitemap", "sitemap-news")
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
