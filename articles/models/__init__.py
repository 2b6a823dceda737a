"""Newsroom's models, one module per part of the domain."""

from .photos import Image, Rendition
from .stories import Article, ArticleQuerySet, Author, Byline, Section, Tag, TaggedArticle

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Author",
    "Byline",
    "Image",
    "Rendition",
    "Section",
    "Tag",
    "TaggedArticle",
]
