from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EditSession(models.Model):
    """Someone has a story open in admin. Kept in the database so every app server sees it."""

    article = models.ForeignKey(
        "Article",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="edit_sessions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField(_("opened"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("editing session")
        verbose_name_plural = _("editing sessions")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="unique_edit_session")
        ]

    def __str__(self):
        return f"{self.user} editing {self.article_id}"
