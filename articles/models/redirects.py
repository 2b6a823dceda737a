from django.db import models
from django.utils.translation import gettext_lazy as _

from .stories import Article


class ArticleRedirectQuerySet(models.QuerySet):
    def public(self):
        """Old addresses that still answer: those of stories in ``Article.objects.published()``."""
        return self.filter(article__in=Article.objects.published())


class ArticleRedirect(models.Model):
    """An address a story had before its slug or date changed; it answers 301 to the story."""

    old_path = models.CharField(_("old address"), max_length=2000, unique=True)
    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ArticleRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("old story address")
        verbose_name_plural = _("old story addresses")

    def __str__(self):
        return self.old_path
