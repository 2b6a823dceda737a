from dataclasses import dataclass

from .text import clean_text, plain_text


@dataclass(frozen=True)
class Document:
    """The text of one story as the search index holds it: no markup, no control characters."""

    article_id: int
    headline: str
    dek: str
    body: str
    language: str

    @classmethod
    def from_story(cls, *, article_id, headline, dek, body, language) -> "Document":
        """``body`` is the story's stored HTML."""
        return cls(
            article_id=article_id,
            headline=clean_text(headline),
            dek=clean_text(dek),
            body=plain_text(body),
            language=language,
        )
