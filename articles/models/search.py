from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .stories import Article


class SearchDocument(models.Model):
    """A story as PostgreSQL's full-text search sees it: one row per story, any status.

    The table exists only on PostgreSQL (migration 0013 creates it, with its GIN indexes);
    on SQLite the index is an FTS5 table read by ``articles.search.sqlite``. Rows are
    written by ``articles.search.search_index_update``, never through this model.
    There is deliberately no foreign key in the database: test runs empty the stories
    table with TRUNCATE, which a reference to it would block.
    """

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_document",
    )
    config = models.CharField(max_length=63)
    body = models.TextField()
    vector = SearchVectorField()
    rank_vector = SearchVectorField()

    class Meta:
        managed = False
        db_table = "articles_search_document"

    def __str__(self):
        return str(self.article_id)
