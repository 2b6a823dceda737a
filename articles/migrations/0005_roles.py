"""The Reporter and Editor groups with their permissions; editors may change them later."""

from django.db import migrations

from articles.migrations import _roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_workflow_fields"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(_roles.sync_roles, migrations.RunPython.noop)]
