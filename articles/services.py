"""Writes that change stories: one path for admin, import and tests."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

import reversion
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version

from .locking import claim_next_version
from .models import Article, Author, Byline
from .revisions import person_name

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


@contextmanager
def article_revision(
    *, article: Article, user: AbstractBaseUser | None = None, comment: str = ""
) -> Iterator[None]:
    """Record everything written inside the block as one revision of ``article``.

    Blocks nest: only the outermost one records, and the user and comment set last win,
    so saving a story and then its bylines and tags gives one revision with the outer
    caller's comment. The story is added again on the way out, which brings in the
    bylines and tags written after it.
    """
    with reversion.create_revision():
        yield
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        reversion.add_to_revision(article)


def article_save(
    *,
    article: Article,
    user: AbstractBaseUser | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Article:
    """Save ``article`` as a revision, stamping the user and giving it a free slug if it has none.

    An existing story is written only if it is still at ``expected_version`` (by default,
    the version ``article`` was read at); otherwise StaleEditError is raised and nothing
    is written. Two writers racing for the same new slug both succeed: the loser retries
    with the next free one.
    """
    creating = article.pk is None
    with article_revision(
        article=article, user=user, comment=comment or ("Created" if creating else "Changed")
    ):
        if not creating:
            if expected_version is None:
                expected_version = article.version
            article.version = claim_next_version(article, expected_version)
        _stamp(article, user)
        _save_with_free_slug(article)
    return article


def _stamp(article: Article, user: AbstractBaseUser | None) -> None:
    if user is not None and user.is_authenticated:
        if article.pk is None:
            article.created_by = user
        article.updated_by = user
    if article.status == Article.Status.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()


def _save_with_free_slug(article: Article) -> None:
    generated = not article.slug
    for _attempt in range(5):
        if generated:
            article.slug = unique_slug(Article, article.headline, exclude_pk=article.pk)
        try:
            with transaction.atomic():
                article.save()
            return
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


# Restoring old text never publishes, unpublishes or reschedules a story.
KEPT_ON_RESTORE = ("status", "published_at", "published_by_id", "embargo_until")


def article_restore(
    *,
    article: Article,
    version: Version,
    user: AbstractBaseUser | None = None,
    expected_version: int | None = None,
) -> Article:
    """Bring back the text, bylines and tags ``article`` had in ``version``, as a new revision.

    The story keeps its current publishing state. Raises StaleEditError when the story
    is no longer at ``expected_version``, and reversion's RevertError when the revision
    cannot be brought back (say, an author it names has been deleted).
    """
    revision = version.revision
    comment = "Restored revision of " + timezone.localtime(revision.date_created).strftime(
        "%Y-%m-%d %H:%M"
    )
    if revision.user is not None:
        comment += f" by {person_name(revision.user)}"
    with article_revision(article=article, user=user, comment=comment):
        if expected_version is None:
            expected_version = article.version
        claimed = claim_next_version(article, expected_version)
        article.refresh_from_db()
        kept = {name: getattr(article, name) for name in KEPT_ON_RESTORE}
        revision.revert(delete=True)
        article.refresh_from_db()
        for name, value in kept.items():
            setattr(article, name, value)
        article.version = claimed
        _stamp(article, user)
        article.save()
    return article


def article_delete(*, article: Article, user: AbstractBaseUser | None = None) -> None:
    """Delete ``article`` after recording it as it is, bylines and tags included.

    That last revision is what "Recover deleted articles" brings back. Call it outside
    any revision block: a revision only records rows that still exist when it closes.
    """
    with transaction.atomic():
        with article_revision(article=article, user=user, comment="Deleted"):
            article.refresh_from_db()
        article.delete()


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


def article_set_authors(
    *, article: Article, authors: Iterable[Author], user: AbstractBaseUser | None = None
) -> None:
    """Replace the byline of ``article`` with ``authors``, in that order."""
    with article_revision(article=article, user=user, comment="Changed the byline"):
        article.bylines.all().delete()
        Byline.objects.bulk_create(
            Byline(article=article, author=author, position=position)
            for position, author in enumerate(dict.fromkeys(authors))
        )
