import io
from datetime import timedelta

import factory
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from taggit.utils import edit_string_for_tags

from articles import services
from articles.models import Article, Author, Byline, Correction, Image, PreviewLink, Section
from articles.photos import photo_save, process_upload


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery")

    @factory.post_generation
    def permissions(user, create, extracted, **kwargs):
        """Exact rights, such as ``permissions=["articles.change_article"]``."""
        if create and extracted:
            for name in extracted:
                app_label, codename = name.split(".")
                user.user_permissions.add(
                    Permission.objects.get(content_type__app_label=app_label, codename=codename)
                )


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
        embargoed = factory.Trait(
            embargo_until=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
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


def admin_form_data(response, **overrides) -> dict:
    """The POST an editor sends by saving an admin change form unchanged, plus ``overrides``."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.SplitDateTimeField):
            if not isinstance(value, list):  # a bound form gives back what was posted
                value = timezone.localtime(value) if value else None
                value = [value.strftime("%Y-%m-%d"), value.strftime("%H:%M:%S")] if value else []
            data[f"{name}_0"], data[f"{name}_1"] = value or ["", ""]
        elif name == "tags":
            data[name] = edit_string_for_tags(value) if isinstance(value, list) else value
        elif value is not None:
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for subform in [formset.management_form, *formset.forms]:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None and value is not False:
                    data[subform.add_prefix(name)] = value
    data.update(overrides)
    return data


def saved_story(*, user=None, authors=(), tags=(), comment="Written", **fields):
    """A story written through the services, so it has a first revision like a real one."""
    section = fields.pop("section", None) or SectionFactory()
    article = ArticleFactory.build(section=section, **fields)
    with services.article_revision(article=article, user=user, comment=comment):
        services.article_save(article=article, user=user)
        services.article_set_authors(article=article, authors=authors)
        article.tags.set(list(tags))
    return article
