"""The audit log: who did what, when and from where.

Services call ``record`` inside the transaction of the action they perform. The actor
and address come from the request being served (``AuditContextMiddleware`` keeps it for
the duration of the request) unless the caller names them; outside a request (the shell,
the import command, scheduled changes going live) the actor is the one given, or none.
"""

from collections.abc import Iterable
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.http import HttpRequest

from newsroom.client_address import client_address

from .bulk_rows import row_maker
from .models import AuditEvent

Action = AuditEvent.Action

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class AuditContextMiddleware:
    """Make the request being served known to ``record``, for its actor and address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def record(**fields) -> AuditEvent:
    """Write one audit event: ``unsaved_event(**fields)``, saved."""
    event = unsaved_event(**fields)
    event.save()
    return event


def unsaved_object_events(
    events: Iterable[tuple[str, models.Model, dict]],
) -> list[AuditEvent]:
    """``unsaved_event(action=..., obj=..., details=...)`` for each (action, object,
    details), with the actor and address of the request, if any, worked out once."""
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and not user.is_authenticated:
        user = None
    actor_name = (user.get_username() if user is not None else "")[:150]
    address = client_address(request) if request is not None else None
    new_event = row_maker(
        AuditEvent,
        "action",
        "actor_name",
        "object_type",
        "object_id",
        "object_label",
        "details",
        "address",
    )
    made = []
    for action, obj, details in events:
        event = new_event(
            action,
            actor_name,
            obj._meta.label,
            str(obj.pk) if obj.pk is not None else "",
            str(obj)[:300],
            details or {},
            address,
        )
        if user is not None:
            event.actor = user
        made.append(event)
    return made


def unsaved_event(
    *,
    action: str,
    user: AbstractBaseUser | None = None,
    obj: models.Model | None = None,
    label: str = "",
    details: dict | None = None,
    actor_name: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """One audit event, unsaved (``record`` saves it; a bulk write takes many).

    ``obj`` names what it was done to (its label defaults to str); ``actor_name``
    overrides the account's name, as for a failed login (the name typed).
    """
    request = request or _current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return AuditEvent(
        action=action,
        actor=user,
        actor_name=(actor_name or (user.get_username() if user is not None else ""))[:150],
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=(label or (str(obj) if obj is not None else ""))[:300],
        details=details or {},
        address=client_address(request) if request is not None else None,
    )
