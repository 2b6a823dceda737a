"""Writes that change stories: one path for admin, import and tests."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from .models import Article, Author, Byline

SLUG_MAX_LENGTH = 80


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

    Two writers racing for the same new slug both succeed: the loser retries with the
    next free one.
    """
    if user is not None and user.is_authenticated:
        if article.pk is None:
            article.created_by = user
        article.updated_by = user
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()
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


def article_publish(
    *,
    article: Article,
    user: AbstractBaseUser | None = None,
    at: datetime | None = None,
    comment: str = "",
) -> Article:
    """Publish ``article`` now, or at ``at`` (a future time schedules it)."""
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
    article.status = Article.Status.DRAFT
    return article_save(article=article, user=user, comment=comment or "Returned to draft")


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
