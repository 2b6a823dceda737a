"""The audit log, and the Editor group's right to read it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from articles.migrations import _roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_translations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="when"
                    ),
                ),
                (
                    "actor_name",
                    models.CharField(
                        blank=True,
                        help_text="Kept when the account is deleted; for a failed login, the name typed.",
                        max_length=150,
                        verbose_name="user name",
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("publish", "Published a story"),
                            ("schedule", "Scheduled a story"),
                            ("unpublish", "Took a story off the site"),
                            ("delete", "Deleted a story"),
                            ("restore_revision", "Restored an earlier revision"),
                            ("recover", "Recovered a deleted story"),
                            ("correction_add", "Added a correction"),
                            ("correction_change", "Changed a correction"),
                            ("correction_delete", "Deleted a correction"),
                            ("pending_publish", "Published a pending change"),
                            ("pending_schedule", "Scheduled a pending change"),
                            ("pending_discard", "Discarded a pending change"),
                            ("groups", "Changed a user's groups"),
                            ("user_permissions", "Changed a user's permissions"),
                            ("group_permissions", "Changed a group's permissions"),
                            (
                                "account_flags",
                                "Changed an account's staff, superuser or active status",
                            ),
                            ("login", "Logged in"),
                            ("login_failed", "Failed to log in"),
                            ("lockout", "Locked out after failed logins"),
                            ("two_factor_on", "Set up two-factor login"),
                        ],
                        db_index=True,
                        max_length=32,
                        verbose_name="action",
                    ),
                ),
                (
                    "object_type",
                    models.CharField(blank=True, max_length=100, verbose_name="kind of object"),
                ),
                (
                    "object_id",
                    models.CharField(blank=True, max_length=64, verbose_name="object ID"),
                ),
                (
                    "object_label",
                    models.CharField(blank=True, max_length=300, verbose_name="object"),
                ),
                ("details", models.JSONField(blank=True, default=dict, verbose_name="details")),
                (
                    "address",
                    models.GenericIPAddressField(blank=True, null=True, verbose_name="address"),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit event",
                "verbose_name_plural": "audit log",
                "ordering": ["-at", "-pk"],
                "get_latest_by": "at",
            },
        ),
        # Editors read the audit log.
        migrations.RunPython(_roles.sync_roles, migrations.RunPython.noop),
    ]
