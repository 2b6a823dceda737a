from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .stories import Article


class StagedEdit(models.Model):
    """Changes to a live story that readers do not see until an editor publishes them.

    One per story; publishing copies the text onto the story and removes this row
    (the story's revision history keeps what it was).
    """

    STAGED_FIELDS = ["headline", "dek", "body", "dateline", "credit"]

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, related_name="staged_edit", verbose_name=_("story")
    )
    headline = models.CharField(_("headline"), max_length=255)
    dek = models.TextField(_("standfirst"), blank=True)
    body = models.TextField(_("body"), blank=True)
    dateline = models.CharField(_("dateline"), max_length=100, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("When readers get these changes. Empty: when an editor publishes them."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("pending change")
        verbose_name_plural = _("pending changes")

    def __str__(self):
        return self.headline
