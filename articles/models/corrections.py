import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stories import Article


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections readers may see: those on stories in ``Article.objects.published()``."""
        return self.filter(article__in=Article.objects.published())


class Correction(models.Model):
    """A correction, update or clarification shown to readers under a story."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")
        CLARIFICATION = "clarification", _("Clarification")

    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text=_(
            "Correction: the story got something wrong. Update: something new happened. "
            "Clarification: the story was right but could be misread."
        ),
    )
    text = models.TextField(
        _("text"),
        help_text=_(
            "Plain text that readers see in a box under the story and on the corrections "
            'page, such as "An earlier version of this story gave the wrong date for the '
            'vote. It is on 12 May." Formatting is not kept.'
        ),
    )
    published_at = models.DateTimeField(
        _("time shown"),
        default=timezone.now,
        help_text=_("The time readers see next to the note. Leave it as it is to use now."),
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"correction-{self.pk}"
