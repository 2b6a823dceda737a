"""Writes that change stories: one path for admin, import and tests."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import roles
from .models import Article, Author, Byline
from .sanitize import sanitize_html

SLUG_MAX_LENGTH = 80

# A change to one of these on a live story shows readers an "Updated" time.
READER_VISIBLE_FIELDS = ["headline", "dek", "body", "dateline", "credit"]


def unique_slug(model, text: str, *, exclude_pk: int | None = None, fallback: str = "story") -> str:
    """A slug made from ``text`` that no other row of ``model`` uses yet.

    Long text is cut at a word boundary; a taken slug gets ``-2``, ``-3`` and so on.
    """
    full = slugify(text, allow_unicode=True)
    base = full[:SLUG_MAX_LENGTH]
    if len(full) > SLUG_MAX_LENGTH and "-" in base:
        base = base.rsplit("-", 1)[0]
    base = base.strip("-") or fallback
    taken = model.objects.filter(slug__startswith=base)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken = set(taken.values_list("slug", flat=True))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def article_save(
    *, article: Article, user: AbstractBaseUser | None = None, comment: str = ""
) -> Article:
    """Save ``article``, stamping the user and giving it a free slug if it has none.

    A user without the publish permission cannot save a published story. Two writers
    racing for the same new slug both succeed: the loser retries with the next free one.
    """
    stored = Article.objects.filter(pk=article.pk).first() if article.pk else None
    if user is not None:
        _check_may_save(user, article, stored)
        if article.pk is None:
            article.created_by = user
        article.updated_by = user
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
    _stamp_revision_for_readers(article, stored)
    generated = not article.slug
    for _attempt in range(5):
        if generated:
            article.slug = unique_slug(Article, article.headline, exclude_pk=article.pk)
        try:
            with transaction.atomic():
                article.save()
            return article
        except IntegrityError:
            if not generated or not Article.objects.filter(slug=article.slug).exists():
                raise
    raise IntegrityError(f"could not find a free slug for {article.headline!r}")


def _check_may_save(user: AbstractBaseUser, article: Article, stored: Article | None) -> None:
    published = Article.Status.PUBLISHED
    live = article.status == published or (stored is not None and stored.status == published)
    if live and not roles.can_publish(user):
        raise PermissionDenied("Only editors can publish or change a published story.")


def _stamp_revision_for_readers(article: Article, stored: Article | None) -> None:
    """Record when readers last saw the text of a live story change."""
    if stored is None or not stored.is_public:
        return
    article.body = sanitize_html(article.body)
    if any(getattr(stored, name) != getattr(article, name) for name in READER_VISIBLE_FIELDS):
        article.revised_at = timezone.now()


def article_publish(
    *,
    article: Article,
    user: AbstractBaseUser | None = None,
    at: datetime | None = None,
    comment: str = "",
) -> Article:
    """Publish ``article`` now, or at ``at`` (a future time schedules it)."""
    if user is not None and not roles.can_publish(user):
        raise PermissionDenied("Only editors can publish or schedule stories.")
    article.status = Article.Status.PUBLISHED
    if at is not None:
        article.published_at = at
    elif article.published_at is None:
        article.published_at = timezone.now()
    if user is not None and user.is_authenticated:
        article.published_by = user
    return article_save(article=article, user=user, comment=comment or "Published")


def article_unpublish(
    *, article: Article, user: AbstractBaseUser | None = None, comment: str = ""
) -> Article:
    """Take ``article`` off the public site; it keeps its text and publication time."""
    if user is not None and not roles.can_publish(user):
        raise PermissionDenied("Only editors can unpublish stories.")
    article.status = Article.Status.DRAFT
    return article_save(article=article, user=user, comment=comment or "Returned to draft")


def article_submit_for_review(
    *, article: Article, user: AbstractBaseUser, comment: str = ""
) -> Article:
    """Hand a draft to the editors."""
    if not roles.can_edit(user, article):
        raise PermissionDenied("You can only submit your own stories for review.")
    if article.status != Article.Status.DRAFT:
        raise ValueError("Only drafts can be submitted for review.")
    article.status = Article.Status.REVIEW
    return article_save(article=article, user=user, comment=comment or "Submitted for review")


def authors_by_name(names: Iterable[str]) -> list[Author]:
    """The authors with these names, created when new, in the order given."""
    authors = []
    for name in names:
        author = Author.objects.filter(name__iexact=name).first()
        if author is None:
            author = Author.objects.create(
                name=name, slug=unique_slug(Author, name, fallback="author")
            )
        authors.append(author)
    return authors


def article_set_authors(*, article: Article, authors: Iterable[Author]) -> None:
    """Replace the byline of ``article`` with ``authors``, in that order."""
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position)
        for position, author in enumerate(dict.fromkeys(authors))
    )
