import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageCms

from articles.models import Article, Image, Rendition
from articles.photos import ensure_renditions, process_upload

from .factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    picture_bytes,
    picture_upload,
)
from .test_admin import article_form_data

pytestmark = pytest.mark.django_db

ADD_PHOTO = reverse("admin:articles_image_add")
PHOTO_LIST = reverse("admin:articles_image_changelist")
ORIENTATION = 0x0112
GPS_IFD = 0x8825
NOT_A_PICTURE = "This file is not a JPEG, PNG, WebP or GIF picture."
DAMAGED = "This picture is damaged or incomplete"


def stored_files(media_root):
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def png_header(width, height):
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def camera_jpeg():
    """As a phone writes it: GPS, camera make, XMP, a comment, a colour profile, and
    orientation 6 (turn a quarter right to view). Stored 40 × 20, left red, right blue."""
    picture = PILImage.new("RGB", (40, 20), "red")
    picture.paste("blue", (20, 0, 40, 20))
    exif = PILImage.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "SourceCam"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (36.0, 45.0, 7.5), 3: "E", 4: (3.0, 3.0, 30.0)})
    buffer = io.BytesIO()
    picture.save(
        buffer,
        "JPEG",
        quality=95,
        exif=exif,
        comment=b"secret-source comment",
        xmp=b"<x:xmpmeta>secret-source xmp</x:xmpmeta>",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    return buffer.getvalue()


def half_transparent_png(size=(40, 30)):
    picture = PILImage.new("RGBA", size, (0, 128, 0, 255))
    picture.paste((0, 0, 0, 0), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def assert_no_metadata(path):
    data = path.read_bytes()
    for secret in [b"secret-source", b"SourceCam", b"Exif", b"xmpmeta", b"ICC_PROFILE"]:
        assert secret not in data, (path, secret)
    with PILImage.open(path) as picture:
        assert not picture.getexif(), path
        for key in ["exif", "xmp", "comment", "icc_profile"]:
            assert key not in picture.info, (path, key)


def add_photo(client, upload, **fields):
    data = {"file": upload, "alt_text": "Crowd outside parliament", "caption": "", "credit": ""}
    data.update(fields)
    return client.post(ADD_PHOTO, data)


# Each bad upload: the file, the message the editor sees, and settings for the case.
BAD_UPLOADS = {
    "HTML named .jpg": (
        lambda: SimpleUploadedFile(
            "photo.jpg", b"<!DOCTYPE html><script>alert(1)</script>", content_type="image/jpeg"
        ),
        NOT_A_PICTURE,
        {},
    ),
    "SVG": (
        lambda: SimpleUploadedFile(
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
            content_type="image/svg+xml",
        ),
        NOT_A_PICTURE,
        {},
    ),
    "text file": (
        lambda: SimpleUploadedFile("notes.png", b"Meeting at noon.\n", content_type="image/png"),
        NOT_A_PICTURE,
        {},
    ),
    "truncated JPEG": (
        lambda: SimpleUploadedFile(
            "cut.jpg",
            picture_bytes((300, 200), color="navy", quality=95)[:400],
            content_type="image/jpeg",
        ),
        DAMAGED,
        {},
    ),
    "decompression bomb": (
        lambda: SimpleUploadedFile("bomb.png", png_header(50_000, 50_000), "image/png"),
        "A photo can have at most 40 million pixels",
        {},
    ),
    "too many pixels": (
        lambda: SimpleUploadedFile("huge.png", png_header(8000, 6000), "image/png"),
        "This picture is 8000 × 6000 pixels, too large.",
        {},
    ),
    "too many bytes": (
        lambda: picture_upload(size=(64, 48)),
        "a photo can be at most 300\xa0bytes.",
        {"NEWSROOM_PHOTO_MAX_BYTES": 300},
    ),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_bad_upload_is_refused_on_the_field_and_nothing_is_stored(
    editor_client, settings, media_root, case
):
    make_file, message, overrides = BAD_UPLOADS[case]
    for name, value in overrides.items():
        setattr(settings, name, value)
    response = add_photo(editor_client, make_file())
    assert response.status_code == 200
    assert message in response.text
    assert message in str(response.context["adminform"].form.errors["file"])
    assert Image.objects.count() == 0
    assert Rendition.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pillow_warning_about_a_large_picture_is_a_refusal(settings, monkeypatch):
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 1_000_000
    monkeypatch.setattr(PILImage, "MAX_IMAGE_PIXELS", 1000)  # 40 × 40 is over it: a warning
    with pytest.raises(ValidationError, match="at most 1 million pixels"):
        process_upload(picture_upload(size=(40, 40)))


def test_a_lower_pixel_limit_comes_from_the_settings(settings):
    settings.NEWSROOM_PHOTO_MAX_PIXELS = 1000
    with pytest.raises(ValidationError, match="40 × 40 pixels"):
        process_upload(picture_upload(size=(40, 40)))


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        process_upload(SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"))


def test_camera_photo_is_stored_upright_without_any_metadata(editor_client, editor, media_root):
    with PILImage.open(io.BytesIO(camera_jpeg())) as sent:
        assert sent.getexif().get_ifd(GPS_IFD)[1] == "N"
    upload = SimpleUploadedFile("house-of-our-source.jpg", camera_jpeg(), "image/jpeg")
    response = add_photo(editor_client, upload, caption="The square at dusk", credit="Photo: APS")
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.uploaded_by == editor
    assert (image.width, image.height) == (20, 40)
    assert image.file.name.startswith("photos/")
    assert "source" not in image.file.name
    original = media_root / image.file.name
    with PILImage.open(original) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (20, 40)
        upright = stored.convert("RGB")
        assert upright.getpixel((10, 5))[0] > 200  # the left, red half is now on top
        assert upright.getpixel((10, 35))[2] > 200
    assert_no_metadata(original)
    renditions = list(image.renditions.all())
    assert {(r.width, r.height, r.format) for r in renditions} == {
        (20, 40, "webp"),
        (20, 40, "jpeg"),
    }
    for rendition in renditions:
        assert_no_metadata(media_root / rendition.file.name)


def test_transparent_png_keeps_its_transparency_and_falls_back_to_png(media_root):
    image = ImageFactory(file=SimpleUploadedFile("logo.png", half_transparent_png(), "image/png"))
    with PILImage.open(image.file.path) as stored:
        assert stored.format == "PNG"
        assert stored.getpixel((0, 0))[3] == 0
    assert {r.format for r in image.renditions.all()} == {"webp", "png"}
    png = image.renditions.get(format="png")
    with PILImage.open(png.file.path) as rendition:
        assert rendition.mode == "RGBA"
        assert rendition.getpixel((0, 0))[3] == 0
        assert rendition.getpixel((39, 29))[3] == 255


def test_opaque_png_gets_a_jpeg_fallback():
    image = ImageFactory(
        file=picture_upload(name="chart.png", image_format="PNG", mode="RGBA", color="teal")
    )
    assert {r.format for r in image.renditions.all()} == {"webp", "jpeg"}


def test_one_pixel_gif_is_accepted():
    image = ImageFactory(file=picture_upload(name="dot.gif", size=(1, 1), image_format="GIF"))
    assert (image.width, image.height) == (1, 1)
    assert image.file.name.endswith(".gif")
    assert {(r.width, r.format) for r in image.renditions.all()} == {(1, "webp"), (1, "jpeg")}


def test_animated_gif_is_stored_as_its_first_frame():
    frames = [PILImage.new("P", (10, 10), index) for index in (1, 2)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255])
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=b"secret")
    image = ImageFactory(file=SimpleUploadedFile("anim.gif", buffer.getvalue(), "image/gif"))
    with PILImage.open(image.file.path) as stored:
        assert getattr(stored, "n_frames", 1) == 1
        assert stored.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
        assert "comment" not in stored.info


def test_phone_multi_picture_jpeg_is_stored_as_a_plain_jpeg():
    first, second = PILImage.new("RGB", (30, 20), "red"), PILImage.new("RGB", (30, 20), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    clean = process_upload(SimpleUploadedFile("phone.jpg", buffer.getvalue(), "image/jpeg"))
    assert clean.format == "JPEG"
    assert clean.file.name.endswith(".jpg")
    assert PILImage.open(clean.file).format == "JPEG"


def test_webp_upload_is_kept_as_webp():
    clean = process_upload(picture_upload(name="x.webp", image_format="WEBP"))
    assert clean.format == "WEBP"
    assert (clean.width, clean.height) == (64, 48)


def test_renditions_are_never_wider_than_the_photo():
    image = ImageFactory(file=picture_upload(size=(1000, 500)))
    widths = sorted({r.width for r in image.renditions.all()})
    assert widths == [320, 640, 960, 1000]
    big = ImageFactory(file=picture_upload(size=(2000, 100)))
    assert max(r.width for r in big.renditions.all()) == 1600


def test_renditions_are_made_once_and_reused(client, media_root):
    photo = ImageFactory(file=picture_upload(size=(700, 400)), caption="Cap", credit="Cred")
    article = ArticleFactory(lead_photo=photo)
    files, rows = stored_files(media_root), list(Rendition.objects.values_list("pk", flat=True))
    assert len(rows) == 6
    for _ in range(2):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert client.get("/latest/").status_code == 200
    assert ensure_renditions(photo) == []
    assert stored_files(media_root) == files
    assert list(Rendition.objects.values_list("pk", flat=True)) == rows


def test_missing_renditions_are_made_and_existing_ones_kept():
    photo = ImageFactory(file=picture_upload(size=(700, 400)))
    kept = set(photo.renditions.exclude(width=640).values_list("pk", flat=True))
    photo.renditions.filter(width=640).delete()
    made = ensure_renditions(photo)
    assert {(r.width, r.format) for r in made} == {(640, "webp"), (640, "jpeg")}
    assert kept < set(photo.renditions.values_list("pk", flat=True))


def story_figure(html):
    start = html.index('<figure class="story-photo" lang="en" dir="ltr">')
    return html[start : html.index("</figure>", start)]


def test_story_page_shows_the_lead_photo_responsive_and_not_lazy(client):
    photo = ImageFactory(
        file=picture_upload(size=(700, 400)),
        alt_text='Minister says "yes" to reporters',
        caption="The minister in Algiers.",
        credit="Photo: APS",
    )
    article = ArticleFactory(lead_photo=photo)
    html = client.get(article.get_absolute_url()).text
    figure = story_figure(html)
    assert html.index("</header>") < html.index("<figure") < html.index('class="story-body"')
    assert "<picture>" in figure
    assert '<source type="image/webp" srcset="' in figure
    for width in [320, 640, 700]:
        assert f"-{width}w.webp {width}w" in figure
        assert f"-{width}w.jpeg {width}w" in figure
    assert "960w" not in figure
    assert 'sizes="(min-width: 44rem) 42rem, calc(100vw - 2rem)"' in figure
    assert 'width="700" height="400"' in figure
    assert 'alt="Minister says &quot;yes&quot; to reporters"' in figure
    assert 'fetchpriority="high"' in figure
    assert 'loading="lazy"' not in html
    assert (
        "<figcaption>The minister in Algiers. "
        '<span class="photo-credit">Photo: APS</span></figcaption>'
    ) in figure


def test_story_without_a_photo_has_no_figure(client):
    article = ArticleFactory()
    html = client.get(article.get_absolute_url()).text
    assert "<figure" not in html
    assert "<picture" not in html


def test_cards_show_small_lazy_photos(client):
    section = SectionFactory()
    ArticleFactory(section=section, lead_photo=ImageFactory(alt_text="Harbour cranes"))
    ArticleFactory(section=section)
    for url in ["/", "/latest/", section.get_absolute_url()]:
        html = client.get(url).text
        assert html.count('<picture class="card-photo">') == 1, url
        assert 'alt="Harbour cranes" loading="lazy" decoding="async"' in html, url
        assert "fetchpriority" not in html, url


def changelist_queries(client, **params):
    client.get(PHOTO_LIST, params)  # warm per-process caches; count the steady state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PHOTO_LIST, params)
    assert response.status_code == 200
    return len(queries), response


def test_photo_list_shows_thumbnails_in_a_fixed_number_of_queries(editor_client):
    ArticleFactory(lead_photo=ImageFactory(credit="Photo: APS"))
    few, response = changelist_queries(editor_client)
    assert response.text.count('-64w.webp" width="80" height="60"') == 1
    assert "Photo: APS" in response.text
    for _ in range(6):
        ArticleFactory(lead_photo=ImageFactory())
    many, response = changelist_queries(editor_client)
    assert response.text.count('-64w.webp" width="80" height="60"') == 7
    assert many == few


def test_photo_search_by_alt_text_caption_and_credit(editor_client):
    ImageFactory(alt_text="Harbour cranes", caption="Oran port", credit="Photo: Reuters")
    ImageFactory(alt_text="Football crowd")
    for term in ["cranes", "Oran", "Reuters"]:
        _count, response = changelist_queries(editor_client, q=term)
        assert "Oran port" in response.text, term
        assert "Football crowd" not in response.text, term


def test_photo_page_shows_preview_size_and_the_stories_using_it(editor_client):
    photo = ImageFactory(file=picture_upload(size=(700, 400)))
    article = ArticleFactory(headline="Port reopens", lead_photo=photo)
    response = editor_client.get(reverse("admin:articles_image_change", args=[photo.pk]))
    html = response.text
    assert '-640w.webp" width="480" height="274"' in html
    assert reverse("admin:articles_article_change", args=[article.pk]) in html
    assert "Port reopens" in html
    assert 'name="width"' not in html and 'name="height"' not in html
    assert 'accept="image/jpeg,image/png,image/webp,image/gif"' in html


def test_editing_the_caption_keeps_the_picture_and_its_renditions(editor_client):
    photo = ImageFactory()
    renditions = set(photo.renditions.values_list("pk", flat=True))
    response = editor_client.post(
        reverse("admin:articles_image_change", args=[photo.pk]),
        {"alt_text": photo.alt_text, "caption": "New caption", "credit": ""},
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "New caption"
    assert set(photo.renditions.values_list("pk", flat=True)) == renditions


def test_replacing_the_picture_removes_the_old_files(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    photo = ImageFactory()
    old_files = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_image_change", args=[photo.pk]),
            {
                "file": picture_upload(size=(500, 300)),
                "alt_text": photo.alt_text,
                "caption": "",
                "credit": "",
            },
        )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (500, 300)
    assert {r.width for r in photo.renditions.all()} == {320, 500}
    new_files = stored_files(media_root)
    assert not set(old_files) & set(new_files)
    assert len(new_files) == 5


def test_unused_photo_is_deleted_with_its_files(
    editor_client, media_root, django_capture_on_commit_callbacks
):
    photo = ImageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:articles_image_delete", args=[photo.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not Rendition.objects.exists()
    assert stored_files(media_root) == []


def test_photo_in_use_cannot_be_deleted(editor_client, media_root):
    photo = ImageFactory(alt_text="Harbour cranes")
    ArticleFactory(headline="Port reopens", lead_photo=photo)
    files = stored_files(media_root)
    url = reverse("admin:articles_image_delete", args=[photo.pk])
    for response in [
        editor_client.get(url),
        editor_client.post(url, {"post": "yes"}),
        editor_client.post(
            PHOTO_LIST, {"action": "delete_selected", "_selected_action": [photo.pk], "post": "yes"}
        ),
    ]:
        assert response.status_code == 200
        assert "Cannot delete photo" in response.text
        assert "would require deleting the following protected related objects" in response.text
        assert "Port reopens" in response.text
    assert Image.objects.filter(pk=photo.pk).exists()
    assert stored_files(media_root) == files


def test_editor_picks_a_lead_photo_for_a_story(editor_client):
    photo = ImageFactory(alt_text="Harbour cranes")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "cranes",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_photo",
        },
    )
    assert response.json()["results"][0]["id"] == str(photo.pk)
    form = editor_client.get(reverse("admin:articles_article_add"))
    assert 'name="lead_photo"' in form.text
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(lead_photo=photo.pk)
    )
    assert response.status_code == 302
    assert Article.objects.get(slug="written-in-admin").lead_photo == photo
