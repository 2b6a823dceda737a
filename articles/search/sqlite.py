"""Search on SQLite: an FTS5 table with one row per story, its rowid the story's id.

Every query starts from the FTS5 match and keeps only the stories in the candidate
queryset, which always comes from ``Article.objects.published()``. Counting stops at a
limit, and only the stories added last, up to a window, are scored with bm25: a word
found in most stories costs no more than one found in a thousand.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from ..models import Article
from .documents import Document
from .query import ParsedQuery
from .text import MATCH_END, MATCH_START

TABLE = "articles_search_fts"
# Headline, standfirst, body: a word in the headline counts ten times one in the body.
WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_TOKENS = 32

_RANKED = (
    f"SELECT rowid AS id, bm25({TABLE}, {', '.join(map(str, WEIGHTS))}) AS score"
    f" FROM {TABLE} WHERE {TABLE} MATCH %s"
)


class SqliteSearch:
    def __init__(self, connection):
        self.connection = connection

    def index(self, documents: Iterable[Document]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR REPLACE INTO {TABLE} (rowid, headline, dek, body) "
                "VALUES (%s, %s, %s, %s)",
                [(doc.article_id, doc.headline, doc.dek, doc.body) for doc in documents],
            )

    def remove(self, article_id: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [article_id])

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        """Merge the index into one segment, as after a rebuild, and refresh the statistics
        of the stories table: without them SQLite reads a page of results through the
        index of published stories (all of them) instead of by id."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")
            cursor.execute(f"ANALYZE {Article._meta.db_table}")

    def ranked(self, query: ParsedQuery, candidates: QuerySet, *, window: int) -> list[int]:
        """The ids of the ``window + 1`` matching candidates added last: the ``window``
        newest best match first (among equals, newest first), then the one more, which
        only tells that more match.

        The match is read newest row first and stops there (CROSS JOIN keeps SQLite from
        starting at the stories), so only those are scored.
        """
        sql, params = candidates.order_by().values("id", "published_at").query.sql_with_params()
        with self.connection.cursor() as cursor:
            cursor.execute(
                "WITH latest(id, score, published_at) AS MATERIALIZED ("
                f"SELECT hits.id, hits.score, story.published_at FROM ({_RANKED}) AS hits"
                f" CROSS JOIN ({sql}) AS story ON story.id = hits.id"
                " ORDER BY hits.id DESC LIMIT %s)"
                " SELECT id FROM latest"
                " ORDER BY row_number() OVER (ORDER BY id DESC) > %s,"
                " score, published_at DESC, id DESC",
                [query.fts5(), *params, window + 1, window],
            )
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, query: ParsedQuery, ids: list[int]) -> dict[int, str]:
        """The marked snippet of each of these stories' body."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet({TABLE}, 2, %s, %s, %s, %s) FROM {TABLE}"
                f" WHERE {TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [MATCH_START, MATCH_END, "…", SNIPPET_TOKENS, query.fts5(), *ids],
            )
            return dict(cursor.fetchall())
