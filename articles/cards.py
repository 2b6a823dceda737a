"""Story cards: what a list shows of each story, worked out once, in Python.

A list page shows twenty cards. Working out each card's address, date, byline and
language in the template (filters, includes, loops over prefetched rows) cost about a
quarter of a millisecond a card; a ``StoryCard`` holds the finished values, and
``articles.card_markup`` prints them. Dates are written once per day and interface
language.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import tzinfo

from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from . import addresses
from .date_labels import date_label
from .models import Article, Image
from .plain_queries import byline_rows
from .words import first_words

DEK_WORDS = 40
# A longer credit ("Reporting by ... and agencies in ...") is left to the story page.
CARD_CREDIT_LENGTH = 40


@dataclass(frozen=True, slots=True)
class StoryCard:
    url: str
    headline: str
    dek: str
    section_name: str
    section_url: str
    # ` lang=".." dir=".."` when the story is written in another language than the page's.
    language_attributes: SafeString
    byline: str  # "By A, B and C", or "" when the story has no byline
    credit: str
    published_iso: str
    published_label: str
    photo: Image | None


def story_cards(articles: Iterable[Article]) -> list[StoryCard]:
    """Cards for stories read with ``for_cards()``, in their order.

    One query for the bylines, besides the stories' own (and their photos' renditions).
    """
    return story_card_lists(articles)[0]


def story_card_lists(*lists: Iterable[Article]) -> list[list[StoryCard]]:
    """Cards for several lists of stories read with ``for_cards()``, list by list.

    One query for the bylines of all the lists, besides the stories' own.
    """
    lists = [list(articles) for articles in lists]
    names = byline_names([article.pk for articles in lists for article in articles])
    return [cards_with_authors(articles, names) for articles in lists]


def byline_names(article_ids: list[int]) -> dict[int, list[str]]:
    """The authors' names of each story, in byline order, in one query."""
    names: dict[int, list[str]] = {}
    if not article_ids:
        return names
    for article_id, _author_id, name, _slug in byline_rows(article_ids):
        names.setdefault(article_id, []).append(name)
    return names


@dataclass(frozen=True, slots=True)
class CardSettings:
    """What every card of a page shares: its language, time zone, addresses and words.

    Read once a list rather than once a card: each is a look-up in the request's
    thread-local state.
    """

    language: str
    zone: tzinfo
    address: Callable[..., str]
    by: str
    and_: str

    @classmethod
    def current(cls) -> "CardSettings":
        return cls(
            language=get_language(),
            zone=timezone.get_current_timezone(),
            address=addresses.bound_address(),
            by=gettext("By"),
            and_=gettext("and"),
        )

    def card(self, article: Article, authors: list[str]) -> StoryCard:
        """One story's card."""
        section = article.section
        published = article.published_at
        local = published.astimezone(self.zone) if published else None
        # The story's address counts its day as Article.get_absolute_url() does.
        day = local or timezone.localtime(article.created_at or timezone.now(), self.zone)
        credit = article.credit if len(article.credit) <= CARD_CREDIT_LENGTH else ""
        return StoryCard(
            url=self.address(
                "articles:detail",
                year=day.year,
                month=f"{day.month:02d}",
                day=f"{day.day:02d}",
                slug=article.slug,
            ),
            headline=article.headline,
            dek=first_words(article.dek, DEK_WORDS, truncate=" …") if article.dek else "",
            section_name=section.name,
            section_url=self.address("articles:section", slug=section.slug),
            language_attributes=language_attributes(article, self.language),
            byline=self.byline(authors) if authors else "",
            credit=credit,
            published_iso=local.strftime("%Y-%m-%dT%H:%M:%S%z") if local else "",
            published_label=date_label(local.date(), "DATE_FORMAT", self.language) if local else "",
            photo=article.lead_photo if article.lead_photo_id else None,
        )

    def byline(self, authors: list[str]) -> str:
        """ "By A", "By A and B", "By A, B and C"."""
        names = authors[0]
        if len(authors) > 1:
            names = f"{', '.join(authors[:-1])} {self.and_} {authors[-1]}"
        return f"{self.by} {names}"


def card(article: Article, authors: list[str]) -> StoryCard:
    """One story's card, in the active interface language."""
    return CardSettings.current().card(article, authors)


def cards_with_authors(articles: Iterable[Article], authors: dict[int, list[str]]):
    """Cards for stories whose authors' names (by story id) are already read."""
    here = CardSettings.current()
    return [here.card(article, authors.get(article.pk, [])) for article in articles]


def language_attributes(article: Article, language: str) -> SafeString:
    if article.language == language:
        return SafeString("")
    return format_html(' lang="{}" dir="{}"', article.language, article.direction)
