"""Audit events for what happens outside the newsroom's services: logins and permissions.

Permission changes are caught at the model layer, so the admin, the shell and any
script are all recorded. Each login attempt is also written as one structured log line
(logger ``newsroom.login``); passwords never reach either.
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from newsroom.client_address import client_address

from . import audit

User = get_user_model()
login_log = logging.getLogger("newsroom.login")

ACCOUNT_FLAGS = ("is_staff", "is_superuser", "is_active")


def _log_login(outcome: str, *, request, username: str, user_id: int | None = None) -> None:
    address = client_address(request) if request is not None else None
    login_log.info(
        "login %s for %r from %s",
        outcome,
        username,
        address,
        extra={
            "event": f"login_{outcome}",
            "username": username,
            "user_id": user_id,
            "address": address,
        },
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def login_succeeded(sender, request, user, **kwargs):
    _log_login("success", request=request, username=user.get_username(), user_id=user.pk)
    audit.record(action=audit.Action.LOGIN, user=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs):
    # django-axes handles this signal first; a refusal because of a lockout is
    # recorded once, as a lockout (below).
    if getattr(request, "axes_locked_out", False):
        return
    username = str(credentials.get("username", ""))[:150]
    _log_login("failure", request=request, username=username)
    audit.record(action=audit.Action.LOGIN_FAILED, actor_name=username, request=request)


@receiver(user_locked_out, dispatch_uid="audit_lockout")
def login_locked_out(sender, request, username, ip_address, **kwargs):
    username = str(username or "")[:150]
    _log_login("lockout", request=request, username=username)
    audit.record(action=audit.Action.LOCKOUT, actor_name=username, request=request)


# Permissions: group membership, a user's own permissions, a group's permissions.

# For each link table: the event, the model that owns the link and the one it points to,
# and the names of the relation from each side.
M2M_ACTIONS = {
    User.groups.through: (audit.Action.GROUPS, User, Group, "groups", "user_set"),
    User.user_permissions.through: (
        audit.Action.USER_PERMISSIONS,
        User,
        Permission,
        "user_permissions",
        "user_set",
    ),
    Group.permissions.through: (
        audit.Action.GROUP_PERMISSIONS,
        Group,
        Permission,
        "permissions",
        "group_set",
    ),
}


def _permission_name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _names(model, pks) -> list[str]:
    rows = model.objects.filter(pk__in=pks)
    if model is Permission:
        return sorted(_permission_name(p) for p in rows.select_related("content_type"))
    return sorted(str(row) for row in rows)


@receiver(m2m_changed, dispatch_uid="audit_permissions")
def permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if sender not in M2M_ACTIONS:
        return
    audit_action, owner_model, member_model, forward, backward = M2M_ACTIONS[sender]
    if action == "pre_clear":
        # What a clear removes is only known before it happens.
        related = getattr(instance, backward if reverse else forward)
        instance._audit_cleared = set(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":
        pk_set = instance.__dict__.pop("_audit_cleared", set())
    if not pk_set:
        return
    change = "added" if action == "post_add" else "removed"
    if not reverse:
        audit.record(
            action=audit_action, obj=instance, details={change: _names(member_model, pk_set)}
        )
        return
    # Changed from the other side (group.user_set.add(...)): one event per owner.
    member_name = _permission_name(instance) if isinstance(instance, Permission) else str(instance)
    for owner in owner_model.objects.filter(pk__in=pk_set):
        audit.record(action=audit_action, obj=owner, details={change: [member_name]})


@receiver(pre_save, sender=User, dispatch_uid="audit_account_flags_before")
def remember_account_flags(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(ACCOUNT_FLAGS):
        return  # such as the last_login stamp on every login
    stored = User.objects.filter(pk=instance.pk).values(*ACCOUNT_FLAGS).first()
    if stored is None:
        return
    instance._audit_flags = {
        name: [stored[name], getattr(instance, name)]
        for name in ACCOUNT_FLAGS
        if stored[name] != getattr(instance, name)
    }


@receiver(post_save, sender=User, dispatch_uid="audit_account_flags")
def account_flags_changed(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    if created:
        changes = {
            name: [None, True] for name in ("is_staff", "is_superuser") if getattr(instance, name)
        }
    else:
        changes = instance.__dict__.pop("_audit_flags", {})
    if changes:
        audit.record(action=audit.Action.ACCOUNT_FLAGS, obj=instance, details=changes)
