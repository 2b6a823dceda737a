"""Newsroom's models, one module per part of the domain."""

from .staging import StagedEdit
from .stories import Article, ArticleQuerySet, Author, Byline, Section, Tag, TaggedArticle

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Section",
    "StagedEdit",
    "Tag",
    "TaggedArticle",
]
