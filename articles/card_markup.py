"""The HTML of story cards, written in Python.

Twenty cards printed by the template engine cost about a millisecond: each of their dozen
values goes through a variable lookup, localization and escaping. Here each card is one
f-string, its text escaped by ``html.escape`` as Django's own ``escape`` does it. The
markup is what ``{% story_cards %}`` and ``{% story_card %}`` print wherever a list
shows stories.
"""

from html import escape

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from .cards import StoryCard
from .templatetags.photos import picture

CARD_PHOTO_SIZES = "(min-width: 40rem) 10rem, 7.5rem"


def card_photo(photo) -> str:
    """The card's ``<picture>``, from the same template and tag as every other photo."""
    context = picture(photo, sizes=CARD_PHOTO_SIZES, css_class="card-photo")
    return get_template("includes/picture.html").render(context)


def card_html(card: StoryCard, level: int) -> str:
    """One card; ``language_attributes`` is already safe HTML, every other value is text."""
    language = card.language_attributes
    photo = f"{card_photo(card.photo)}\n" if card.photo else ""
    dek = f'<p class="card-dek"{language}>{escape(card.dek)}</p>\n' if card.dek else ""
    byline = f'<span class="byline">{escape(card.byline)}</span> &middot; ' if card.byline else ""
    credit = f'<span class="credit">{escape(card.credit)}</span> &middot; ' if card.credit else ""
    return (
        f'<article class="card">\n{photo}'
        f'<p class="card-section"><a href="{escape(card.section_url)}">'
        f"{escape(card.section_name)}</a></p>\n"
        f'<h{level} class="card-headline"{language}><a href="{escape(card.url)}">'
        f"{escape(card.headline)}</a></h{level}>\n{dek}"
        f'<p class="card-meta">{byline}{credit}<time datetime="{escape(card.published_iso)}">'
        f"{escape(card.published_label)}</time></p>\n</article>\n"
    )


def cards_html(cards: list[StoryCard], level: int) -> SafeString:
    """Cards in a row, each heading at ``<h{level}>``."""
    return mark_safe("".join(card_html(card, level) for card in cards))
