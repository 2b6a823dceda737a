from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Something an editor or the system did that the desk may need to account for later.

    Written by ``articles.audit.record`` in the same transaction as the action itself, so
    an action that is rolled back leaves no event and a recorded event did happen.
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Published a story")
        SCHEDULE = "schedule", _("Scheduled a story")
        UNPUBLISH = "unpublish", _("Took a story off the site")
        DELETE = "delete", _("Deleted a story")
        RESTORE_REVISION = "restore_revision", _("Restored an earlier revision")
        RECOVER = "recover", _("Recovered a deleted story")
        CORRECTION_ADD = "correction_add", _("Added a correction")
        CORRECTION_CHANGE = "correction_change", _("Changed a correction")
        CORRECTION_DELETE = "correction_delete", _("Deleted a correction")
        PENDING_PUBLISH = "pending_publish", _("Published a pending change")
        PENDING_SCHEDULE = "pending_schedule", _("Scheduled a pending change")
        PENDING_DISCARD = "pending_discard", _("Discarded a pending change")
        GROUPS = "groups", _("Changed a user's groups")
        USER_PERMISSIONS = "user_permissions", _("Changed a user's permissions")
        GROUP_PERMISSIONS = "group_permissions", _("Changed a group's permissions")
        ACCOUNT_FLAGS = "account_flags", _("Changed an account's staff, superuser or active status")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed to log in")
        LOCKOUT = "lockout", _("Locked out after failed logins")
        TWO_FACTOR_ON = "two_factor_on", _("Set up two-factor login")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(
        _("user name"),
        max_length=150,
        blank=True,
        help_text=_("Kept when the account is deleted; for a failed login, the name typed."),
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    object_type = models.CharField(_("kind of object"), max_length=100, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=300, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        get_latest_by = "at"
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self):
        who = self.actor_name or _("system")
        return f"{who}: {self.get_action_display()} {self.object_label}".strip()
