"""Public pages. Every list and page starts from ``Article.objects.published()``."""

from django.conf import global_settings, settings
from django.db.models import Exists, F, OuterRef, Q, Subquery, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from . import metadata
from .addresses import bound_address
from .card_query import card_stories
from .cards import cards_with_authors, story_card_lists, story_cards
from .context_processors import menu_sections
from .id_lists import AmongIds
from .languages import LanguageLink, direction, path_without_language, story_url
from .list_subjects import author_by_slug, section_by_slug, tag_by_slug
from .models import (
    Article,
    ArticleRedirect,
    Byline,
    Correction,
    PreviewLink,
    Section,
    TaggedArticle,
)
from .pagination import StoryPaginator
from .periods import years_with_stories
from .story_markup import story_header, story_tags
from .story_parts import StoryParts, read_bylines, read_tags, shown_time
from .story_rows import public_story, related_stories

HOME_LATEST_COUNT = 12
# Any language a story may be written in can filter a list.
STORY_LANGUAGES = frozenset(code for code, _name in global_settings.LANGUAGES)


def cards_by_id(ids):
    """Cards of the stories with these ids, in list order; ``published()`` is asked again."""
    return story_cards(card_stories(ids))


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        latest = card_stories(Article.objects.published().values("pk")[:HOME_LATEST_COUNT])
        shown = [article.pk for article in latest]
        newest_per_section = Section.objects.annotate(
            newest=Subquery(
                Article.objects.published()
                .filter(section=OuterRef("pk"))
                .exclude(pk__in=shown)
                .order_by("-published_at", "-pk")
                .values("pk")[:1]
            )
        ).values("newest")
        section_leads = card_stories(
            newest_per_section, order_by=("section__position", "section__name")
        )
        latest_cards, section_lead_cards = story_card_lists(latest, section_leads)
        return super().get_context_data(
            latest=latest_cards,
            section_leads=section_lead_cards,
            page_meta=metadata.home_page(self.request),
            **kwargs,
        )


class ListMetadataMixin:
    """``heading`` and ``page_meta`` for a paginated list, from what subclasses say of it."""

    def get_heading(self) -> str:
        raise NotImplementedError

    def get_description(self) -> str:
        raise NotImplementedError

    def get_path(self) -> str:
        """The list's address, without ``?page=``."""
        raise NotImplementedError

    def get_query(self) -> dict[str, str]:
        """Filters that make another list, kept in its canonical address."""
        return {}

    def get_trail(self) -> metadata.Trail:
        """Breadcrumbs from below the home page to this list."""
        return [(self.get_heading(), self.get_path())]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        context["heading"] = self.get_heading()
        context["page_meta"] = metadata.list_page(
            self.request,
            path=self.get_path(),
            title=context["heading"],
            description=self.get_description(),
            page_number=page.number if page else 1,
            trail=self.get_trail(),
            query=self.get_query(),
        )
        return context


class StoryListView(ListMetadataMixin, ListView):
    """A paginated list of published stories; subclasses narrow it down.

    ``?language=fr`` keeps the stories written in one language. An unknown language or an
    unknown or out-of-range ``?page=`` gives 404, never a server error. Pages say whether
    an older one exists without counting the list (``articles.pagination``).
    """

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWSROOM_PAGE_SIZE
    allow_empty = True

    def narrow(self, queryset):
        return queryset

    def story_language(self) -> str:
        """The ``?language=`` asked for, "" for every language."""
        code = self.request.GET.get("language", "")
        if code and code not in STORY_LANGUAGES:
            raise Http404(_("No stories are written in that language."))
        return code

    def get_queryset(self):
        queryset = self.narrow(Article.objects.published())
        if language := self.story_language():
            queryset = queryset.filter(language=language)
        return queryset

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return StoryPaginator(queryset, per_page, cards=cards_by_id)

    def get_query(self):
        language = self.story_language()
        return {"language": language} if language else {}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            language_filters=language_filters(self.get_path(), self.story_language()), **kwargs
        )


def language_filters(path: str, current: str) -> list[LanguageLink]:
    """Links to a list's stories in each interface language, first of all in any."""
    links = [
        LanguageLink(
            code="", name=_("All languages"), direction="", url=path, is_current=not current
        )
    ]
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                direction=direction(code),
                url=f"{path}?{urlencode({'language': code})}",
                is_current=code == current,
            )
        )
    return links


class LatestView(StoryListView):
    template_name = "articles/article_latest.html"

    def get_heading(self):
        return _("Latest news")

    def get_description(self):
        return _("The latest news from %(name)s.") % {"name": settings.NEWSROOM_NAME}

    def get_path(self):
        return reverse("articles:latest")

    def get_context_data(self, **kwargs):
        years = years_with_stories(Article.objects.published())
        return super().get_context_data(archive_years=years, **kwargs)


class SectionView(StoryListView):
    template_name = "articles/section_detail.html"

    def narrow(self, queryset):
        self.section = section_by_slug(self.kwargs["slug"])
        if not self.section.has_children:
            # One section: its stories come in order straight from the section's index.
            return queryset.filter(section=self.section)
        # A subquery on the section table, not a join: a page's ids then come from the
        # story index alone.
        sections = Section.objects.filter(Q(pk=self.section.pk) | Q(parent=self.section))
        return queryset.filter(section__in=sections.values("pk"))

    def get_heading(self):
        return self.section.name

    def get_description(self):
        return self.section.description or _("The latest %(section)s stories from %(name)s.") % {
            "section": self.section.name,
            "name": settings.NEWSROOM_NAME,
        }

    def get_path(self):
        return self.section.get_absolute_url()

    def get_trail(self):
        return metadata.section_trail(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section, current_section_slug=self.section.slug, **kwargs
        )


class TagView(StoryListView):
    template_name = "articles/tag_detail.html"

    def narrow(self, queryset):
        self.tag = tag_by_slug(self.kwargs["slug"])
        if self.tag.common:
            on_story = TaggedArticle.objects.filter(tag=self.tag, content_object=OuterRef("pk"))
            return queryset.filter(Exists(on_story))
        tagged = TaggedArticle.objects.filter(tag=self.tag).values("content_object")
        return queryset.filter(AmongIds(F("pk"), tagged))

    def get_heading(self):
        return self.tag.name

    def get_description(self):
        return _("Stories about %(tag)s.") % {"tag": self.tag.name}

    def get_path(self):
        return self.tag.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class AuthorView(StoryListView):
    template_name = "articles/author_detail.html"

    def narrow(self, queryset):
        self.author = author_by_slug(self.kwargs["slug"])
        if self.author.common:
            on_story = Byline.objects.filter(author=self.author, article=OuterRef("pk"))
            return queryset.filter(Exists(on_story))
        written = Byline.objects.filter(author=self.author).values("article")
        return queryset.filter(AmongIds(F("pk"), written))

    def get_heading(self):
        return self.author.name

    def get_description(self):
        return self.author.bio or _("Stories by %(name)s.") % {"name": self.author.name}

    def get_path(self):
        return self.author.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


def story_queryset():
    """The story of a story page with its section and photo, and whether other stories
    translate it and whether it has corrections, in one query.

    For previews and share links: readers' pages read the story with ``public_story``,
    which brings its tags and bylines too; for a story read here, ``render_story`` reads
    them (``articles.story_parts``).
    """
    return Article.objects.select_related("section__parent", "lead_photo").annotate(
        has_translations=Exists(Article.objects.filter(translation_of=OuterRef("pk"))),
        has_corrections=Exists(Correction.objects.filter(article=OuterRef("pk"))),
    )


def keep_private(response):
    """Keep a preview out of search engines and shared caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response


def translation_links(translations) -> list[LanguageLink]:
    """A story's translations, each named in its own language, at its own address."""
    return [
        LanguageLink(
            code=story.language,
            name=get_language_info(story.language)["name_local"],
            direction=story.direction,
            url=story_url(story),
            is_current=False,
        )
        for story in translations
    ]


def render_story(request, article, *, preview=False, share_link=None):
    """The story page exactly as readers see it; a preview is marked and kept private.

    ``article`` comes from ``story_queryset()``. The public page, the admin's Preview
    button and share links all render through here. Only published translations are
    linked, even from a preview.
    """
    if not hasattr(article, "page_tags"):
        # Read by story_queryset() (a preview), not with its tags and authors.
        article.page_tags = read_tags(article.pk, using=article._state.db)
        article.page_authors = read_bylines([article.pk]).get(article.pk, [])
    tags = article.page_tags
    related = related_stories(article, [tag.pk for tag in tags])
    photos = [story.lead_photo for story in [article, *related] if story.lead_photo_id]
    if photos:
        prefetch_related_objects(photos, "renditions")
    corrections = list(article.corrections.all()) if article.has_corrections else []
    parts = StoryParts(authors=article.page_authors, tags=tags, corrections=corrections)
    translations = []
    if article.translation_of_id is not None or article.has_translations:
        translations = list(Article.objects.published().translations_of(article))
    # A reader's story came with the menu's sections; a preview's menu is read as any
    # other page's (context_processors.publication).
    menu = (
        {"nav_sections": menu_sections(article.page_menu)} if hasattr(article, "page_menu") else {}
    )
    # Made once for the page's dozen addresses of sections, tags and authors: each
    # ``address()`` reads the URLconf, script prefix and language again.
    here = bound_address()
    # Worked out once: the page prints the story's language five times.
    text_language = format_html(' lang="{}" dir="{}"', article.language, article.direction)
    response = TemplateResponse(
        request,
        "articles/article_detail.html",
        {
            **menu,
            "article": article,
            "object": article,
            "parts": parts,
            "text_language": text_language,
            "story_header": story_header(
                article,
                parts.authors,
                text_language=text_language,
                show_dek=bool(article.dek) and not article.dek_repeats_lead,
                published=shown_time(article.published_at),
                revised=shown_time(article.revised_at),
                at=here,
            ),
            "story_tags": story_tags(tags, at=here),
            "preview": preview,
            "share_link": share_link,
            "page_meta": metadata.story_page(request, article, parts, translations, at=here),
            "translations": translation_links(translations),
            "related": cards_with_authors(
                related,
                {story.pk: story.author_names for story in related},
            ),
        },
    )
    return keep_private(response) if preview else response


class ArticleDetailView(View):
    """A story page. Staff who may edit stories also see drafts here, marked as a preview.

    An address the story had before its slug or date changed answers 301 to the current one,
    but only for a published story.
    """

    def get_story(self, slug):
        article = public_story(slug)
        if article is None and self.request.user.has_perm("articles.change_article"):
            return story_queryset().filter(slug=slug).first()
        return article

    def get(self, request, *args, **kwargs):
        article = self.get_story(kwargs["slug"])
        path = iri_to_uri(request.path)
        if article is not None and path == article.get_absolute_url():
            return render_story(request, article, preview=not article.is_public)
        moved = (
            ArticleRedirect.objects.public()
            .select_related("article")
            .filter(old_path=path_without_language(path))
            .first()
        )
        if moved is not None:
            return redirect(moved.article, permanent=True)
        if article is not None:
            return redirect(article, permanent=True)
        raise Http404(_("No published story has this address."))


def share_preview(request, signed):
    """One unpublished story, for whoever holds an editor's signed, expiring share link.

    A tampered link is refused before the database is asked; an expired or revoked one
    answers 410 Gone.
    """
    token = PreviewLink.token_from_signed(signed)
    if token is None:
        raise Http404(_("This share link is not valid."))
    link = get_object_or_404(PreviewLink, token=token)
    if link.is_active:
        response = render_story(
            request, story_queryset().get(pk=link.article_id), preview=True, share_link=link
        )
    else:
        response = keep_private(
            TemplateResponse(request, "articles/share_link_gone.html", status=410)
        )
    response["Referrer-Policy"] = "no-referrer"
    return response


class CorrectionListView(ListMetadataMixin, ListView):
    """Every correction and update on a published story, newest first."""

    template_name = "articles/correction_list.html"
    context_object_name = "corrections"
    paginate_by = settings.NEWSROOM_PAGE_SIZE
    allow_empty = True

    def get_queryset(self):
        return Correction.objects.public().select_related("article")

    def get_heading(self):
        return _("Corrections and updates")

    def get_description(self):
        return _("Corrections and updates to stories by %(name)s.") % {
            "name": settings.NEWSROOM_NAME
        }

    def get_path(self):
        return reverse("articles:corrections")
