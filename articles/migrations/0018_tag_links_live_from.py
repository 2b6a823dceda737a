from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Subquery, When


def copy_live_from(apps, schema_editor):
    """Give every tag link its story's ``live_from``, as ``Article.save()`` keeps it."""
    Article = apps.get_model("articles", "Article")
    TaggedArticle = apps.get_model("articles", "TaggedArticle")
    live_from = Case(
        When(status="published", embargo_until__gt=F("published_at"), then=F("embargo_until")),
        When(status="published", then=F("published_at")),
        default=None,
        output_field=models.DateTimeField(),
    )
    story = Article.objects.filter(pk=OuterRef("content_object"))
    TaggedArticle.objects.update(live_from=Subquery(story.values(live=live_from)[:1]))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="taggedarticle",
            name="live_from",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(copy_live_from, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="taggedarticle",
            index=models.Index(
                fields=["tag", "live_from", "content_object"], name="tagged_article_live_idx"
            ),
        ),
    ]
