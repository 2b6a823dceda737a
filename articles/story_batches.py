"""Creating many new stories at once, as the importer does: a few statements per batch.

Each story gets what ``services.article_save`` and ``services.article_set_authors`` inside
one ``services.article_revision`` block would give it: its bylines and tags, one revision
holding the story, its bylines and its tags, its row in the search index, no leftover
redirect on its address, and a page-cache bump, written with one statement per table.
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core import serializers
from django.core.serializers.json import Serializer as JsonSerializer
from django.db import connections, router
from django.utils import timezone
from django.utils.encoding import force_str
from reversion.models import Revision, Version
from reversion.revisions import (
    _get_content_type,  # the content type reversion files a model's versions under
    _get_options,  # the options a model was registered with
    create_revision,
    post_revision_commit,
    pre_revision_commit,
)

from . import audit, page_cache
from .models import Article, ArticleRedirect, AuditEvent, Author, Byline, Tag, TaggedArticle
from .search import search_index_update_many


@dataclass
class NewStory:
    """A story to create: ``article`` unsaved, its body already sanitized and slug free."""

    article: Article
    authors: Sequence[Author]
    tags: Sequence[Tag]
    comment: str


def stories_create(*, stories: Sequence[NewStory]) -> None:
    """Create ``stories`` with their bylines, tags and a revision each.

    Authors, tags and sections they point to must be saved already. Call inside a
    transaction: a failure leaves the caller to roll everything back.
    """
    Article.objects.bulk_create([story.article for story in stories])
    bylines = [
        [
            Byline(article=story.article, author=author, position=position)
            for position, author in enumerate(dict.fromkeys(story.authors))
        ]
        for story in stories
    ]
    tagged = [
        [
            TaggedArticle(content_object=story.article, tag=tag, live_from=story.article.live_from)
            for tag in dict.fromkeys(story.tags)
        ]
        for story in stories
    ]
    Byline.objects.bulk_create([byline for rows in bylines for byline in rows])
    TaggedArticle.objects.bulk_create([item for rows in tagged for item in rows])
    urls = [story.article.get_absolute_url() for story in stories]
    ArticleRedirect.objects.filter(old_path__in=urls).delete()
    revisions_create(
        (story.comment, [*story_bylines, *story_tagged, story.article])
        for story, story_bylines, story_tagged in zip(stories, bylines, tagged, strict=True)
    )
    search_index_update_many(story.article for story in stories)
    AuditEvent.objects.bulk_create(_going_live_events(stories))
    page_cache.content_changed_on_commit()


def _going_live_events(stories: Sequence[NewStory]) -> list[AuditEvent]:
    """A "published" or "scheduled" audit event for each story that goes out, as a save
    through ``services.article_save`` would record."""
    now = timezone.now()
    return [
        audit.unsaved_event(
            action=audit.Action.SCHEDULE if article.published_at > now else audit.Action.PUBLISH,
            obj=article,
            details={"published_at": article.published_at.isoformat()},
        )
        for article in (story.article for story in stories)
        if article.status == Article.Status.PUBLISHED
    ]


def revisions_create(revisions: Iterable[tuple[str, list]]) -> None:
    """One revision per (comment, saved rows), with no user, as reversion would record it.

    Each row is serialized as ``reversion.add_to_revision`` would serialize it, but all
    rows of a model in one pass, and the versions are written with one statement.
    """
    using = router.db_for_write(Revision)
    revisions = list(revisions)
    rows = Revision.objects.using(using).bulk_create(
        Revision(date_created=timezone.now(), user=None, comment=comment)
        for comment, _objects in revisions
    )
    serialized = _serialize([obj for _comment, objects in revisions for obj in objects])
    versions = []
    for revision, (_comment, objects) in zip(rows, revisions, strict=True):
        story_versions = [_version(obj, serialized[id(obj)], revision, using) for obj in objects]
        pre_revision_commit.send(sender=create_revision, revision=revision, versions=story_versions)
        versions.append(story_versions)
    _insert_versions([version for group in versions for version in group], using)
    for revision, story_versions in zip(rows, versions, strict=True):
        post_revision_commit.send(
            sender=create_revision, revision=revision, versions=story_versions
        )


class _OneByOneSerializer(JsonSerializer):
    """Django's JSON serializer, keeping each object's text apart: ``[{...}]`` apiece.

    What ``serializers.serialize(format, (obj,))`` gives for each object, written with
    the C JSON encoder and without setting the serializer up again for every row.
    """

    def start_serialization(self):
        self._init_options()
        self.texts = []

    def end_object(self, obj):
        self.texts.append("[" + json.dumps(self.get_dump_object(obj), **self.json_kwargs) + "]")
        self._current = None

    def end_serialization(self):
        pass


def _serialize(objects: list) -> dict[int, str]:
    """Each object's serialized data as its model's registration asks, by ``id()``."""
    by_model = defaultdict(list)
    for obj in objects:
        by_model[obj.__class__].append(obj)
    texts = {}
    for model, rows in by_model.items():
        options = _get_options(model)
        if options.format != "json":
            texts.update(
                (id(obj), serializers.serialize(options.format, (obj,), fields=options.fields))
                for obj in rows
            )
            continue
        serializer = _OneByOneSerializer()
        serializer.serialize(
            rows,
            fields=options.fields,
            use_natural_foreign_keys=options.use_natural_foreign_keys,
        )
        texts.update(zip(map(id, rows), serializer.texts, strict=True))
    return texts


def _version(obj, serialized_data: str, revision: Revision, using: str) -> Version:
    options = _get_options(obj.__class__)
    return Version(
        revision=revision,
        content_type=_get_content_type(obj.__class__, using),
        object_id=force_str(getattr(obj, options.object_id_field)),
        db=router.db_for_write(obj.__class__, instance=obj),
        format=options.format,
        serialized_data=serialized_data,
        object_repr=force_str(obj),
    )


_VERSION_FIELDS = [
    "revision",
    "object_id",
    "content_type",
    "db",
    "format",
    "serialized_data",
    "object_repr",
]


def _insert_versions(versions: list[Version], using: str) -> None:
    """Insert ``versions`` with one executemany: they are many and have no computed fields."""
    fields = [Version._meta.get_field(name) for name in _VERSION_FIELDS]
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(Version._meta.db_table)} ({columns}) VALUES ({placeholders})",
            [[getattr(version, field.attname) for field in fields] for version in versions],
        )
