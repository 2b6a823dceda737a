"""Search on SQLite: an FTS5 table with one row per story, its rowid the story's id.

Every query starts from the FTS5 match and keeps only the stories in the candidate
queryset, which always comes from ``Article.objects.published()``; only the newest
matches, up to a window, are scored with bm25.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from .documents import Document
from .query import ParsedQuery
from .text import MATCH_END, MATCH_START

TABLE = "articles_search_fts"
# Headline, standfirst, body: a word in the headline counts ten times one in the body.
WEIGHTS = (10.0, 4.0, 1.0)
SNIPPET_TOKENS = 32

_MATCHES = f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"
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
        """Merge the index into one segment, as after a rebuild."""
        with self.connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')")

    def _candidates(self, candidates: QuerySet) -> tuple[str, tuple]:
        return candidates.order_by().values("id", "published_at").query.sql_with_params()

    def count(self, query: ParsedQuery, candidates: QuerySet, *, limit: int) -> int:
        """How many candidates match, counting no further than ``limit``."""
        sql, params = self._candidates(candidates)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH hits(id) AS MATERIALIZED ({_MATCHES})"
                f" SELECT COUNT(*) FROM (SELECT 1 FROM ({sql}) AS story"
                " WHERE story.id IN (SELECT id FROM hits) LIMIT %s)",
                [query.fts5(), *params, limit],
            )
            return cursor.fetchone()[0]

    def hits(
        self, query: ParsedQuery, candidates: QuerySet, start: int, stop: int, *, window: int
    ) -> list:
        """(story, marked snippet) for hits ``start`` to ``stop`` of the newest ``window``
        matches, best first."""
        sql, params = self._candidates(candidates)
        expression = query.fts5()
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH hits(id) AS MATERIALIZED ({_MATCHES}),"
                " recent(id, published_at) AS MATERIALIZED ("
                f"SELECT story.id, story.published_at FROM ({sql}) AS story"
                " WHERE story.id IN (SELECT id FROM hits)"
                " ORDER BY story.published_at DESC, story.id DESC LIMIT %s)"
                f" SELECT recent.id FROM recent JOIN ({_RANKED}"
                " AND rowid IN (SELECT id FROM recent)) AS ranked ON ranked.id = recent.id"
                " ORDER BY ranked.score, recent.published_at DESC, recent.id DESC"
                " LIMIT %s OFFSET %s",
                [expression, *params, window, expression, stop - start, start],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return []
            cursor.execute(
                f"SELECT rowid, snippet({TABLE}, 2, %s, %s, %s, %s) FROM {TABLE}"
                f" WHERE {TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
                [MATCH_START, MATCH_END, "…", SNIPPET_TOKENS, expression, *ids],
            )
            snippets = dict(cursor.fetchall())
        stories = candidates.with_related().in_bulk(ids)
        return [(stories[pk], snippets.get(pk, "")) for pk in ids if pk in stories]
