"""Creating many new stories at once, as the importer does: a few statements per batch.

Each story gets what ``services.article_save`` and ``services.article_set_authors`` inside
one ``services.article_revision`` block would give it: its bylines and tags, one revision
holding the story, its bylines and its tags, its row in the search index, no leftover
redirect on its address, and a page-cache bump, written with one statement per table.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init
from django.utils import timezone

from . import audit, page_cache
from .bulk_rows import insert_rows
from .models import Article, ArticleRedirect, AuditEvent, Author, Byline, Tag, TaggedArticle
from .revision_batches import revisions_create
from .search import search_index_documents
from .search.documents import Document
from .search.text import clean_text


@dataclass
class NewStory:
    """A story to create: ``article`` unsaved, its body already sanitized and slug free.

    ``search_body`` is the body's text for the search index (``search.text.plain_text``).
    """

    article: Article
    authors: Sequence[Author]
    tags: Sequence[Tag]
    comment: str
    search_body: str


def stories_create(*, stories: Sequence[NewStory]) -> None:
    """Create ``stories`` with their bylines, tags and a revision each.

    Authors, tags and sections they point to must be saved already. Call inside a
    transaction: a failure leaves the caller to roll everything back.
    """
    insert_rows([story.article for story in stories])
    new_byline = _maker(Byline, "article_id", "author_id", "position")
    new_tagged = _maker(TaggedArticle, "content_object_id", "tag_id", "live_from")
    byline_author = Byline._meta.get_field("author").set_cached_value
    tagged_story = TaggedArticle._meta.get_field("content_object").set_cached_value
    tagged_tag = TaggedArticle._meta.get_field("tag").set_cached_value
    bylines, tagged = [], []
    for story in stories:
        article = story.article
        story_bylines = []
        for position, author in enumerate(dict.fromkeys(story.authors)):
            byline = new_byline(article.pk, author.pk, position)
            byline_author(byline, author)  # what its __str__, the revision's label, reads
            story_bylines.append(byline)
        bylines.append(story_bylines)
        story_tagged, live_from = [], article.live_from
        for tag in dict.fromkeys(story.tags):
            item = new_tagged(article.pk, tag.pk, live_from)
            tagged_story(item, article)
            tagged_tag(item, tag)
            story_tagged.append(item)
        tagged.append(story_tagged)
    insert_rows([byline for rows in bylines for byline in rows])
    insert_rows([item for rows in tagged for item in rows])
    if ArticleRedirect.objects.exists():  # most newsrooms have none: no address to work out
        urls = [story.article.get_absolute_url() for story in stories]
        ArticleRedirect.objects.filter(old_path__in=urls).delete()
    revisions_create(
        (story.comment, [*story_bylines, *story_tagged, story.article])
        for story, story_bylines, story_tagged in zip(stories, bylines, tagged, strict=True)
    )
    search_index_documents(
        Document(
            article_id=story.article.pk,
            headline=clean_text(story.article.headline),
            dek=clean_text(story.article.dek),
            body=story.search_body,
            language=story.article.language,
        )
        for story in stories
    )
    insert_rows(_going_live_events(stories))
    page_cache.content_changed_on_commit()


def _maker(model: type[Model], *attnames: str) -> Callable[..., Model]:
    """A function making an unsaved ``model`` from values of ``attnames``, in that order.

    The fields not named are left empty (None), so name every field that has a default.
    When nothing listens to the model's ``pre_init`` or ``post_init`` signals and its
    fields keep their values as set, the instance is filled in as ``Model.__init__``
    would fill it from positional values, without its generic steps (a tenth of the
    import's time went into them); otherwise it is made by ``Model.__init__``.
    """
    where = {attname: index for index, attname in enumerate(attnames)}
    fields = model._meta.concrete_fields
    order = [where.get(field.attname) for field in fields]

    def make(*values):
        return model(*[None if index is None else values[index] for index in order])

    if (
        pre_init.has_listeners(model)
        or post_init.has_listeners(model)
        or not all(type(vars(model).get(field.attname)) in _PLAIN_ATTRIBUTES for field in fields)
    ):
        return make
    slots = [(field.attname, index) for field, index in zip(fields, order, strict=True)]
    new = model.__new__

    def fill(*values):
        obj = new(model)
        obj._state = ModelState()
        obj.__dict__.update(
            [(attname, None if index is None else values[index]) for attname, index in slots]
        )
        return obj

    return fill


# How a model's class holds a plain field and a foreign key: setting either only stores
# the value on a new instance.
_PLAIN_ATTRIBUTES = (DeferredAttribute, ForeignKeyDeferredAttribute)


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
