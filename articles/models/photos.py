import posixpath
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _


def photo_upload_to(instance: "Image", filename: str) -> str:
    """A dated path with a random name: the uploader's file name never reaches readers."""
    extension = posixpath.splitext(filename)[1].lower()
    return f"photos/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


def rendition_upload_to(instance: "Rendition", filename: str) -> str:
    """Beside the original: ``photos/2026/05/<name>-640w.webp``."""
    stem = posixpath.splitext(instance.image.file.name)[0]
    return f"{stem}-{instance.width}w.{instance.format}"


class Image(models.Model):
    file = models.ImageField(
        _("picture file"),
        upload_to=photo_upload_to,
        help_text=_(
            "A JPEG, PNG, WebP or GIF picture. Hidden details such as camera data and GPS "
            "location are removed when it is saved; an animated GIF keeps only its first frame."
        ),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_(
            "Describe the picture for people who cannot see it: who or what it shows and "
            "where. Screen readers read this aloud."
        ),
    )
    caption = models.CharField(
        _("caption"), max_length=500, blank=True, help_text=_("Shown under the photo.")
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_('Who took or supplied the photo, such as "Photo: APS".'),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    width = models.PositiveIntegerField(_("width (pixels)"), editable=False)
    height = models.PositiveIntegerField(_("height (pixels)"), editable=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return Truncator(self.caption or self.alt_text).chars(80)


class Rendition(models.Model):
    """A resized copy of a photo, made once when the photo is uploaded and reused after."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    image = models.ForeignKey(
        Image, verbose_name=_("photo"), on_delete=models.CASCADE, related_name="renditions"
    )
    width = models.PositiveIntegerField(_("width (pixels)"))
    height = models.PositiveIntegerField(_("height (pixels)"))
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    file = models.ImageField(_("file"), upload_to=rendition_upload_to)

    class Meta:
        ordering = ["width", "format"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [
            models.UniqueConstraint(
                fields=["image", "width", "format"], name="unique_photo_rendition"
            )
        ]

    def __str__(self):
        return f"{self.image} ({self.width}w {self.format})"
