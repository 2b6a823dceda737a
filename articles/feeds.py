"""RSS feeds, built on django.contrib.syndication."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.translation import gettext as _

from .models import Correction

FEED_SIZE = 30


class CorrectionsFeed(Feed):
    """Corrections and updates on published stories, newest first."""

    link = reverse_lazy("articles:corrections")
    item_guid_is_permalink = False

    def title(self):
        return _("Corrections and updates · %(name)s") % {"name": settings.NEWSROOM_NAME}

    def description(self):
        return _("Corrections, updates and clarifications to stories by %(name)s.") % {
            "name": settings.NEWSROOM_NAME
        }

    def items(self):
        return Correction.objects.public().select_related("article")[:FEED_SIZE]

    def item_title(self, correction):
        return f"{correction.get_kind_display()}: {correction.article.headline}"

    def item_description(self, correction):
        # Readers treat an item's description as HTML; the correction is plain text.
        return escape(correction.text)

    def item_guid(self, correction):
        # Stays the same when the story's address changes.
        return f"urn:uuid:{correction.uid}"

    def item_pubdate(self, correction):
        return correction.published_at
