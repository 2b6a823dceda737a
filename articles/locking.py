"""Optimistic locking: a story saved from an older version is refused, never overwritten."""

from django.db.models import F

from .models import Article


class StaleEditError(Exception):
    """Someone saved the story after the caller read it; nothing was written."""

    def __init__(self, article: Article, expected_version: int):
        self.article = article
        self.expected_version = expected_version
        super().__init__(
            f"article {article.pk} is no longer at version {expected_version}; nothing was saved"
        )


def claim_next_version(article: Article, expected_version: int) -> int:
    """Move the stored story from ``expected_version`` to the next one, or raise StaleEditError.

    One conditional UPDATE: of two writers starting from the same version exactly one
    matches the row, and the row stays locked until the caller's transaction ends.
    """
    claimed = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise StaleEditError(article, expected_version)
    return expected_version + 1
