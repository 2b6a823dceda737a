"""PostgreSQL's planner statistics, brought up to date after a large import or restore.

PostgreSQL plans each query from statistics on its tables, which autovacuum refreshes
once a tenth of a table (and at least 50 rows) has changed since the last time: the
dozen rows of the sections table may never get any. Straight after thousands of stories
arrive (``import_seeds``, ``restore_archive``), the planner's guesses are those of the
emptier newsroom; PostgreSQL's documentation advises ``ANALYZE`` after a bulk load. It
takes about two seconds at 100,000 stories.

SQLite is left as it is: its planner works without statistics, and Newsroom's queries
are written (and their plans tested) for that.
"""

from django.db import connections

# Fewer new stories than this change too little of the tables to be worth the wait.
ANALYZE_AFTER_STORIES = 1000


def refresh_after_bulk_load(stories: int, *, using: str = "default") -> bool:
    """``ANALYZE`` the database on PostgreSQL when ``stories`` new stories, at least
    ``ANALYZE_AFTER_STORIES``, have just been written; whether it did."""
    connection = connections[using]
    if connection.vendor != "postgresql" or stories < ANALYZE_AFTER_STORIES:
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
