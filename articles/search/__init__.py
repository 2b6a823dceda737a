"""Full-text search over published stories.

``search()`` is the one entry point for pages and APIs. The backend follows the
database in use: SQLite's FTS5 for the embedded default, PostgreSQL's full-text search
otherwise. The index holds every story whatever its status; what readers may see is
decided at query time by ``Article.objects.published()``, so an index that lags
behind can never show a draft.

The services keep the index in step by calling ``search_index_update`` and
``search_index_remove`` on every write; ``rebuild_search_index`` starts it afresh.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import SafeString

from ..cards import StoryCard, story_cards
from ..models import Article, Section
from .documents import Document
from .postgres import PostgresSearch
from .query import MAX_QUERY_LENGTH, ParsedQuery, QueryError, parse_query
from .sqlite import SqliteSearch
from .text import highlight

__all__ = [
    "MATCH_LIMIT",
    "MAX_QUERY_LENGTH",
    "QueryError",
    "SearchHit",
    "SearchResults",
    "parse_query",
    "rebuild_search_index",
    "search",
    "search_index_documents",
    "search_index_remove",
    "search_index_update",
    "search_index_update_many",
]

REBUILD_BATCH = 500
# A search reads at most this many stories: all that match, or the ones added last
# when more match, best match first. Counting and ranking every story that mentions a common
# word ("government") is what would make it slow on a large archive.
MATCH_LIMIT = 1000


def backend_for(connection):
    if connection.vendor == "sqlite":
        return SqliteSearch(connection)
    return PostgresSearch(connection)


def _backend():
    return backend_for(connections[router.db_for_write(Article)])


@dataclass(frozen=True)
class SearchHit:
    article: Article
    card: StoryCard
    snippet: SafeString


class SearchResults:
    """The ranked hits of one search, read a page at a time.

    A sequence for Django's Paginator. One query finds and ranks the matches (ids only),
    which also counts them; each slice then reads its stories, their bylines and their
    snippets in a fixed number of queries, however many stories match. When more than
    ``MATCH_LIMIT`` stories match, only the ``MATCH_LIMIT`` added last are counted and
    ranked (``is_truncated``).
    """

    def __init__(self, *, query: ParsedQuery, candidates, backend):
        self.query = query
        self.candidates = candidates
        self.backend = backend
        self._ids = None
        self._truncated = False

    def _ranked_ids(self) -> list[int]:
        if self._ids is None:
            ids = self.backend.ranked(self.query, self.candidates, window=MATCH_LIMIT)
            self._truncated = len(ids) > MATCH_LIMIT
            self._ids = ids[:MATCH_LIMIT]
        return self._ids

    def count(self) -> int:
        return len(self._ranked_ids())

    @property
    def is_truncated(self) -> bool:
        """More stories match than are counted and ranked."""
        self._ranked_ids()
        return self._truncated

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("Search results are read in slices, a page at a time.")
        ids = self._ranked_ids()[key]
        if not ids:
            return []
        stories = self.candidates.for_cards().in_bulk(ids)
        articles = [stories[pk] for pk in ids if pk in stories]
        if not articles:
            return []
        snippets = self.backend.snippets(self.query, [article.pk for article in articles])
        return [
            SearchHit(article=article, card=card, snippet=highlight(snippets.get(article.pk, "")))
            for article, card in zip(articles, story_cards(articles), strict=True)
        ]


def search(
    query: str,
    *,
    section: Section | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> SearchResults:
    """Published stories matching ``query``, best match first (among the ``MATCH_LIMIT``
    added last when more match).

    ``section`` includes its subsections; the dates are days in the newsroom's time
    zone, both included. Raises QueryError for a query with nothing to search for.
    """
    parsed = parse_query(query)
    candidates = Article.objects.published()
    if section is not None:
        candidates = candidates.filter(Q(section=section) | Q(section__parent=section))
    if date_from is not None:
        candidates = candidates.filter(published_at__gte=_start_of(date_from))
    if date_to is not None:
        candidates = candidates.filter(published_at__lt=_start_of(date_to + timedelta(days=1)))
    return SearchResults(query=parsed, candidates=candidates, backend=_backend())


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _document(article: Article) -> Document:
    return Document.from_story(
        article_id=article.pk,
        headline=article.headline,
        dek=article.dek,
        body=article.body,
        language=article.language,
    )


def search_index_update(article: Article) -> None:
    """Put the story's current text in the search index (replacing what was there)."""
    search_index_update_many([article])


def search_index_update_many(articles: Iterable[Article]) -> None:
    """``search_index_update`` for many stories, in one statement."""
    search_index_documents(_document(article) for article in articles)


def search_index_documents(documents: Iterable[Document]) -> None:
    """Put these documents in the search index, replacing the stories' earlier text."""
    _backend().index(list(documents))


def search_index_remove(article_id: int) -> None:
    _backend().remove(article_id)


def index_stories(stories, connection) -> int:
    """Index ``stories`` (rows with id, headline, dek, body and language) from scratch."""
    backend = backend_for(connection)
    backend.clear()
    batch, total = [], 0
    for article_id, headline, dek, body, language in stories:
        batch.append(
            Document.from_story(
                article_id=article_id, headline=headline, dek=dek, body=body, language=language
            )
        )
        if len(batch) == REBUILD_BATCH:
            backend.index(batch)
            total += len(batch)
            batch = []
    if batch:
        backend.index(batch)
    backend.optimize()
    return total + len(batch)


def rebuild_search_index() -> int:
    """Index every story afresh, in one transaction; return how many were indexed."""
    using = router.db_for_write(Article)
    with transaction.atomic(using=using):
        stories = (
            Article.objects.using(using)
            .order_by("pk")
            .values_list("pk", "headline", "dek", "body", "language")
            .iterator(chunk_size=REBUILD_BATCH)
        )
        return index_stories(stories, connections[using])
