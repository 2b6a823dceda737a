"""Search on PostgreSQL: a stored, weighted tsvector per story, with GIN indexes.

Each story is indexed with the text-search configuration of its language (stemming
"elections" to "election" in English, "écoles" to "ecol" in French); every
configuration also removes accents. A query is parsed once per configuration and
matched only against that configuration's stories, through that configuration's GIN
index. Ranking reads a second, small vector of the headline (weight A) and standfirst
(weight B): stories that match only in the body rank equal, newest first. Ranking on
the full vector would read every matching story's whole text, which is what makes
common words slow.
"""

from collections.abc import Iterable

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Case, F, FloatField, Q, QuerySet, TextField, When

from .documents import Document
from .query import ParsedQuery
from .text import MATCH_END, MATCH_START

TABLE = "articles_search_document"
# Story language -> the PostgreSQL configuration whose stemmer and stop words fit it;
# languages not listed are indexed word for word. Each has an accent-removing copy,
# newsroom_<name>, made by a migration (see 0013_search): a new language needs one.
LANGUAGE_CONFIGS = {"ar": "arabic", "en": "english", "fr": "french"}
FALLBACK_CONFIG = "simple"


def config_name(base: str) -> str:
    return f"newsroom_{base}"


def config_for(language: str) -> str:
    base = LANGUAGE_CONFIGS.get(language.split("-")[0].lower(), FALLBACK_CONFIG)
    return config_name(base)


CONFIGS = [config_name(base) for base in (*LANGUAGE_CONFIGS.values(), FALLBACK_CONFIG)]

# Between fields goes a lexeme no parser produces, deleted again: it leaves a gap in
# the positions, so a phrase never runs from the end of the headline into the body.
_FIELD_BREAK = "'''field break'':1'::tsvector"
_UPSERT = (
    f"INSERT INTO {TABLE} (article_id, config, body, vector, rank_vector)"
    " SELECT doc.id, doc.config, doc.body,"
    f" ts_delete(doc.headline_vector || {_FIELD_BREAK} || doc.dek_vector || {_FIELD_BREAK}"
    " || setweight(to_tsvector(doc.config::regconfig, doc.body), 'C'), 'field break'),"
    f" ts_delete(doc.headline_vector || {_FIELD_BREAK} || doc.dek_vector, 'field break')"
    " FROM (SELECT id, config, body,"
    " setweight(to_tsvector(config::regconfig, headline), 'A') AS headline_vector,"
    " setweight(to_tsvector(config::regconfig, dek), 'B') AS dek_vector"
    " FROM (VALUES (%s, %s, %s, %s, %s)) AS story(id, config, headline, dek, body)) AS doc"
    " ON CONFLICT (article_id) DO UPDATE SET config = EXCLUDED.config,"
    " body = EXCLUDED.body, vector = EXCLUDED.vector, rank_vector = EXCLUDED.rank_vector"
)

SNIPPET_OPTIONS = {
    "start_sel": MATCH_START,
    "stop_sel": MATCH_END,
    "max_words": 35,
    "min_words": 15,
}


class PostgresSearch:
    def __init__(self, connection):
        self.connection = connection

    def index(self, documents: Iterable[Document]) -> None:
        with self.connection.cursor() as cursor:
            cursor.executemany(
                _UPSERT,
                [
                    (doc.article_id, config_for(doc.language), doc.headline, doc.dek, doc.body)
                    for doc in documents
                ],
            )

    def remove(self, article_id: int) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = %s", [article_id])

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def optimize(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")

    def _matching(self, query: ParsedQuery, candidates: QuerySet) -> tuple[QuerySet, dict]:
        queries = {
            config: SearchQuery(query.websearch(), config=config, search_type="websearch")
            for config in CONFIGS
        }
        match = Q()
        for config, tsquery in queries.items():
            match |= Q(search_document__config=config, search_document__vector=tsquery)
        return candidates.filter(match), queries

    def count(self, query: ParsedQuery, candidates: QuerySet, *, limit: int) -> int:
        """How many candidates match, counting no further than ``limit``."""
        matching, _queries = self._matching(query, candidates)
        return matching.order_by()[:limit].count()

    def hits(
        self, query: ParsedQuery, candidates: QuerySet, start: int, stop: int, *, window: int
    ) -> list:
        """(story, marked snippet) for hits ``start`` to ``stop``, best first, among the
        ``window`` matches added last."""
        matching, queries = self._matching(query, candidates)
        latest = matching.order_by("-pk").values("pk")[:window]
        rank = Case(
            *(
                When(
                    search_document__config=config,
                    then=SearchRank(F("search_document__rank_vector"), tsquery),
                )
                for config, tsquery in queries.items()
            ),
            output_field=FloatField(),
        )
        snippet = Case(
            *(
                When(
                    search_document__config=config,
                    then=SearchHeadline(
                        F("search_document__body"), tsquery, config=config, **SNIPPET_OPTIONS
                    ),
                )
                for config, tsquery in queries.items()
            ),
            output_field=TextField(),
        )
        # Rank narrow rows first; only the page's stories carry their text and snippet.
        # The window's stories have matched already: rank them without matching again.
        ids = list(
            candidates.filter(pk__in=latest)
            .annotate(search_rank=rank)
            .order_by("-search_rank", "-published_at", "-pk")
            .values_list("pk", flat=True)[start:stop]
        )
        stories = candidates.with_related().annotate(search_snippet=snippet).in_bulk(ids)
        return [(stories[pk], stories[pk].search_snippet) for pk in ids if pk in stories]
