import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .stories import Article

SIGNER_SALT = "newsroom.preview"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A secret link that shows one unpublished story to someone without a login."""

    article = models.ForeignKey(
        Article, verbose_name=_("story"), on_delete=models.CASCADE, related_name="preview_links"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_('Who the link is for, such as "for our lawyer". Only the newsroom sees it.'),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("works until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self):
        return self.note or str(_("share link"))

    def get_absolute_url(self):
        signed = signing.Signer(salt=SIGNER_SALT).sign(self.token)
        return reverse("articles:share-preview", kwargs={"signed": signed})

    @staticmethod
    def token_from_signed(signed: str) -> str | None:
        """The token inside a link's signed value, or None when it was tampered with."""
        try:
            return signing.Signer(salt=SIGNER_SALT).unsign(signed)
        except signing.BadSignature:
            return None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
