"""Public pages. Every list and page starts from ``Article.objects.published()``."""

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView

from .models import Article, Author, Section, Tag

HOME_LATEST_COUNT = 12


def public_articles():
    return Article.objects.published().with_related()


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        latest = list(public_articles()[:HOME_LATEST_COUNT])
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
        section_leads = public_articles().filter(pk__in=newest_per_section)
        return super().get_context_data(
            latest=latest,
            section_leads=section_leads.order_by("section__position", "section__name"),
            **kwargs,
        )


class StoryListView(ListView):
    """A paginated list of published stories; subclasses narrow it down.

    An unknown or out-of-range ``?page=`` gives 404, never a server error.
    """

    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = settings.NEWSROOM_PAGE_SIZE
    allow_empty = True

    def narrow(self, queryset):
        return queryset

    def get_queryset(self):
        return self.narrow(public_articles())


class LatestView(StoryListView):
    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Latest news"), **kwargs)


class SectionView(StoryListView):
    template_name = "articles/section_detail.html"

    def narrow(self, queryset):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return queryset.filter(Q(section=self.section) | Q(section__parent=self.section))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section=self.section,
            heading=self.section.name,
            current_section_slug=self.section.slug,
            **kwargs,
        )


class TagView(StoryListView):
    template_name = "articles/tag_detail.html"

    def narrow(self, queryset):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return queryset.filter(tags=self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, heading=self.tag.name, **kwargs)


class AuthorView(StoryListView):
    template_name = "articles/author_detail.html"

    def narrow(self, queryset):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return queryset.filter(bylines__author=self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, heading=self.author.name, **kwargs)


class ArticleDetailView(DetailView):
    """A story page. Staff who may edit stories also see drafts here, marked as a preview."""

    context_object_name = "article"

    def get_object(self, queryset=None):
        slug = self.kwargs["slug"]
        try:
            return public_articles().get(slug=slug)
        except Article.DoesNotExist:
            if self.request.user.has_perm("articles.change_article"):
                return get_object_or_404(Article.objects.with_related(), slug=slug)
            raise Http404(_("No published story has this address.")) from None

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url()
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        return super().get_context_data(preview=not self.object.is_public, **kwargs)
