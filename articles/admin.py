from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from js_asset import Media
from taggit.models import Tag as TaggitTag

from . import (
    admin_audit,  # noqa: F401  (registers the audit log)
    admin_photos,  # noqa: F401  (registers the photo library)
    roles,
    services,
    staging,
)
from .admin_previews import StoryPreviewAdminMixin
from .admin_versioning import VersionedArticleAdmin
from .models import Article, Author, Byline, Correction, Section, StagedEdit, Tag
from .slugs import SlugAdminMixin

# Newsroom tags live in articles.Tag; taggit's own, unused table would only confuse editors.
if admin.site.is_registered(TaggitTag):
    admin.site.unregister(TaggitTag)


class PendingScheduleForm(forms.Form):
    publish_at = forms.SplitDateTimeField(label=_("Publish at"), widget=AdminSplitDateTime)

    def clean_publish_at(self):
        value = self.cleaned_data["publish_at"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future, or publish now."))
        return value


class BylineInline(admin.TabularInline):
    model = Byline
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    extra = 1
    verbose_name = _("author")
    verbose_name_plural = _("byline (in order)")


class CorrectionInline(admin.StackedInline):
    model = Correction
    fields = ["kind", "published_at", "text", "created_by"]
    readonly_fields = ["created_by"]
    extra = 0
    verbose_name = _("correction or update")
    verbose_name_plural = _("corrections and updates (readers see them under the story)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(Article)
class ArticleAdmin(SlugAdminMixin, StoryPreviewAdminMixin, VersionedArticleAdmin):
    change_list_template = "admin/articles/article/change_list.html"
    list_display = ["headline", "state", "section", "byline", "tag_list", "published_at"]
    list_filter = ["status", "section", "tags", "bylines__author", "language"]
    list_select_related = ["section"]
    search_fields = ["headline", "dek", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["section", "lead_photo", "translation_of"]
    inlines = [BylineInline, CorrectionInline]
    actions = ["publish_selected", "return_to_draft", "submit_for_review"]
    readonly_fields = [
        "source_path",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "published_by",
        "revised_at",
    ]
    # Fields only an editor with the publish permission may set.
    publishing_fields = ["published_at", "embargo_until"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body"]}),
        (_("Photo"), {"fields": ["lead_photo"]}),
        (
            _("Placement"),
            {"fields": ["section", "tags", "dateline", "language", "translation_of", "credit"]},
        ),
        (
            _("Publishing"),
            {"fields": ["status", "published_at", "embargo_until", "published_by", "revised_at"]},
        ),
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

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.can_publish(request.user):
            fields += self.publishing_fields
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not roles.can_publish(request.user):
            kwargs["choices"] = [
                (value, label)
                for value, label in Article.Status.choices
                if value != Article.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return roles.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None or roles.can_publish(request.user):
            return super().has_delete_permission(request, obj)
        return super().has_delete_permission(request, obj) and roles.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        news = Section.objects.filter(slug="news").first()
        if news is not None:
            initial.setdefault("section", news.pk)
        return initial

    def changelist_view(self, request, extra_context=None):
        scheduled = Article.objects.scheduled().select_related("section")[:5]
        return super().changelist_view(
            request, {"scheduled_next": scheduled, **(extra_context or {})}
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, object_id)
        if request.method == "GET" and article is not None and article.is_embargoed:
            self.message_user(
                request,
                _(
                    "Embargoed until %(time)s: this story is hidden everywhere on the public "
                    "site until then, even though it may be published."
                )
                % {
                    "time": date_format(
                        timezone.localtime(article.embargo_until), "DATETIME_FORMAT"
                    )
                },
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("status"), ordering="status")
    def state(self, article):
        """The status, with when a published story actually goes live."""
        if article.is_embargoed:
            when = date_format(timezone.localtime(article.embargo_until), "DATETIME_FORMAT")
            return _("Embargoed until %(time)s") % {"time": when}
        if article.is_scheduled:
            when = date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
            return _("Scheduled for %(time)s") % {"time": when}
        return article.get_status_display()

    @admin.display(description=_("authors"))
    def byline(self, article):
        return ", ".join(author.name for author in article.byline_authors)

    @admin.display(description=_("tags"))
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.all())

    def is_staging(self, request, obj) -> bool:
        """The editor chose "Save as pending change" on a published story."""
        return (
            "_stage" in request.POST
            and obj.pk is not None
            and Article.objects.filter(pk=obj.pk, status=Article.Status.PUBLISHED).exists()
        )

    def save_model(self, request, obj, form, change):
        if self.is_staging(request, obj):
            values = {name: getattr(obj, name) for name in StagedEdit.STAGED_FIELDS}
            stored = Article.objects.get(pk=obj.pk)
            staging.staged_edit_save(article=stored, user=request.user, values=values)
            request._staged = True
            return
        version = form.cleaned_data.get("base_version")
        if "status" in form.changed_data and obj.status == Article.Status.PUBLISHED:
            services.article_publish(article=obj, user=request.user, expected_version=version)
        else:
            services.article_save(article=obj, user=request.user, expected_version=version)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_staged", False):
            return  # only the text is staged; tags and byline stay as they are
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "_staged", False):
            return gettext_noop("Saved a pending change")
        return super().construct_change_message(request, form, formsets, add)

    def response_change(self, request, obj):
        if getattr(request, "_staged", False):
            self.message_user(
                request,
                _(
                    "Saved as a pending change. Readers still see the live text until you "
                    "publish or schedule the change. Tag and byline changes were not saved."
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_stage"] = (
            obj is not None
            and obj.status == Article.Status.PUBLISHED
            and roles.can_publish(request.user)
        )
        context["staged_edit"] = StagedEdit.objects.filter(article=obj).first() if obj else None
        # The rich-text editor's inline import map runs under admin's Content-Security-Policy
        # by carrying this request's nonce (see newsroom/content_security.py).
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/pending/<str:operation>/",
                self.admin_site.admin_view(self.pending_change_view),
                name="articles_article_pending",
            ),
            *super().get_urls(),
        ]

    def pending_change_view(self, request, object_id, operation):
        """Publish, schedule or discard a story's pending change (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not roles.can_publish(request.user):
            raise PermissionDenied
        staged = get_object_or_404(StagedEdit, article_id=object_id)
        if operation == "publish":
            staging.staged_edit_publish(staged=staged, user=request.user)
            self.message_user(request, _("The pending change is live."), messages.SUCCESS)
        elif operation == "discard":
            staging.staged_edit_discard(staged=staged, user=request.user)
            self.message_user(request, _("The pending change was discarded."), messages.SUCCESS)
        elif operation == "schedule":
            form = PendingScheduleForm(request.POST)
            if not form.is_valid():
                self.message_user(request, form.errors.as_text(), messages.ERROR)
            else:
                at = form.cleaned_data["publish_at"]
                staging.staged_edit_schedule(staged=staged, user=request.user, at=at)
                self.message_user(
                    request,
                    _("The pending change goes live at %(time)s.")
                    % {"time": date_format(timezone.localtime(at), "DATETIME_FORMAT")},
                    messages.SUCCESS,
                )
        else:
            raise Http404
        return HttpResponseRedirect(reverse("admin:articles_article_change", args=[object_id]))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            if correction.pk is None:
                services.correction_add(
                    article=form.instance,
                    kind=correction.kind,
                    text=correction.text,
                    user=request.user,
                    at=correction.published_at,
                )
            else:
                services.correction_save(correction=correction, user=request.user)
        for correction in formset.deleted_objects:
            services.correction_delete(correction=correction, user=request.user)

    @admin.action(description=_("Publish selected stories"), permissions=["publish"])
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

    @admin.action(description=_("Return selected stories to draft"), permissions=["publish"])
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

    @admin.action(description=_("Submit selected drafts for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        submitted, refused = 0, 0
        for article in queryset.filter(status=Article.Status.DRAFT):
            if roles.can_edit(request.user, article):
                with self.unless_changed_meanwhile(request, article):
                    services.article_submit_for_review(article=article, user=request.user)
                    submitted += 1
            else:
                refused += 1
        self.message_user(
            request,
            ngettext(
                "%d story submitted for review.", "%d stories submitted for review.", submitted
            )
            % submitted,
            messages.SUCCESS,
        )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%d story is not yours to submit.",
                    "%d stories are not yours to submit.",
                    refused,
                )
                % refused,
                messages.WARNING,
            )


@admin.register(Section)
class SectionAdmin(SlugAdminMixin, admin.ModelAdmin):
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
class AuthorAdmin(SlugAdminMixin, admin.ModelAdmin):
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
class TagAdmin(SlugAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "story_count"]
    ordering = ["name"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_count=Count("tagged_articles"))

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, tag):
        return tag.story_count
