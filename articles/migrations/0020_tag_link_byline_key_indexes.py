"""Drop the single-column indexes of three foreign keys that a two-column index covers.

Each key leads another index of its table, which serves every lookup by it: a link's
tag (tag, story), its story the unique (story, tag), a byline's story the unique
(story, author). New tag links and bylines then write fewer indexes. They are dropped
by name rather than by altering the fields, which SQLite would do by copying the tables.
"""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, name Django gave the column's index)
KEY_INDEXES = [
    ("articles_byline", "article_id", "articles_byline_article_id_b3b9786c"),
    (
        "articles_taggedarticle",
        "content_object_id",
        "articles_taggedarticle_content_object_id_c4150235",
    ),
    ("articles_taggedarticle", "tag_id", "articles_taggedarticle_tag_id_23d7d828"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_article_revised_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in KEY_INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="byline",
                    name="article",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bylines",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="taggedarticle",
                    name="content_object",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_items",
                        to="articles.article",
                    ),
                ),
                migrations.AlterField(
                    model_name="taggedarticle",
                    name="tag",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tagged_articles",
                        to="articles.tag",
                    ),
                ),
            ],
        ),
    ]
