import uuid

from django.db import migrations, models


def give_each_story_an_id(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for pk in Article.objects.filter(uid__isnull=True).values_list("pk", flat=True).iterator():
        Article.objects.filter(pk=pk).update(uid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_revisions_locking"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="uid",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(give_each_story_an_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="article",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
