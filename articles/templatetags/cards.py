from django import template
from django.utils.translation import get_language

from ..cards import card

register = template.Library()


@register.inclusion_tag("includes/story_cards.html")
def story_card(article, level=2):
    """The card of one story read with its bylines prefetched, such as a related story.

    Lists build their cards in one pass instead (``articles.cards.story_cards``).
    """
    authors = [author.name for author in article.byline_authors]
    return {"cards": [card(article, authors, get_language())], "level": level}
