"""Pending changes to live stories: stage, schedule, publish, discard.

A scheduled pending change goes live without a worker: the first request after its
time runs ``apply_due_staged_edits()`` (see ``articles.page_cache.run_due_changes``).
"""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from . import audit, page_cache, roles, services
from .models import Article, StagedEdit
from .sanitize import sanitize_html


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
    page_cache.content_changed_on_commit()
    return staged


def staged_edit_schedule(
    *, staged: StagedEdit, user: AbstractBaseUser | None, at: datetime | None
) -> StagedEdit:
    _require_publisher(user)
    staged.publish_at = at
    with transaction.atomic():
        staged.save(update_fields=["publish_at", "updated_at"])
        audit.record(
            action=audit.Action.PENDING_SCHEDULE,
            user=user,
            obj=staged.article,
            details={"publish_at": at.isoformat() if at else None},
        )
    page_cache.content_changed_on_commit()
    return staged


def staged_edit_publish(*, staged: StagedEdit, user: AbstractBaseUser | None) -> Article:
    """Put the pending change live, as one editorial save of the story."""
    _require_publisher(user)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=staged.article_id)
        for name in StagedEdit.STAGED_FIELDS:
            setattr(article, name, getattr(staged, name))
        services.article_save(
            article=article, user=user, comment=gettext_noop("Published pending change")
        )
        audit.record(action=audit.Action.PENDING_PUBLISH, user=user, obj=article)
        staged.delete()
    page_cache.content_changed_on_commit()
    return article


def staged_edit_discard(*, staged: StagedEdit, user: AbstractBaseUser | None) -> None:
    _require_publisher(user)
    with transaction.atomic():
        audit.record(action=audit.Action.PENDING_DISCARD, user=user, obj=staged.article)
        staged.delete()
    page_cache.content_changed_on_commit()


def apply_due_staged_edits() -> int:
    """Publish every scheduled pending change whose time has come; return how many."""
    due = StagedEdit.objects.filter(publish_at__lte=timezone.now())
    for staged in due:
        staged_edit_publish(staged=staged, user=None)
    return len(due)
