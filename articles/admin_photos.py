from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import photos
from .models import Image

THUMBNAIL_WIDTH = 80
PREVIEW_WIDTH = 480


class ImageForm(forms.ModelForm):
    """Every new picture goes through ``photos.process_upload()``; refusals show on the field."""

    # A plain file field: Django's ImageField would refuse bad files with a vaguer message
    # of its own before ``process_upload()`` could explain why.
    file = forms.FileField(
        label=capfirst(Image._meta.get_field("file").verbose_name),
        widget=AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload = None
        self.fields["file"].help_text = format_html(
            "{} {}",
            Image._meta.get_field("file").help_text,
            gettext("At most %(size)s and %(millions)s million pixels.")
            % {
                "size": filesizeformat(settings.NEWSROOM_PHOTO_MAX_BYTES),
                "millions": f"{settings.NEWSROOM_PHOTO_MAX_PIXELS / 1_000_000:g}",
            },
        )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if isinstance(file, UploadedFile):
            self.upload = photos.process_upload(file)
            return self.upload.file
        return file


def smallest_rendition(image):
    """The narrowest WebP rendition, from the prefetched list; None before any exist."""
    renditions = [r for r in image.renditions.all() if r.format == "webp"]
    return min(renditions, key=lambda r: r.width, default=None)


def picture_tag(image, url, width):
    height = max(1, round(image.height * width / image.width))
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" decoding="async">',
        url,
        width,
        height,
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = [
        "thumbnail",
        "title",
        "credit",
        "dimensions",
        "story_count",
        "uploaded_by",
        "created_at",
    ]
    list_display_links = ["thumbnail", "title"]
    list_select_related = ["uploaded_by"]
    ordering = ["-created_at", "-pk"]
    search_fields = ["alt_text", "caption", "credit"]
    date_hierarchy = "created_at"
    readonly_fields = ["preview", "width", "height", "uploaded_by", "created_at", "used_in"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["file", "alt_text", "caption", "credit"]})]
        return [
            (None, {"fields": ["preview", "file", "alt_text", "caption", "credit"]}),
            (_("Details"), {"fields": ["width", "height", "uploaded_by", "created_at"]}),
            (_("Stories"), {"fields": ["used_in"]}),
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(story_count=Count("lead_articles"))
            .prefetch_related("renditions")
        )

    @admin.display(description=_("photo"))
    def thumbnail(self, image):
        rendition = smallest_rendition(image)
        if rendition is None:
            return "—"
        return picture_tag(image, rendition.file.url, THUMBNAIL_WIDTH)

    @admin.display(description=_("caption or alt text"))
    def title(self, image):
        return str(image)

    @admin.display(description=_("size in pixels"))
    def dimensions(self, image):
        return f"{image.width} × {image.height}"

    @admin.display(description=_("stories"), ordering="story_count")
    def story_count(self, image):
        return image.story_count

    @admin.display(description=_("preview"))
    def preview(self, image):
        webp = [r for r in image.renditions.all() if r.format == "webp"]
        big_enough = [r for r in webp if r.width >= PREVIEW_WIDTH]
        rendition = min(big_enough, key=lambda r: r.width, default=None) or max(
            webp, key=lambda r: r.width, default=None
        )
        url = rendition.file.url if rendition is not None else image.file.url
        return picture_tag(image, url, min(PREVIEW_WIDTH, image.width))

    @admin.display(description=_("lead photo of"))
    def used_in(self, image):
        stories = list(image.lead_articles.order_by("-published_at", "-pk"))
        if not stories:
            return gettext("No story uses this photo yet.")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                (
                    (reverse("admin:articles_article_change", args=[story.pk]), story.headline)
                    for story in stories
                ),
            ),
        )

    def save_model(self, request, obj, form, change):
        photos.photo_save(image=obj, user=request.user, upload=form.upload)

    def delete_model(self, request, obj):
        photos.photo_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            photos.photo_delete(image=image)
