import io
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import Article, Author, Byline, Correction, Image, PreviewLink, Section
from articles.photos import photo_save, process_upload


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: 200 + n)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published story from an hour ago, unless told otherwise."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Story number {n} about the news")
    slug = factory.Sequence(lambda n: f"story-{n}")
    dek = "A short summary of the story."
    body = "<p>First paragraph.</p>\n<p>Second paragraph.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def authors(article, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                Byline.objects.create(article=article, author=author, position=position)

    @factory.post_generation
    def tags(article, create, extracted, **kwargs):
        if create and extracted:
            article.tags.set(list(extracted))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT)
        in_review = factory.Trait(status=Article.Status.REVIEW)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    kind = Correction.Kind.CORRECTION
    text = factory.Sequence(lambda n: f"Correction number {n}: the figure was wrong.")


class PreviewLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreviewLink

    article = factory.SubFactory(ArticleFactory, draft=True)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


def user_in_group(group_name: str, **kwargs):
    """A staff user in one of the newsroom's role groups (Reporter, Editor)."""
    from django.contrib.auth.models import Group

    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def picture_bytes(size=(64, 48), *, image_format="JPEG", mode="RGB", color="firebrick", **options):
    """A picture made in memory with Pillow; ``options`` go to ``save()`` (exif, comment...)."""
    buffer = io.BytesIO()
    PILImage.new(mode, size, color).save(buffer, image_format, **options)
    return buffer.getvalue()


def picture_upload(name="photo.jpg", content_type="image/jpeg", **kwargs):
    """An uploaded file as the admin receives it; ``kwargs`` go to ``picture_bytes()``."""
    return SimpleUploadedFile(name, picture_bytes(**kwargs), content_type=content_type)


class ImageFactory(factory.django.DjangoModelFactory):
    """A photo stored the way an upload is: checked, cleaned, with its renditions."""

    class Meta:
        model = Image

    alt_text = factory.Sequence(lambda n: f"Crowd in a square, view {n}")
    caption = ""
    credit = ""
    file = factory.LazyFunction(picture_upload)

    @classmethod
    def _create(cls, model_class, *args, file, **kwargs):
        return photo_save(image=model_class(**kwargs), upload=process_upload(file))
