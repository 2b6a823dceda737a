"""Photo uploads: refuse what is not a real picture, strip hidden details, make renditions.

``process_upload()`` reads one file and touches no database: it returns a clean,
re-encoded copy or raises ``ValidationError`` with a message for the editor.
``photo_save()`` and ``photo_delete()`` are the only writers of photos and their files.
"""

import io
import struct
import warnings
from dataclasses import dataclass
from functools import cache, partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

from . import page_cache
from .models import Image, Rendition

# Pillow's names of the formats accepted, and the extension each is stored with. Pillow
# reads the multi-picture JPEGs many phones write as "MPO"; they are stored as plain JPEG.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
SAVE_OPTIONS = {
    "JPEG": {"quality": 90, "optimize": True, "progressive": True},
    "PNG": {},
    "WEBP": {"quality": 90, "method": 4},
    "GIF": {},
}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1600)
RENDITION_OPTIONS = {
    Rendition.Format.WEBP: ("WEBP", {"quality": 80, "method": 4}),
    Rendition.Format.JPEG: ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    Rendition.Format.PNG: ("PNG", {"optimize": True}),
}
# What a broken or hostile file can make Pillow raise while it is decoded.
DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error)


@dataclass(frozen=True)
class CleanPhoto:
    """An upload that passed every check, re-encoded without metadata."""

    file: ContentFile
    width: int
    height: int
    format: str


def process_upload(upload: File) -> CleanPhoto:
    """Check ``upload`` and return it re-encoded, or raise ``ValidationError``.

    Only the decoded content counts, never the file name or the browser's content type.
    EXIF orientation is applied and colour profiles are converted to sRGB; then only the
    pixels are kept, so EXIF, GPS, XMP, comments and profiles are all dropped. An animated
    picture keeps its first frame only.
    """
    size = upload.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > settings.NEWSROOM_PHOTO_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s; a photo can be at most %(limit)s.")
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.NEWSROOM_PHOTO_MAX_BYTES),
            },
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns, rather than refuses, up to twice its own pixel limit.
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(upload, formats=list(EXTENSIONS)) as original:
                image_format = "JPEG" if original.format == "MPO" else original.format
                check_pixels(*original.size)
                original.load()
                picture = pixels_only(original, image_format)
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
        raise ValidationError(too_many_pixels_message(), code="too_many_pixels") from None
    except UnidentifiedImageError:
        raise ValidationError(
            _(
                "This file is not a JPEG, PNG, WebP or GIF picture. Other files, such as SVG "
                "drawings, HEIC photos, PDFs or web pages, cannot be used; export the picture "
                "as JPEG or PNG first."
            ),
            code="not_a_picture",
        ) from None
    except DECODING_ERRORS:
        raise ValidationError(
            _(
                "This picture is damaged or incomplete (perhaps its upload or download was cut "
                "short). Export it again and upload the new file."
            ),
            code="damaged",
        ) from None
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **SAVE_OPTIONS[image_format])
    return CleanPhoto(
        file=ContentFile(buffer.getvalue(), name=f"photo.{EXTENSIONS[image_format]}"),
        width=picture.width,
        height=picture.height,
        format=image_format,
    )


def check_pixels(width: int, height: int) -> None:
    """Refuse a picture whose header claims too many pixels, before decoding it."""
    if width * height > settings.NEWSROOM_PHOTO_MAX_PIXELS:
        raise ValidationError(
            _("This picture is %(width)s × %(height)s pixels, too large. %(limit)s")
            % {"width": width, "height": height, "limit": too_many_pixels_message()},
            code="too_many_pixels",
        )


def too_many_pixels_message() -> str:
    return _(
        "A photo can have at most %(millions)s million pixels; make it smaller and upload it again."
    ) % {"millions": f"{settings.NEWSROOM_PHOTO_MAX_PIXELS / 1_000_000:g}"}


def pixels_only(original: PILImage.Image, image_format: str) -> PILImage.Image:
    """A new picture, turned upright, in sRGB, whose only kept detail is transparency."""
    picture = to_srgb(ImageOps.exif_transpose(original))
    mode = picture.mode
    keeps_mode = (
        mode in {"L", "RGB"}
        or (mode in {"LA", "RGBA"} and image_format != "JPEG")
        or (mode == "P" and image_format in {"PNG", "GIF"})
    )
    if mode == "I" or mode.startswith("I;16"):
        picture = picture.convert("I").point(lambda value: value / 256).convert("L")
    elif not keeps_mode:
        transparent = picture.has_transparency_data and image_format != "JPEG"
        picture = picture.convert("RGBA" if transparent else "RGB")
    kept = {"transparency"} if picture.mode in {"P", "L", "RGB"} else set()
    picture.info = {key: value for key, value in picture.info.items() if key in kept}
    return picture


@cache
def srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def to_srgb(picture: PILImage.Image) -> PILImage.Image:
    """Colours as the photographer saw them once the embedded profile is dropped."""
    profile = picture.info.get("icc_profile")
    if not profile or picture.mode not in {"RGB", "RGBA", "CMYK"}:
        return picture
    try:
        return ImageCms.profileToProfile(
            picture,
            ImageCms.ImageCmsProfile(io.BytesIO(profile)),
            srgb_profile(),
            outputMode="RGBA" if picture.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, *DECODING_ERRORS):
        return picture


def rendition_widths(width: int) -> list[int]:
    """The standard widths narrower than the photo, plus the photo's own (up to the widest)."""
    return sorted({w for w in RENDITION_WIDTHS if w < width} | {min(width, RENDITION_WIDTHS[-1])})


def ensure_renditions(image: Image) -> list[Rendition]:
    """Make the renditions ``image`` lacks and return them; existing ones are reused.

    Every width gets a WebP and a fallback: PNG when the photo has transparency, JPEG
    otherwise.
    """
    widths = rendition_widths(image.width)
    have = set(Rendition.objects.filter(image=image).values_list("width", "format"))
    fallbacks = {Rendition.Format.JPEG, Rendition.Format.PNG}
    if all(
        (w, Rendition.Format.WEBP) in have and any((w, f) in have for f in fallbacks)
        for w in widths
    ):
        return []
    made: list[Rendition] = []
    try:
        with image.file.open("rb"), PILImage.open(image.file) as stored:
            source = rendition_source(stored, image, max(widths))
            fallback = Rendition.Format.PNG if source.mode == "RGBA" else Rendition.Format.JPEG
            for width in widths:
                height = max(1, round(image.height * width / image.width))
                resized = source.resize(
                    (width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
                )
                for rendition_format in (Rendition.Format.WEBP, fallback):
                    if (width, rendition_format) in have:
                        continue
                    rendition = Rendition(
                        image=image, width=width, height=height, format=rendition_format
                    )
                    content = ContentFile(encode(resized, rendition_format))
                    rendition.file.save(f"{width}.{rendition_format}", content, save=False)
                    made.append(rendition)
        Rendition.objects.bulk_create(made)
    except BaseException:
        delete_files([rendition.file.name for rendition in made])
        raise
    return made


def rendition_source(stored: PILImage.Image, image: Image, widest: int) -> PILImage.Image:
    """The stored photo decoded for resizing: RGB, or RGBA when some of it is see-through."""
    if stored.format == "JPEG":
        # Decode at a reduced scale that is still at least as large as the widest rendition.
        stored.draft(None, (widest, max(1, round(image.height * widest / image.width))))
    stored.load()
    source = stored.convert("RGBA" if stored.has_transparency_data else "RGB")
    if source.mode == "RGBA" and source.getchannel("A").getextrema()[0] == 255:
        source = source.convert("RGB")
    source.info = {}
    return source


def encode(picture: PILImage.Image, rendition_format: str) -> bytes:
    pillow_format, options = RENDITION_OPTIONS[rendition_format]
    buffer = io.BytesIO()
    picture.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def photo_save(
    *, image: Image, user: AbstractBaseUser | None = None, upload: CleanPhoto | None = None
) -> Image:
    """Save ``image``; with ``upload`` (from ``process_upload()``) its picture is replaced.

    A new picture gets its renditions here, once. The files of a replaced picture are
    deleted when the transaction commits; nothing is left behind if saving fails.
    """
    if image.pk is None and user is not None and user.is_authenticated:
        image.uploaded_by = user
    page_cache.content_changed_on_commit()
    if upload is None:
        image.save()
        return image
    replaced = stored_file_names(image) if image.pk is not None else []
    image.width, image.height = upload.width, upload.height
    image.file.save(upload.file.name, upload.file, save=False)
    try:
        with transaction.atomic():
            image.save()
            Rendition.objects.filter(image=image).delete()
            ensure_renditions(image)
    except BaseException:
        delete_files([image.file.name])
        raise
    transaction.on_commit(partial(delete_files, replaced))
    return image


def photo_delete(*, image: Image) -> None:
    """Delete ``image`` and, once that commits, its files.

    A photo that a story uses raises ``ProtectedError`` and stays.
    """
    names = stored_file_names(image)
    image.delete()
    transaction.on_commit(partial(delete_files, names))


def stored_file_names(image: Image) -> list[str]:
    """The files the database lists for ``image``: its original and its renditions."""
    originals = Image.objects.filter(pk=image.pk).values_list("file", flat=True)
    renditions = Rendition.objects.filter(image_id=image.pk).values_list("file", flat=True)
    return [*originals, *renditions]


def delete_files(names: list[str]) -> None:
    storage = Image._meta.get_field("file").storage
    for name in names:
        if name:
            storage.delete(name)
