"""Creating many new stories at once, as the importer does: a few statements per batch.

Each story gets what ``services.article_save`` and ``services.article_set_authors`` inside
one ``services.article_revision`` block would give it: its bylines and tags, one revision
holding the story, its bylines and its tags, its row in the search index, no leftover
redirect on its address, and a page-cache bump, written with one statement per table.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from . import audit, page_cache
from .bulk_rows import insert_rows, row_maker
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
    new_byline = row_maker(Byline, "article_id", "author_id", "position")
    new_tagged = row_maker(TaggedArticle, "content_object_id", "tag_id", "live_from")
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


def _going_live_events(stories: Sequence[NewStory]) -> list[AuditEvent]:
    """A "published" or "scheduled" audit event for each story that goes out, as a save
    through ``services.article_save`` would record."""
    now = timezone.now()
    return audit.unsaved_object_events(
        (
            audit.Action.SCHEDULE if article.published_at > now else audit.Action.PUBLISH,
            article,
            {"published_at": article.published_at.isoformat()},
        )
        for article in (story.article for story in stories)
        if article.status == Article.Status.PUBLISHED
    )
