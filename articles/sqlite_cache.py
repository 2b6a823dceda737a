"""A larger SQLite page cache for a long run of writes, such as an import.

SQLite keeps 2 MB of the database's pages in memory per connection by default. An
import adds rows all over the indexes that start with a tag (each tag's links sit
together): once those indexes outgrow 2 MB, nearly every new link reads its pages
back from the operating system, and the import slows down as the newsroom grows
(a tag link cost twice as much at 50,000 stories as in the first 10,000).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, router

from .models import Article


@contextmanager
def larger_page_cache(mebibytes: int) -> Iterator[None]:
    """On SQLite, let the connection keep up to ``mebibytes`` of pages; as before after."""
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "sqlite":
        yield
        return
    # A setting of the connection, not a query: sent past Django's query log.
    connection.ensure_connection()
    database = connection.connection
    (before,) = database.execute("PRAGMA cache_size").fetchone()
    database.execute(f"PRAGMA cache_size = {-1024 * int(mebibytes)}")
    try:
        yield
    finally:
        if connection.connection is database:  # still open: not closed by a failure
            database.execute(f"PRAGMA cache_size = {int(before)}")
