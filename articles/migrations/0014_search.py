"""The full-text search index: FTS5 on SQLite, a weighted tsvector table on PostgreSQL.

Each database gets only its own part; the other's is a no-op. Existing stories are
indexed at the end (later, ``manage.py rebuild_search_index`` does the same).
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class RunSQLOn(migrations.RunSQL):
    """RunSQL that runs only on one database vendor."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, [self.vendor, *args], kwargs

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


# Every PostgreSQL configuration is a copy of a built-in one that also removes accents,
# so "ecole" finds "École" and snippets highlight the accented word.
POSTGRES_CONFIGS = {"arabic": "arabic_stem", "english": "english_stem", "french": "french_stem"}
POSTGRES_CONFIGS["simple"] = "simple"


def create_config(base, dictionary):
    return (
        f"CREATE TEXT SEARCH CONFIGURATION newsroom_{base} (COPY = pg_catalog.{base});"
        f"ALTER TEXT SEARCH CONFIGURATION newsroom_{base}"
        f" ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {dictionary};"
    )


def index_existing_stories(apps, schema_editor):
    from articles.search import index_stories

    Article = apps.get_model("articles", "Article")
    stories = (
        Article.objects.using(schema_editor.connection.alias)
        .order_by("pk")
        .values_list("pk", "headline", "dek", "body", "language")
    )
    index_stories(stories.iterator(chunk_size=500), schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_feeds"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("config", models.CharField(max_length=63)),
                ("body", models.TextField()),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                ("rank_vector", django.contrib.postgres.search.SearchVectorField()),
            ],
            options={
                "db_table": "articles_search_document",
                "managed": False,
            },
        ),
        RunSQLOn(
            "sqlite",
            sql="CREATE VIRTUAL TABLE articles_search_fts USING fts5("
            'headline, dek, body, tokenize = "unicode61 remove_diacritics 2")',
            reverse_sql="DROP TABLE articles_search_fts",
        ),
        # unaccent is a trusted extension (PostgreSQL 13+): the database's owner may
        # create it without being a superuser.
        RunSQLOn(
            "postgresql",
            sql=[
                "CREATE EXTENSION IF NOT EXISTS unaccent",
                *(create_config(base, dictionary) for base, dictionary in POSTGRES_CONFIGS.items()),
                # vector: every word, weighted (A headline, B standfirst, C body), for
                # matching. rank_vector: headline and standfirst only, small enough to
                # rank thousands of matches without reading the large vectors.
                "CREATE TABLE articles_search_document ("
                " article_id bigint PRIMARY KEY,"
                " config varchar(63) NOT NULL,"
                " body text NOT NULL,"
                " vector tsvector NOT NULL,"
                " rank_vector tsvector NOT NULL)",
                # One GIN index per configuration: a query matches each configuration's
                # stories through its own index, and PostgreSQL need not re-read vectors.
                *(
                    f"CREATE INDEX articles_search_{base}_idx ON articles_search_document"
                    f" USING gin (vector) WHERE config = 'newsroom_{base}'"
                    for base in POSTGRES_CONFIGS
                ),
            ],
            reverse_sql=[
                "DROP TABLE articles_search_document",
                *(f"DROP TEXT SEARCH CONFIGURATION newsroom_{base}" for base in POSTGRES_CONFIGS),
            ],
        ),
        migrations.RunPython(index_existing_stories, migrations.RunPython.noop),
    ]
