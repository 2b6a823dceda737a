"""Newsroom's models, one module per part of the domain."""

from .audit import AuditEvent
from .corrections import Correction
from .editing import EditSession
from .photos import Image, Rendition
from .previews import PreviewLink
from .redirects import ArticleRedirect
from .search import SearchDocument
from .staging import StagedEdit
from .stories import Article, ArticleQuerySet, Author, Byline, Section, Tag, TaggedArticle

__all__ = [
    "Article",
    "ArticleQuerySet",
    "ArticleRedirect",
    "AuditEvent",
    "Author",
    "Byline",
    "Correction",
    "EditSession",
    "Image",
    "PreviewLink",
    "Rendition",
    "SearchDocument",
    "Section",
    "StagedEdit",
    "Tag",
    "TaggedArticle",
]
