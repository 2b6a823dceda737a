"""Who has a story open in admin, so colleagues know before their edits collide.

Presence lives in the database (``EditSession``), so it works across processes and
machines without a shared cache. Opening the change form records it; an optional
heartbeat keeps it fresh; saving clears it; otherwise it expires on its own.
"""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from .models import Article, EditSession

EXPIRES_AFTER = timedelta(minutes=15)


def editing_touch(*, article: Article, user: AbstractBaseUser) -> EditSession:
    """Record that ``user`` has ``article`` open now; a lapsed session starts afresh."""
    now = timezone.now()
    EditSession.objects.filter(article=article, last_seen__lt=now - EXPIRES_AFTER).delete()
    session, created = EditSession.objects.get_or_create(
        article=article, user=user, defaults={"started_at": now, "last_seen": now}
    )
    if not created:
        session.last_seen = now
        session.save(update_fields=["last_seen"])
    return session


def editing_close(*, article: Article, user: AbstractBaseUser) -> None:
    EditSession.objects.filter(article=article, user=user).delete()


def others_editing(*, article: Article, user: AbstractBaseUser) -> list[EditSession]:
    """Sessions of other people still holding ``article`` open, longest-open first."""
    return list(
        EditSession.objects.filter(article=article, last_seen__gte=timezone.now() - EXPIRES_AFTER)
        .exclude(user=user)
        .select_related("user")
        .order_by("started_at")
    )
