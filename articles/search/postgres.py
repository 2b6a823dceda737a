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

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db.models import QuerySet

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

# Snippets are looked for in a story's first characters before its whole text.
OPENING_LENGTH = 1500
SNIPPET_OPTIONS = {
    "StartSel": MATCH_START,
    "StopSel": MATCH_END,
    "MaxWords": 35,
    "MinWords": 15,
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

    def ranked(self, query: ParsedQuery, candidates: QuerySet, *, window: int) -> list[int]:
        """The ids of the ``window + 1`` matching candidates added last: the ``window``
        newest best match first (among equals, newest first), then the one more, which
        only tells that more match.

        Each configuration's condition is written out with its name, so PostgreSQL
        reads that configuration's partial GIN index; only the newest matches are then
        ranked, on their small rank vectors.
        """
        sql, params = candidates.order_by().values("id", "published_at").query.sql_with_params()
        text = query.websearch()
        match = " OR ".join(
            f"(doc.config = '{config}' AND doc.vector @@ {_tsquery(config)})" for config in CONFIGS
        )
        rank = " ".join(
            f"WHEN '{config}' THEN ts_rank(doc.rank_vector, {_tsquery(config)})"
            for config in CONFIGS
        )
        with self.connection.cursor() as cursor, _planned_for_each_query(self.connection):
            cursor.execute(
                "WITH latest AS MATERIALIZED ("
                f"SELECT doc.article_id AS id, story.published_at FROM {TABLE} AS doc"
                f" JOIN ({sql}) AS story ON story.id = doc.article_id WHERE {match}"
                " ORDER BY doc.article_id DESC LIMIT %s)"
                " SELECT id FROM ("
                f"SELECT latest.id, latest.published_at, CASE doc.config {rank} END AS rank,"
                " row_number() OVER (ORDER BY latest.id DESC) AS newest"
                f" FROM latest JOIN {TABLE} AS doc ON doc.article_id = latest.id) AS ranked"
                " ORDER BY newest > %s, rank DESC, published_at DESC, id DESC",
                [*params, *[text] * len(CONFIGS), window + 1, *[text] * len(CONFIGS), window],
            )
            return [row[0] for row in cursor.fetchall()]

    def snippets(self, query: ParsedQuery, ids: list[int]) -> dict[int, str]:
        """The marked snippet of each of these stories' text, in its own configuration.

        ts_headline reads every word of the text it is given through the dictionaries,
        which is most of a results page's time on long stories: it is given the story's
        opening first, and the whole text only when the opening marks no match.
        """
        options = ", ".join(
            self.connection.ops.compose_sql(f"{option}=%s", [value])
            for option, value in SNIPPET_OPTIONS.items()
        )
        with self.connection.cursor() as cursor, _planned_for_each_query(self.connection):
            cursor.execute(
                "WITH opening AS MATERIALIZED ("
                "SELECT article_id, config, body, length(body) <= %s AS whole, "
                + _HEADLINE.format(
                    # Cut at the last space, so that no word is cut in two.
                    text="CASE WHEN length(body) <= %s THEN body"
                    r" ELSE regexp_replace(left(body, %s), '\S*$', '') END"
                )
                + f" AS snippet FROM {TABLE} WHERE article_id = ANY(%s))"
                " SELECT article_id, CASE WHEN whole OR strpos(snippet, %s) > 0 THEN snippet"
                f" ELSE {_HEADLINE.format(text='body')} END FROM opening",
                [
                    *[OPENING_LENGTH] * 3,
                    query.websearch(),
                    options,
                    ids,
                    MATCH_START,
                    query.websearch(),
                    options,
                ],
            )
            return dict(cursor.fetchall())


_HEADLINE = (
    "ts_headline(config::regconfig, {text}, websearch_to_tsquery(config::regconfig, %s), %s)"
)


def _tsquery(config: str) -> str:
    return f"websearch_to_tsquery('{config}'::regconfig, %s)"


@contextmanager
def _planned_for_each_query(connection) -> Iterator[None]:
    """Run these statements unprepared, planned for their own words each time.

    With prepared statements on (settings: ``DATABASE_PREPARED_STATEMENTS``), PostgreSQL
    soon reuses one plan made without knowing the words, and how many stories a word
    matches decides the best plan: a search for a common word took four times as long.
    """
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = saved
