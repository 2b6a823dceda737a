"""The article change page's Preview button and share links, mixed into ArticleAdmin."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import roles, services
from .models import PreviewLink
from .views import render_story, story_queryset

SHARE_LINK_DAYS = [1, 3, 7, 30]


def share_link_lifetimes():
    return [
        (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
        for days in SHARE_LINK_DAYS
    ]


class PreviewLinkForm(forms.Form):
    expires_in = forms.TypedChoiceField(
        label=_("Works for"),
        choices=share_link_lifetimes,
        coerce=lambda days: timedelta(days=int(days)),
        initial=3,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=PreviewLink._meta.get_field("note").help_text,
    )


class StoryPreviewAdminMixin:
    """Preview a story exactly as readers will see it, and share it with a secret link.

    Previewing needs the change permission on the story; creating and revoking share
    links also needs the publish permission, because a link shows an unpublished story
    to people outside the newsroom.
    """

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/preview/",
                view(self.preview_view),
                name="{}_{}_preview".format(*info),
            ),
            path(
                "<path:object_id>/share-links/",
                view(require_POST(self.share_link_create_view)),
                name="{}_{}_share_link_create".format(*info),
            ),
            path(
                "<path:object_id>/share-links/<int:link_id>/revoke/",
                view(require_POST(self.share_link_revoke_view)),
                name="{}_{}_share_link_revoke".format(*info),
            ),
            *super().get_urls(),
        ]

    def may_share(self, request, article) -> bool:
        return self.has_change_permission(request, article) and roles.can_publish(request.user)

    def story_or_404(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(_("No story has this number."))
        return article

    def preview_view(self, request, object_id):
        article = self.story_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        return render_story(request, story_queryset().get(pk=article.pk), preview=True)

    def share_link_create_view(self, request, object_id):
        article = self.story_or_404(request, object_id)
        if not self.may_share(request, article):
            raise PermissionDenied
        form = PreviewLinkForm(request.POST)
        if form.is_valid():
            link = services.preview_link_create(
                article=article,
                user=request.user,
                expires_in=form.cleaned_data["expires_in"],
                note=form.cleaned_data["note"],
            )
            when = date_format(timezone.localtime(link.expires_at), "DATETIME_FORMAT")
            self.message_user(
                request,
                _("Share link created. Anyone who has it can read this story until %(time)s.")
                % {"time": when},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("The share link was not created: choose how long it works."),
                messages.ERROR,
            )
        return self.back_to_share_links(article)

    def share_link_revoke_view(self, request, object_id, link_id):
        article = self.story_or_404(request, object_id)
        if not self.may_share(request, article):
            raise PermissionDenied
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        services.preview_link_revoke(link=link, user=request.user)
        self.message_user(
            request, _("Share link revoked: it no longer opens the story."), messages.SUCCESS
        )
        return self.back_to_share_links(article)

    def back_to_share_links(self, article):
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[article.pk]
        )
        return redirect(f"{url}#share-links")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.may_share(request, obj):
            links = obj.preview_links.active().select_related("created_by")
            context["share_links"] = [
                (link, request.build_absolute_uri(link.get_absolute_url())) for link in links
            ]
            context["share_link_form"] = PreviewLinkForm()
        return super().render_change_form(request, context, add, change, form_url, obj)
