from django import template

from ..card_markup import cards_html
from ..cards import card

register = template.Library()


@register.simple_tag
def story_cards(cards, level=2):
    """Cards made by ``articles.cards.story_cards``, headings at ``<h{level}>``."""
    return cards_html(cards, level)


@register.simple_tag
def story_card(article, level=2):
    """The card of one story read with its bylines prefetched, such as a related story.

    Lists build their cards in one pass instead (``articles.cards.story_cards``).
    """
    authors = [author.name for author in article.byline_authors]
    return cards_html([card(article, authors)], level)
