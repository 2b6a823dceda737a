"""Newsroom's models, one module per part of the domain."""

from .editing import EditSession
from .stories import Article, ArticleQuerySet, Author, Byline, Section, Tag, TaggedArticle

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "EditSession",
    "Section",
    "Tag",
    "TaggedArticle",
]
