"""The admin side of "nothing is lost" for stories.

Revisions (history, a readable diff of any two, restore, recover deleted stories),
optimistic locking on the change form, who else has a story open, and deletes that
need the right to publish once a story has been published. ``ArticleAdmin`` builds
on ``VersionedArticleAdmin``.
"""

from contextlib import contextmanager

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from . import audit, presence, revisions, roles, services
from .locking import StaleEditError
from .models import Article, Byline


def saved_at(article: Article) -> str:
    when = timezone.localtime(article.updated_at)
    if when.date() == timezone.localdate():
        return date_format(when, "H:i")
    return date_format(when, "H:i, j F Y")


def newer_version_message(article: Article) -> str:
    return _(
        "%(name)s saved a newer version at %(time)s while you were editing. Your text is "
        "still in the form below; compare and merge, then save again."
    ) % {
        "name": revisions.person_name(article.updated_by) or _("Someone"),
        "time": saved_at(article),
    }


def revision_author(revision) -> str:
    return revisions.person_name(revision.user) or _("an import or script")


class VersionCheckedForm(forms.ModelForm):
    """Refuses a save made from an older version of the story than the one stored.

    The refused form keeps the editor's text, carries the newer version number so the
    next save goes through, and remembers the newer story for the diff shown above it.
    """

    base_version = forms.IntegerField(
        label=gettext_lazy("version you started from"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["base_version"].initial = self.instance.version
        self.newer = None

    def clean(self):
        cleaned_data = super().clean()
        stored = self.instance
        if stored.pk is not None and cleaned_data.get("base_version") != stored.version:
            self.newer = revisions.snapshot_of_article(stored)
            self.data = self.data.copy()
            self.data[self.add_prefix("base_version")] = stored.version
            raise ValidationError(newer_version_message(stored), code="stale")
        return cleaned_data


def snapshot_of_form(form: forms.ModelForm, formsets) -> dict:
    """What an editor submitted, in the shape of ``revisions.snapshot_of_article``."""
    data = form.cleaned_data
    bylines = []
    for formset in formsets:
        if formset.model is Byline:
            rows = (getattr(byline_form, "cleaned_data", {}) for byline_form in formset.forms)
            bylines = [row for row in rows if row.get("author") and not row.get("DELETE")]
    bylines.sort(key=lambda row: row.get("position") or 0)
    return {
        "headline": data.get("headline", ""),
        "dek": data.get("dek", ""),
        "body": data.get("body", ""),
        "tags": list(data.get("tags") or []),
        "section": str(data.get("section") or ""),
        "status": revisions.status_label(data.get("status", "")),
        "authors": [row["author"].name for row in bylines],
    }


class RestoreForm(forms.Form):
    base_version = forms.IntegerField(
        label=gettext_lazy("version you started from"), widget=forms.HiddenInput
    )


class VersionedArticleAdmin(VersionAdmin):
    form = VersionCheckedForm
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.compare_view),
                name="{}_{}_compare".format(*info),
            ),
            path(
                "<path:object_id>/presence/",
                view(require_POST(self.presence_view)),
                name="{}_{}_presence".format(*info),
            ),
            *super().get_urls(),
        ]

    def _article_to_change(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return article

    def _url(self, name: str, *args) -> str:
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=args,
        )

    # Optimistic locking and who is editing.

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "base_version"]}), *rest]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            self._show_who_is_editing(request, object_id)
        try:
            return super().change_view(request, object_id, form_url, extra_context)
        except StaleEditError:
            # Someone saved between this form's version check and its save. Showing the
            # form again checks again, and now refuses with the newer version's diff.
            return super().change_view(request, object_id, form_url, extra_context)

    def _show_who_is_editing(self, request, object_id) -> None:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            return
        if self.has_change_permission(request, article):
            presence.editing_touch(article=article, user=request.user)
        for session in presence.others_editing(article=article, user=request.user):
            messages.warning(
                request,
                _("%(name)s has had this story open since %(time)s.")
                % {
                    "name": revisions.person_name(session.user),
                    "time": date_format(timezone.localtime(session.started_at), "H:i"),
                },
            )

    def presence_view(self, request, object_id):
        article = self._article_to_change(request, object_id)
        presence.editing_touch(article=article, user=request.user)
        return HttpResponse(status=204)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "newer", None) is not None:
            formsets = [inline.formset for inline in context["inline_admin_formsets"]]
            submitted = snapshot_of_form(form, formsets)
            context["newer_diffs"] = [
                diff for diff in revisions.compare(submitted, form.newer) if diff.changed
            ]
        if change and obj is not None and self.has_change_permission(request, obj):
            context["presence_url"] = self._url("presence", quote(obj.pk))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_change(self, request, obj):
        presence.editing_close(article=obj, user=request.user)
        return super().response_change(request, obj)

    @contextmanager
    def unless_changed_meanwhile(self, request, article: Article):
        """Skip a bulk change to a story someone saved after the list was read, and say so."""
        try:
            yield
        except StaleEditError:
            self.message_user(
                request,
                _("“%(headline)s” was saved by someone else meanwhile and was left as it is.")
                % {"headline": article.headline},
                messages.WARNING,
            )

    # Revisions: one per story, a diff of any two, restore.

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin records a bulk action as one revision of every story it touches;
        # the services record one per story instead, so restoring a story never rewinds
        # the others published with it, and deleting records each story before it goes.
        context = {"has_change_permission": self.has_change_permission(request)}
        return super(VersionAdmin, self).changelist_view(
            request, {**context, **(extra_context or {})}
        )

    def compare_view(self, request, object_id):
        article = self._article_to_change(request, object_id)
        versions = Version.objects.get_for_object(article).select_related("revision__user")
        wanted = {request.GET.get("old", ""), request.GET.get("new", "")}
        picked = sorted(
            versions.filter(revision_id__in=[value for value in wanted if value.isdecimal()]),
            key=lambda version: version.pk,
        )
        if len(picked) != 2:
            messages.error(request, _("Choose two different revisions to compare."))
            return redirect(self._url("history", quote(article.pk)))
        old, new = picked
        diffs = revisions.compare(
            revisions.snapshot_of_version(old), revisions.snapshot_of_version(new)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Changes to “%(headline)s”") % {"headline": article.headline},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "old": old,
            "old_user": revision_author(old.revision),
            "new": new,
            "new_user": revision_author(new.revision),
            "diffs": [diff for diff in diffs if diff.changed],
            "restore_url": self._url("revision", quote(article.pk), old.pk),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/revision_compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """What restoring a revision would change, and the button that restores it."""
        article = self._article_to_change(request, object_id)
        version = (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .filter(pk=version_id)
            .first()
        )
        if version is None:
            raise Http404
        form = RestoreForm(request.POST or None, initial={"base_version": article.version})
        if request.method == "POST":
            if not form.is_valid():
                return HttpResponseBadRequest()
            return self._restore(request, article, version, form.cleaned_data["base_version"])
        current = revisions.snapshot_of_article(article)
        restored = {**revisions.snapshot_of_version(version), "status": current["status"]}
        diffs = revisions.compare(current, restored)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore an earlier revision of “%(headline)s”")
            % {"headline": article.headline},
            "subtitle": None,
            "opts": self.opts,
            "original": article,
            "version": version,
            "version_user": revision_author(version.revision),
            "form": form,
            "diffs": [diff for diff in diffs if diff.changed],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)

    def _restore(self, request, article: Article, version: Version, expected_version: int):
        try:
            services.article_restore(
                article=article,
                version=version,
                user=request.user,
                expected_version=expected_version,
            )
        except StaleEditError:
            article.refresh_from_db()
            self.message_user(
                request,
                _(
                    "%(name)s saved a newer version at %(time)s. Nothing was restored; "
                    "check the differences below again."
                )
                % {
                    "name": revisions.person_name(article.updated_by) or _("Someone"),
                    "time": saved_at(article),
                },
                messages.ERROR,
            )
            return redirect(request.path)
        except (RevertError, IntegrityError) as exc:
            self.message_user(
                request, _("This revision cannot be restored: %s") % exc, messages.ERROR
            )
            return redirect(request.path)
        self.log_change(request, article, _("Restored an earlier revision."))
        self.message_user(
            request,
            _("The revision of %(date)s is restored; it is now the latest revision.")
            % {
                "date": date_format(
                    timezone.localtime(version.revision.date_created), "DATETIME_FORMAT"
                )
            },
            messages.SUCCESS,
        )
        return redirect(self._url("change", quote(article.pk)))

    # Deleting: published stories need the right to publish; every delete is recoverable.

    def may_publish(self, request) -> bool:
        return roles.can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None and obj.has_been_published:
            return self.may_publish(request)
        return allowed

    def recover_view(self, request, version_id, extra_context=None):
        # Bringing back a published story puts it back in front of readers.
        version = Version.objects.get_for_model(self.model).filter(pk=version_id).first()
        if version is None:
            raise Http404
        fields = version.field_dict
        recovered = Article(status=fields["status"], published_by_id=fields["published_by_id"])
        if recovered.has_been_published and not self.may_publish(request):
            raise PermissionDenied
        with transaction.atomic():
            response = super().recover_view(request, version_id, extra_context)
            if request.method == "POST" and response.status_code == 302:
                article = Article.objects.get(pk=version.object_id)
                audit.record(
                    action=audit.Action.RECOVER,
                    user=request.user,
                    obj=article,
                    details={"revision": version.revision_id},
                )
        return response

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions[name] = (type(self).delete_selected_guarded, name, description)
        return actions

    def delete_selected_guarded(self, request, queryset):
        if not self.may_publish(request):
            published = [article for article in queryset if article.has_been_published]
            if published:
                self.message_user(
                    request,
                    ngettext(
                        "%(headlines)s has been published: only someone who may publish "
                        "stories can delete it. Nothing was deleted.",
                        "%(headlines)s have been published: only someone who may publish "
                        "stories can delete them. Nothing was deleted.",
                        len(published),
                    )
                    % {"headlines": ", ".join(f"“{article}”" for article in published)},
                    messages.ERROR,
                )
                return None
        return delete_selected(self, request, queryset)

    def delete_model(self, request, obj):
        services.article_delete(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            services.article_delete(article=article, user=request.user)
