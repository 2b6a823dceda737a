from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag as TaggitTag

from . import services
from .admin_versioning import VersionedArticleAdmin
from .models import Article, Author, Byline, Section, Tag

# Newsroom tags live in articles.Tag; taggit's own, unused table would only confuse editors.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)


class BylineInline(admin.TabularInline):
    model = Byline
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order)")


@admin.register(Article)
class ArticleAdmin(VersionedArticleAdmin):
    list_display = ["headline", "status", "section", "byline", "tag_list", "published_at"]
    list_filter = ["status", "section", "tags", "bylines__author", "language"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section"]
    inlines = [BylineInline]
    actions = ["publish_selected", "return_to_draft"]
    readonly_fields = ["source_path", "created_at", "created_by", "updated_at", "updated_by"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        (_("Placement"), {"fields": ["section", "tags", "dateline", "language"]}),
        (_("Publishing"), {"fields": ["status", "published_at"]}),
        (
            _("History"),
            {
                "classes": ["collapse"],
                "fields": ["created_at", "created_by", "updated_at", "updated_by", "source_path"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("bylines__author", "tags")

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        news = Section.objects.filter(slug="news").first()
        if news is not None:
            initial.setdefault("section", news.pk)
        return initial

    @admin.display(description=_("authors"))
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description=_("tags"))
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    def save_model(self, request, obj, form, change):
        services.article_save(
            article=obj, user=request.user, expected_version=form.cleaned_data.get("base_version")
        )

    @admin.action(description=_("Publish selected stories"), permissions=["change"])
    def publish_selected(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.PUBLISHED):
            with self.unless_changed_meanwhile(request, article):
                services.article_publish(article=article, user=request.user)
                count += 1
        self.message_user(
            request,
            ngettext("%d story published.", "%d stories published.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Return selected stories to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        count = 0
        for article in queryset.exclude(status=Article.Status.DRAFT):
            with self.unless_changed_meanwhile(request, article):
                services.article_unpublish(article=article, user=request.user)
                count += 1
        self.message_user(
            request,
            ngettext("%d story returned to draft.", "%d stories returned to draft.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position", "story_count"]
    ordering = ["position", "name"]
    list_editable = ["position"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("articles"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, section):
        return section.story_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "user", "story_count"]
    ordering = ["name"]
    list_select_related = ["user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("bylines"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, author):
        return author.story_count


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "story_count"]
    ordering = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("tagged_articles"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, tag):
        return tag.story_count
