"""Give the Reporter and Editor groups the photo and correction permissions."""

from django.db import migrations

from articles.migrations import _roles


class Migration(migrations.Migration):
    dependencies = [("articles", "0010_photos")]

    operations = [migrations.RunPython(_roles.sync_roles, migrations.RunPython.noop)]
