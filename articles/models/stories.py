import hashlib
import html
import uuid
from datetime import datetime

import reversion
from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    F,
    OuterRef,
    Prefetch,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from ..addresses import address
from ..sanitize import EDITOR_EXTENSIONS, sanitize_html, without_tags


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("The section's address: /section/<slug>/. Changing it breaks old links."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences shown on the section page.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent section"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Leave empty for a top-level section."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=100, help_text=_("Lower numbers come first in the menu.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self, *, at=address):
        """``at``: an ``addresses.bound_address()`` when many addresses are made in a row."""
        return at("articles:section", slug=self.slug)


class Author(models.Model):
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True, allow_unicode=True)
    bio = models.TextField(_("biography"), blank=True, help_text=_("Shown on the author's page."))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author",
        help_text=_("The login this author uses, if any. Never shown to readers."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self, *, at=address):
        """``at``: an ``addresses.bound_address()`` when many addresses are made in a row."""
        return at("articles:author", slug=self.slug)


class Tag(TagBase):
    """A subject, place or person readers can follow, such as "Algeria"."""

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def get_absolute_url(self, *, at=address):
        """``at``: an ``addresses.bound_address()`` when many addresses are made in a row."""
        return at("articles:tag", slug=self.slug)


class TaggedArticleQuerySet(models.QuerySet):
    def refresh_live_from(self) -> int:
        """Copy each story's ``live_from`` onto these tag links again, in one statement.

        For links written back as they were stored, such as a restored archive's (one
        made before links carried it holds none).
        """
        story = Article.objects.filter(pk=OuterRef("content_object"))
        return self.update(live_from=Subquery(story.values(live=LIVE_FROM)[:1]))


@reversion.register()
class TaggedArticle(ItemBase):
    # No index of their own: the two-column indexes below start with each key and serve
    # every lookup by it; each new link then writes two indexes fewer.
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="tagged_articles", db_index=False
    )
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items", db_index=False
    )
    # The story's ``Article.live_from``, kept in step by ``Article.save()`` and by every
    # writer that creates links in bulk: a tag's newest public stories then come from an
    # index on the links alone (related stories), however many stories carry the tag.
    live_from = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaggedArticleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_article_tag")
        ]
        indexes = [
            # A tag's stories, read from the index alone.
            models.Index(fields=["tag", "content_object"], name="tagged_article_tag_idx"),
            # A tag's stories readers can see, newest first.
            models.Index(
                fields=["tag", "live_from", "content_object"], name="tagged_article_live_idx"
            ),
        ]
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")

    def save(self, *args, **kwargs):
        self.live_from = self.content_object.live_from
        super().save(*args, **kwargs)


# The columns a story card (and its address) reads.
CARD_FIELDS = (
    "headline",
    "slug",
    "dek",
    "section",
    "lead_photo",
    "status",
    "published_at",
    "embargo_until",
    "created_at",
    "credit",
    "language",
)


class ArticleQuerySet(models.QuerySet):
    def published(self, *, at: datetime | None = None):
        """The one definition of what readers may see.

        Published status, a publication time that has come, and no embargo still running:
        the embargo wins over everything, whoever publishes or back-dates the story.
        ``at`` stands for now, for SQL compiled once and run again later with the time
        of each run (``articles.prepared``).
        """
        now = at or timezone.now()
        return self.filter(
            models.Q(embargo_until__isnull=True) | models.Q(embargo_until__lte=now),
            status=Article.Status.PUBLISHED,
            published_at__lte=now,
        )

    def scheduled(self):
        """Published stories whose time (or embargo) has not come yet, soonest first."""
        now = timezone.now()
        return (
            self.filter(status=Article.Status.PUBLISHED)
            .filter(models.Q(published_at__gt=now) | models.Q(embargo_until__gt=now))
            .order_by("published_at")
        )

    def with_related(self):
        """Everything a story card or page shows, in a fixed number of queries."""
        return self.select_related("section", "lead_photo").prefetch_related(
            Prefetch("bylines", queryset=Byline.objects.select_related("author")),
            "tags",
            "lead_photo__renditions",
        )

    def translations_of(self, article: "Article"):
        """The other stories of ``article``'s translation group, in language order."""
        group = article.translation_group_id
        # The group's ids come from the primary key and translation_of indexes alone;
        # put straight beside published()'s conditions, the OR made SQLite scan the list.
        members = Article.objects.filter(
            models.Q(pk=group) | models.Q(translation_of_id=group)
        ).values("pk")
        return (
            self.filter(pk__in=members)
            .exclude(pk=article.pk)
            .only("slug", "headline", "language", "published_at", "created_at", "translation_of")
            .order_by("language", "pk")
        )

    def imported_from(self, sources):
        """The stories imported from these files (``source_path`` values, none empty).

        The explicit "not empty" lets the database use the unique index on imported
        stories' sources, which leaves out the empty ones: without it SQLite reads the
        whole table, a second at 100,000 stories.
        """
        return self.filter(source_path__in=sources).exclude(source_path="")

    def for_cards(self):
        """The rows a story card reads, but its byline: no body, no tags.

        ``articles.cards.story_cards()`` reads the bylines' names alone, in one more query.
        """
        return (
            self.only(*CARD_FIELDS)
            .select_related("section", "lead_photo")
            .prefetch_related("lead_photo__renditions")
        )


# A revision holds the whole story: what is followed here is saved and restored with it.
@reversion.register(follow=["bylines", "tagged_items"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    headline = models.CharField(_("headline"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        unique=True,
        allow_unicode=True,
        help_text=_("The last part of the story's address. Filled in from the headline."),
    )
    dek = models.TextField(
        _("standfirst"),
        blank=True,
        help_text=_("One or two sentences under the headline; also used as the summary."),
    )
    body = ProseEditorField(
        _("body"),
        extensions=EDITOR_EXTENSIONS,
        sanitize=sanitize_html,
        blank=True,
        help_text=_(
            "The story. Paragraphs, subheadings, bold, italic, links, lists, quotes and "
            "pictures with captions are kept; anything else (scripts, styles, embedded "
            "frames, Word or Google Docs formatting) is removed on save."
        ),
    )
    dateline = models.CharField(
        _("dateline"),
        max_length=100,
        blank=True,
        help_text=_('Where the story was reported from, such as "Algiers".'),
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="Byline", related_name="articles", blank=True
    )
    lead_photo = models.ForeignKey(
        "Image",
        verbose_name=_("lead photo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_articles",
        help_text=_(
            "Shown large at the top of the story and small on story lists. "
            "A photo used here cannot be deleted."
        ),
    )
    tags = TaggableManager(
        verbose_name=_("tags"),
        through=TaggedArticle,
        blank=True,
        help_text=_("Places, people and subjects, separated by commas."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Readers see a story only when it is Published and its time has come."),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_(
            "When readers first see the story. A time in the future schedules it; "
            "left empty, publishing sets it to now."
        ),
    )
    embargo_until = models.DateTimeField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_(
            "Hard embargo: until this time the story is hidden everywhere on the public site, "
            "even if it is published or its publication time is earlier."
        ),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        help_text=_('Shown after the byline, such as "Staff and agencies".'),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=global_settings.LANGUAGES,
        default="en",
        help_text=_("The language the story is written in; Arabic reads right to left."),
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        help_text=_(
            "The story this one translates. Pick the original; translations of the same "
            "story link to each other on the site."
        ),
    )
    revised_at = models.DateTimeField(
        _("updated for readers"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the text of a live story changes; readers see it as Updated."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_path = models.CharField(
        _("imported from"),
        max_length=500,
        blank=True,
        help_text=_("The seed file this story was imported from."),
    )
    source_hash = models.CharField(
        _("source checksum"), max_length=64, blank=True, db_index=True, editable=False
    )
    import_fingerprint = models.CharField(
        _("text as imported"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Checksum of the text the importer wrote; tells whether an editor changed it."),
    )

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_(
            "Goes up with every save; a form opened on an older version cannot overwrite it."
        ),
    )
    # Feeds identify the story by this forever, whatever happens to its address.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        permissions = [("publish_article", _("Can publish, schedule and unpublish stories"))]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            # Lists read a page's ids from these alone, in order (newest first, then by id),
            # however deep the page.
            models.Index(
                fields=["status", "published_at", "id", "embargo_until", "section"],
                name="article_public_list_idx",
            ),
            models.Index(
                fields=["section", "status", "published_at", "id", "embargo_until"],
                name="article_section_list_idx",
            ),
            # The newest update, for the sitemap index: only updated stories are in it.
            models.Index(
                fields=["revised_at"],
                condition=models.Q(revised_at__isnull=False),
                name="article_revised_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(translation_of=models.F("pk")),
                name="article_not_translation_of_itself",
            ),
            models.UniqueConstraint(
                fields=["source_path"],
                condition=~models.Q(source_path=""),
                name="unique_article_source_path",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.body = sanitize_html(self.body)
        adding = self._state.adding
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if not adding and (fields is None or LIVE_FROM_FIELDS.intersection(fields)):
            self.tagged_items.update(live_from=self.live_from)

    def get_absolute_url(self):
        return address("articles:detail", **self.address_kwargs())

    def address_kwargs(self) -> dict:
        """The story's address's parts: its day in the newsroom's time zone, its slug."""
        day = timezone.localtime(self.published_at or self.created_at or timezone.now())
        return {
            "year": day.year,
            "month": f"{day.month:02d}",
            "day": f"{day.day:02d}",
            "slug": self.slug,
        }

    def clean(self):
        super().clean()
        original = self.translation_of
        if original is None:
            return
        if original.pk == self.pk:
            raise ValidationError(
                {"translation_of": _("A story cannot be a translation of itself.")}
            )
        if original.translation_of_id is not None:
            raise ValidationError(
                {
                    "translation_of": _(
                        "That story is itself a translation: pick the story it translates."
                    )
                }
            )
        if self.pk and self.translations.exists():
            raise ValidationError(
                {
                    "translation_of": _(
                        "Other stories are translations of this one, so it is the original."
                    )
                }
            )

    @property
    def translation_group_id(self) -> int | None:
        """The original's key, shared by the original and all its translations."""
        return self.translation_of_id or self.pk

    @property
    def direction(self) -> str:
        """ "rtl" for a story in a right-to-left language such as Arabic, else "ltr"."""
        return "rtl" if get_language_info(self.language)["bidi"] else "ltr"

    @property
    def is_public(self) -> bool:
        """The row-level twin of ``Article.objects.published()``."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and not self.is_embargoed
        )

    @property
    def is_embargoed(self) -> bool:
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_public

    @property
    def goes_live_at(self):
        """When a published story becomes visible: the later of its time and its embargo."""
        times = [t for t in (self.published_at, self.embargo_until) if t is not None]
        return max(times) if times else None

    @property
    def live_from(self):
        """When readers may see the story, if it is published: the later of its publication
        time and its embargo. None for a story that is not published."""
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return None
        return max(self.published_at, self.embargo_until or self.published_at)

    @property
    def has_been_published(self) -> bool:
        """Published now, or published by someone before: readers may have seen it."""
        return self.status == self.Status.PUBLISHED or self.published_by_id is not None

    @property
    def dek_repeats_lead(self) -> bool:
        """True when the standfirst is the body's first sentence, as on imported stories."""
        lead = without_tags(self.body[: len(self.dek) * 2 + 200])
        return bool(self.dek) and html.unescape(lead).lstrip().startswith(self.dek)

    @property
    def byline_authors(self) -> list[Author]:
        """Authors in byline order; uses the prefetch from ``with_related()``."""
        return [byline.author for byline in self.bylines.all()]

    def text_fingerprint(self) -> str:
        """Checksum of the editorial text, compared with ``import_fingerprint``."""
        return text_fingerprint(
            headline=self.headline, dek=self.dek, dateline=self.dateline, body=self.body
        )


def text_fingerprint(*, headline: str, dek: str, dateline: str, body: str) -> str:
    """``Article.text_fingerprint()`` of a story with this text."""
    return hashlib.sha256("\x1f".join([headline, dek, dateline, body]).encode()).hexdigest()


# What ``Article.live_from`` is made of, and the same in SQL.
LIVE_FROM_FIELDS = frozenset({"status", "published_at", "embargo_until"})
LIVE_FROM = Case(
    When(
        status=Article.Status.PUBLISHED,
        embargo_until__gt=F("published_at"),
        then=F("embargo_until"),
    ),
    When(status=Article.Status.PUBLISHED, then=F("published_at")),
    default=None,
    output_field=models.DateTimeField(),
)


@reversion.register()
class Byline(models.Model):
    # No index of its own: the unique index on (article, author) serves lookups by story.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines", db_index=False
    )
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_article_author")
        ]

    def __str__(self):
        return self.author.name
