"""Pending changes to live stories: stage, schedule, publish, discard.

A scheduled pending change goes live without a worker: public pages call
``apply_due_staged_edits()``, which costs one cache read per request and one query
only when the cached "next due" time has passed or is unknown.
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from . import roles, services
from .models import Article, StagedEdit
from .sanitize import sanitize_html

NEXT_DUE_KEY = "newsroom:staged-edits:next-due"
# How long a process may trust its cached "next due" time. With a shared cache (Redis)
# every process sees a change at once; with per-process memory this bounds the delay.
NEXT_DUE_TTL = 30
NOTHING_DUE = "none"


def _require_publisher(user: AbstractBaseUser | None) -> None:
    if user is not None and not roles.can_publish(user):
        raise PermissionDenied("Only editors can change what readers see on a live story.")


def staged_edit_save(
    *, article: Article, user: AbstractBaseUser | None, values: dict
) -> StagedEdit:
    """Keep ``values`` (text fields) as the story's pending change; the live story is untouched."""
    _require_publisher(user)
    if article.status != Article.Status.PUBLISHED:
        raise ValueError("Only published stories take pending changes; save drafts directly.")
    fields = {name: values[name] for name in StagedEdit.STAGED_FIELDS}
    fields["body"] = sanitize_html(fields["body"])
    staged, _created = StagedEdit.objects.update_or_create(
        article=article, defaults={**fields, "created_by": user}
    )
    cache.delete(NEXT_DUE_KEY)
    return staged


def staged_edit_schedule(
    *, staged: StagedEdit, user: AbstractBaseUser | None, at: datetime | None
) -> StagedEdit:
    _require_publisher(user)
    staged.publish_at = at
    staged.save(update_fields=["publish_at", "updated_at"])
    cache.delete(NEXT_DUE_KEY)
    return staged


def staged_edit_publish(*, staged: StagedEdit, user: AbstractBaseUser | None) -> Article:
    """Put the pending change live, as one editorial save of the story."""
    _require_publisher(user)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=staged.article_id)
        for name in StagedEdit.STAGED_FIELDS:
            setattr(article, name, getattr(staged, name))
        services.article_save(article=article, user=user, comment="Published pending change")
        staged.delete()
    cache.delete(NEXT_DUE_KEY)
    return article


def staged_edit_discard(*, staged: StagedEdit, user: AbstractBaseUser | None) -> None:
    _require_publisher(user)
    staged.delete()
    cache.delete(NEXT_DUE_KEY)


def apply_due_staged_edits() -> int:
    """Publish every scheduled pending change whose time has come; return how many."""
    now = timezone.now()
    next_due = cache.get(NEXT_DUE_KEY)
    if next_due == NOTHING_DUE or (isinstance(next_due, datetime) and next_due > now):
        return 0
    scheduled = StagedEdit.objects.filter(publish_at__isnull=False)
    first = scheduled.aggregate(first=Min("publish_at"))["first"]
    applied = 0
    if first is not None and first <= now:
        for staged in scheduled.filter(publish_at__lte=now):
            staged_edit_publish(staged=staged, user=None)
            applied += 1
        first = scheduled.aggregate(first=Min("publish_at"))["first"]
    cache.set(NEXT_DUE_KEY, first or NOTHING_DUE, NEXT_DUE_TTL)
    return applied
