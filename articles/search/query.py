"""What a reader typed, turned into terms both search backends understand.

Words are looked for together, a quoted phrase as written, and a word or phrase after
a minus sign is left out. Everything else (operators, brackets, stars, colons) is
ignored, so no input can reach a backend as syntax.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200

# A phrase in double quotes (the closing quote may be missing), or a run of other
# characters; either may start with a minus sign.
_TERM = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')


class QueryError(ValueError):
    """A query that cannot be searched; ``message`` tells the reader why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    exclude: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def included(self) -> list[Term]:
        return [term for term in self.terms if not term.exclude]

    @property
    def excluded(self) -> list[Term]:
        return [term for term in self.terms if term.exclude]

    def fts5(self) -> str:
        """An FTS5 MATCH expression: every term a quoted string, so never an operator."""
        expression = " AND ".join(_quoted(term) for term in self.included)
        for term in self.excluded:
            expression = f"({expression}) NOT {_quoted(term)}"
        return expression

    def websearch(self) -> str:
        """The same query in PostgreSQL's ``websearch_to_tsquery`` syntax."""
        return " ".join(("-" if term.exclude else "") + _quoted(term) for term in self.terms)


def _quoted(term: Term) -> str:
    return '"' + " ".join(term.words) + '"'


def _words(text: str) -> tuple[str, ...]:
    """Runs of letters, digits and combining marks; everything else separates words."""
    kept = "".join(char if unicodedata.category(char)[0] in "LNM" else " " for char in text)
    return tuple(kept.split())


def parse_query(text: str) -> ParsedQuery:
    """Parse a reader's query; raise QueryError when there is nothing to search for."""
    text = (text or "").strip()
    if not text:
        raise QueryError(_("Type one or more words to search for."))
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(
            _(
                "Your search is %(length)d characters long; searches can be at most "
                "%(limit)d. Try fewer words."
            )
            % {"length": len(text), "limit": MAX_QUERY_LENGTH}
        )
    terms = []
    for match in _TERM.finditer(text):
        minus, phrase, word = match.groups()
        words = _words(phrase if phrase is not None else word)
        if words:
            terms.append(Term(words=words, exclude=bool(minus)))
    parsed = ParsedQuery(terms=tuple(dict.fromkeys(terms)))
    if not parsed.included:
        raise QueryError(
            _(
                "Your search has no words to look for. Punctuation and symbols are "
                "ignored, and words after a minus sign (-) are only left out of results."
            )
        )
    return parsed
