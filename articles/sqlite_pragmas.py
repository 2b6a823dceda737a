"""SQLite settings for a long run of writes, such as an import, put back afterwards.

SQLite keeps 2 MB of the database's pages in memory per connection by default. An
import adds rows all over the indexes that start with a tag (each tag's links sit
together): once those indexes outgrow 2 MB, nearly every new link reads its pages
back from the operating system, and the import slows down as the newsroom grows
(a tag link cost twice as much at 50,000 stories as in the first 10,000).

In WAL mode SQLite copies the log into the database file, and waits for the disk
(fsync), whenever a commit leaves the log longer than ``wal_autocheckpoint`` pages
(1,000 by default). One batch of an import writes more than that, so every batch
waited for the disk, and pages written by every batch (the indexes' busiest pages,
the search index) were copied each time; with a longer log they are copied once for
several batches. Afterwards the log is copied in at once, while the command still runs
(a passive checkpoint, which never waits for editors), rather than when the connection
closes as the process exits.

Inside a transaction, a savepoint (each file's, when files are written one by one) or
a statement that may have to be undone halfway (a multi-row INSERT) keeps a copy of
every page it changes until it ends, and SQLite writes those copies to a temporary file
past the first 64 KB (``temp_store`` 0). A batch changes more pages the larger the
newsroom's indexes grow, so an import paid more for these writes as it went (close to
half of its system time at 100,000 files); with ``temp_store`` 2 they stay in memory,
a statement's or a file's worth, freed as each ends. SQLite refuses to change
``temp_store`` inside a transaction: an import run inside a caller's transaction keeps
the connection's own.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, router

from .models import Article

# Settings SQLite refuses to change inside a transaction.
_OUTSIDE_TRANSACTIONS = frozenset({"temp_store"})


@contextmanager
def sqlite_pragmas(**values: int) -> Iterator[None]:
    """On SQLite, give the connection these settings (``PRAGMA name = value``); as
    before after. Elsewhere, nothing."""
    connection = connections[router.db_for_write(Article)]
    if connection.vendor != "sqlite":
        yield
        return
    # Settings of the connection, not queries: sent past Django's query log.
    connection.ensure_connection()
    database = connection.connection
    if database.in_transaction:
        values = {
            name: value for name, value in values.items() if name not in _OUTSIDE_TRANSACTIONS
        }
    before = {name: database.execute(f"PRAGMA {name}").fetchone()[0] for name in values}
    for name, value in values.items():
        database.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        if connection.connection is database:  # still open: not closed by a failure
            for name, value in before.items():
                database.execute(f"PRAGMA {name} = {int(value)}")
            if "wal_autocheckpoint" in values and _in_wal_mode(database):
                database.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _in_wal_mode(database) -> bool:
    return database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
