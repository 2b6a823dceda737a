"""Writes that change stories: one path for admin, import and tests."""

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

import reversion
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from reversion.models import Version

from . import audit, front_cache, page_cache, roles
from .locking import claim_next_version
from .models import Article, ArticleRedirect, Author, Byline, Correction, PreviewLink
from .revisions import person_name
from .sanitize import sanitize_html
from .search import search_index_remove, search_index_update

SLUG_MAX_LENGTH = 80
# How many of a taken slug's numbered forms are looked up at once.
SLUG_CANDIDATES = 20

# A change to one of these on a live story shows readers an "Updated" time.
READER_VISIBLE_FIELDS = ["headline", "dek", "body", "dateline", "credit"]


def slug_base(text: str, *, fallback: str = "story") -> str:
    """The slug ``text`` asks for: cut at a word boundary when long, ``fallback`` when empty."""
    full = slugify(text, allow_unicode=True)
    base = full[:SLUG_MAX_LENGTH]
    if len(full) > SLUG_MAX_LENGTH and "-" in base:
        base = base.rsplit("-", 1)[0]
    return base.strip("-") or fallback


def unique_slug(model, text: str, *, exclude_pk: int | None = None, fallback: str = "story") -> str:
    """A slug made from ``text`` that no other row of ``model`` uses yet.

    Long text is cut at a word boundary; a taken slug gets ``-2``, ``-3`` and so on.
    """
    return _free_slug(model, slug_base(text, fallback=fallback), exclude_pk=exclude_pk)


def unique_slugs(model, texts: Iterable[str], *, fallback: str = "story") -> list[str]:
    """``unique_slug`` for many new rows at once, each slug different from the others.

    One query for all of them; another only for each slug already taken.
    """
    bases = [slug_base(text, fallback=fallback) for text in texts]
    taken = set(model.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
    slugs, used = [], set()
    for base in bases:
        slug = _free_slug(model, base, also_taken=used) if base in taken or base in used else base
        slugs.append(slug)
        used.add(slug)
    return slugs


def _free_slug(
    model, base: str, *, exclude_pk: int | None = None, also_taken: Iterable[str] = ()
) -> str:
    """``base``, or the first of ``base-2``, ``base-3``... that no other row uses.

    The candidates are looked up by equality, ``SLUG_CANDIDATES`` at a time, on the slug's
    index: a prefix match (``startswith``) read every story on SQLite, whose ``LIKE``
    cannot use the index (about 130 ms at 100,000 stories, for each new story).
    """
    also_taken = set(also_taken)
    for first in itertools.count(1, SLUG_CANDIDATES):
        candidates = [
            base if n == 1 else f"{base}-{n}" for n in range(first, first + SLUG_CANDIDATES)
        ]
        taken = model.objects.filter(slug__in=candidates)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        taken = also_taken.union(taken.order_by().values_list("slug", flat=True))
        for candidate in candidates:
            if candidate not in taken:
                return candidate


# The stories whose revision blocks are open, outermost first.
_open_revisions: ContextVar[tuple[Article, ...]] = ContextVar("open_revisions", default=())


@contextmanager
def article_revision(
    *, article: Article, user: AbstractBaseUser | None = None, comment: str = ""
) -> Iterator[None]:
    """Record everything written inside the block as one revision of ``article``.

    Blocks nest: only the outermost one records, and the user and comment set last win,
    so saving a story and then its bylines and tags gives one revision with the outer
    caller's comment. The story is added on the way out of the outermost block for it,
    which brings in the bylines and tags written after it.
    """
    outer = _open_revisions.get()
    with reversion.create_revision():
        token = _open_revisions.set((*outer, article))
        try:
            yield
        finally:
            _open_revisions.reset(token)
        if user is not None and user.is_authenticated:
            reversion.set_user(user)
        if comment:
            reversion.set_comment(comment)
        if not any(story is article for story in outer):
            reversion.add_to_revision(article)


def article_save(
    *,
    article: Article,
    user: AbstractBaseUser | None = None,
    comment: str = "",
    expected_version: int | None = None,
) -> Article:
    """Save ``article`` as a revision, stamping the user and giving it a free slug if it has none.

    A user without the publish permission cannot save a published story. An existing
    story is written only if it is still at ``expected_version`` (by default, the version
    ``article`` was read at); otherwise StaleEditError is raised and nothing is written.
    Two writers racing for the same new slug both succeed: the loser retries with the next
    free one. When a story readers may have seen changes address, the old one keeps
    working (see ``_remember_old_url``).
    """
    creating = article.pk is None
    stored = None if creating else Article.objects.filter(pk=article.pk).first()
    if user is not None:
        _check_may_save(user, article, stored)
    with article_revision(
        article=article,
        user=user,
        comment=comment or (gettext_noop("Created") if creating else gettext_noop("Changed")),
    ):
        if not creating:
            if expected_version is None:
                expected_version = article.version
            article.version = claim_next_version(article, expected_version)
        _stamp(article, user)
        _stamp_revision_for_readers(article, stored)
        _save_with_free_slug(article)
        _remember_old_url(article=article, stored=stored)
        _record_going_live_or_off(article=article, stored=stored, user=user)
        search_index_update(article)
        page_cache.content_changed_on_commit()
        front_cache.refresh_story_on_commit(article=article, before=stored)
    return article


def _record_going_live_or_off(
    *, article: Article, stored: Article | None, user: AbstractBaseUser | None
) -> None:
    """Audit a story being published, scheduled, rescheduled or taken off the site."""
    published = Article.Status.PUBLISHED
    was_published = stored is not None and stored.status == published
    if article.status == published:
        if was_published and stored.published_at == article.published_at:
            return
        scheduled = article.published_at > timezone.now()
        details = {"published_at": article.published_at.isoformat()}
        if was_published and stored.published_at is not None:
            details["previously"] = stored.published_at.isoformat()
        action = audit.Action.SCHEDULE if scheduled else audit.Action.PUBLISH
        audit.record(action=action, user=user, obj=article, details=details)
    elif was_published:
        audit.record(
            action=audit.Action.UNPUBLISH,
            user=user,
            obj=article,
            details={"status": article.status},
        )


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


def _remember_old_url(*, article: Article, stored: Article | None) -> None:
    """Record the stored address of a story that has been public when its address changes.

    A story counts as having been public once its publication time has passed, even if it
    was returned to draft since. Old addresses point at the story, not at the next address,
    so a chain of changes answers with one 301 to the current address; an address that is
    a story's current one again stops redirecting.
    """
    # Stored without a language prefix; every interface language looks them up so.
    with translation.override(settings.LANGUAGE_CODE):
        new_url = article.get_absolute_url()
        old_url = stored.get_absolute_url() if stored is not None else None
    ArticleRedirect.objects.filter(old_path=new_url).delete()
    if stored is None or stored.published_at is None or stored.published_at > timezone.now():
        return
    if old_url != new_url:
        ArticleRedirect.objects.update_or_create(old_path=old_url, defaults={"article": article})


def article_publish(
    *,
    article: Article,
    user: AbstractBaseUser | None = None,
    at: datetime | None = None,
    comment: str = "",
    expected_version: int | None = None,
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
    return article_save(
        article=article,
        user=user,
        comment=comment or gettext_noop("Published"),
        expected_version=expected_version,
    )


def article_unpublish(
    *, article: Article, user: AbstractBaseUser | None = None, comment: str = ""
) -> Article:
    """Take ``article`` off the public site; it keeps its text and publication time."""
    if user is not None and not roles.can_publish(user):
        raise PermissionDenied("Only editors can unpublish stories.")
    article.status = Article.Status.DRAFT
    return article_save(
        article=article, user=user, comment=comment or gettext_noop("Returned to draft")
    )


def article_submit_for_review(
    *, article: Article, user: AbstractBaseUser, comment: str = ""
) -> Article:
    """Hand a draft to the editors."""
    if not roles.can_edit(user, article):
        raise PermissionDenied("You can only submit your own stories for review.")
    if article.status != Article.Status.DRAFT:
        raise ValueError("Only drafts can be submitted for review.")
    article.status = Article.Status.REVIEW
    return article_save(
        article=article, user=user, comment=comment or gettext_noop("Submitted for review")
    )


# Restoring old text never publishes, unpublishes or reschedules a story, nor changes the
# ID feeds know it by (revisions saved before stories had one would give it a new one).
KEPT_ON_RESTORE = ("status", "published_at", "published_by_id", "embargo_until", "uid")


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
    if user is not None:
        _check_may_save(user, article, article)
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
        if article.is_public:
            article.revised_at = timezone.now()
        article.version = claimed
        _stamp(article, user)
        article.save()
        audit.record(
            action=audit.Action.RESTORE_REVISION,
            user=user,
            obj=article,
            details={"revision": revision.pk, "revision_date": revision.date_created.isoformat()},
        )
        search_index_update(article)
        page_cache.content_changed_on_commit()
        front_cache.refresh_story_on_commit(article=article)
    return article


def article_delete(*, article: Article, user: AbstractBaseUser | None = None) -> None:
    """Delete ``article`` after recording it as it is, bylines and tags included.

    That last revision is what "Recover deleted articles" brings back. Call it outside
    any revision block: a revision only records rows that still exist when it closes.
    """
    with transaction.atomic():
        with article_revision(article=article, user=user, comment=gettext_noop("Deleted")):
            article.refresh_from_db()
        audit.record(
            action=audit.Action.DELETE,
            user=user,
            obj=article,
            details={"status": article.status, "url": article.get_absolute_url()},
        )
        article_id = article.pk
        front_cache.refresh_story_on_commit(article=article)
        article.delete()
        search_index_remove(article_id)
        page_cache.content_changed_on_commit()


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
    with article_revision(article=article, user=user, comment=gettext_noop("Changed the byline")):
        article.bylines.all().delete()
        bylines = Byline.objects.bulk_create(
            Byline(article=article, author=author, position=position)
            for position, author in enumerate(dict.fromkeys(authors))
        )
        for byline in bylines:
            reversion.add_to_revision(byline)


def _story_changed(*, article: Article, user: AbstractBaseUser | None) -> None:
    """Mark the story as changed without rewriting fields a colleague may be editing.

    On a live story readers see the change as an "Updated" time.
    """
    article.updated_at = timezone.now()
    changes = {"updated_at": article.updated_at}
    if article.is_public:
        article.revised_at = changes["revised_at"] = article.updated_at
    if user is not None and user.is_authenticated:
        article.updated_by = changes["updated_by"] = user
    Article.objects.filter(pk=article.pk).update(**changes)
    page_cache.content_changed_on_commit()
    front_cache.refresh_story_on_commit(article=article)


def correction_add(
    *,
    article: Article,
    kind: str,
    text: str,
    user: AbstractBaseUser | None = None,
    at: datetime | None = None,
) -> Correction:
    """Add a correction or update under ``article``, shown at ``at`` (default: now)."""
    correction = Correction(
        article=article,
        kind=kind,
        text=text,
        published_at=at or timezone.now(),
        created_by=user if user is not None and user.is_authenticated else None,
    )
    return correction_save(correction=correction, user=user)


def correction_save(*, correction: Correction, user: AbstractBaseUser | None = None) -> Correction:
    """Save a new or edited correction; its story counts as changed."""
    correction.text = correction.text.strip()
    if not correction.text:
        raise ValueError("A correction needs text for readers.")
    if correction.kind not in Correction.Kind.values:
        raise ValueError(f"Unknown kind of correction: {correction.kind!r}")
    creating = correction.pk is None
    with transaction.atomic():
        correction.save()
        _story_changed(article=correction.article, user=user)
        _record_correction(
            audit.Action.CORRECTION_ADD if creating else audit.Action.CORRECTION_CHANGE,
            correction=correction,
            user=user,
        )
    return correction


def correction_delete(*, correction: Correction, user: AbstractBaseUser | None = None) -> None:
    """Remove a correction readers saw under its story; the story counts as changed."""
    with transaction.atomic():
        _record_correction(audit.Action.CORRECTION_DELETE, correction=correction, user=user)
        correction.delete()
        _story_changed(article=correction.article, user=user)


def _record_correction(
    action: str, *, correction: Correction, user: AbstractBaseUser | None
) -> None:
    audit.record(
        action=action,
        user=user,
        obj=correction,
        label=correction.article.headline,
        details={"story": correction.article_id, "kind": correction.kind, "text": correction.text},
    )


def preview_link_create(
    *, article: Article, user: AbstractBaseUser, expires_in: timedelta, note: str = ""
) -> PreviewLink:
    """A secret link that shows ``article`` to anyone holding it, for ``expires_in``."""
    if not roles.can_publish(user):
        raise PermissionDenied("Only editors who may publish can share unpublished stories.")
    if expires_in <= timedelta(0):
        raise ValueError("A share link must work for some time.")
    return PreviewLink.objects.create(
        article=article,
        created_by=user,
        expires_at=timezone.now() + expires_in,
        note=note.strip(),
    )


def preview_link_revoke(*, link: PreviewLink, user: AbstractBaseUser) -> PreviewLink:
    """Stop ``link`` from opening its story; revoking twice keeps the first time."""
    if not roles.can_publish(user):
        raise PermissionDenied("Only editors who may publish can revoke share links.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link
