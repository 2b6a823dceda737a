"""Shared by the migrations that set up the newsroom's groups.

Each run grants the permissions of ``articles.roles.ROLE_PERMISSIONS`` that exist at
that point of the migration history; a new migration calling it again after a model
is added completes the set (a test checks the final groups match the table).
"""

from django.contrib.auth.management import create_permissions

from articles.roles import ROLE_PERMISSIONS


def sync_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="articles", codename__in=codenames
        )
        group.permissions.add(*permissions)
