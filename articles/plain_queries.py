"""Two small queries every list page runs, written out.

The ORM takes ten times longer to build them than the database takes to answer them.
Table and column names come from the models, and the SQL is plain enough to read the
same on SQLite and PostgreSQL; the ordering is each model's ``Meta.ordering``.
"""

from django.db import connections, router

from .models import Author, Byline, Section


def _names(model, *fields: str) -> tuple[str, ...]:
    """The quoted table name of ``model``, then the quoted columns of ``fields``."""
    quote = connections[router.db_for_read(model)].ops.quote_name
    opts = model._meta
    return quote(opts.db_table), *(quote(opts.get_field(name).column) for name in fields)


def _rows(model, sql: str, params=()) -> list[tuple]:
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def top_sections() -> list[tuple[str, str]]:
    """(name, slug) of the sections without a parent, in the menu's order."""
    table, name, slug, parent, position = _names(Section, "name", "slug", "parent", "position")
    return _rows(
        Section,
        f"SELECT {name}, {slug} FROM {table} WHERE {parent} IS NULL ORDER BY {position}, {name}",
    )


def byline_rows(article_ids: list[int]) -> list[tuple[int, int, str, str]]:
    """(story id, author's id, name and slug) of the stories' bylines, each story's in
    byline order."""
    if not article_ids:
        return []
    byline, byline_id, story, author, position = _names(
        Byline, "id", "article", "author", "position"
    )
    authors, author_id, author_name, author_slug = _names(Author, "id", "name", "slug")
    placeholders = ", ".join(["%s"] * len(article_ids))
    return _rows(
        Byline,
        f"SELECT {byline}.{story}, {authors}.{author_id}, {authors}.{author_name}, "
        f"{authors}.{author_slug} FROM {byline} "
        f"INNER JOIN {authors} ON {byline}.{author} = {authors}.{author_id} "
        f"WHERE {byline}.{story} IN ({placeholders}) "
        f"ORDER BY {byline}.{position}, {byline}.{byline_id}",
        article_ids,
    )
