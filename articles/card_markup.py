"""The HTML of story cards, written in Python.

Twenty cards printed by the template engine cost about a millisecond: each of their dozen
values goes through a variable lookup, localization and escaping. Here each card is one
``format_html`` call, escaping the same values the same way. The markup is what
``{% story_cards %}`` and ``{% story_card %}`` print wherever a list shows stories.
"""

from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .cards import StoryCard
from .templatetags.photos import picture

CARD_PHOTO_SIZES = "(min-width: 40rem) 10rem, 7.5rem"

CARD = """<article class="card">
  {photo}
  <p class="card-section"><a href="{section_url}">{section_name}</a></p>
  <h{level} class="card-headline"{language}><a href="{url}">{headline}</a></h{level}>
  {dek}
  <p class="card-meta">{byline}{credit}<time datetime="{published_iso}">{published_label}</time></p>
</article>
"""
DEK = '<p class="card-dek"{}>{}</p>'
BYLINE = '<span class="byline">{}</span> &middot; '
CREDIT = '<span class="credit">{}</span> &middot; '


def card_photo(photo) -> str:
    """The card's ``<picture>``, from the same template and tag as every other photo."""
    context = picture(photo, sizes=CARD_PHOTO_SIZES, css_class="card-photo")
    return get_template("includes/picture.html").render(context)


def card_html(card: StoryCard, level: int) -> SafeString:
    return format_html(
        CARD,
        photo=mark_safe(card_photo(card.photo)) if card.photo else "",
        section_url=card.section_url,
        section_name=card.section_name,
        level=level,
        language=card.language_attributes,
        url=card.url,
        headline=card.headline,
        dek=format_html(DEK, card.language_attributes, card.dek) if card.dek else "",
        byline=format_html(BYLINE, card.byline) if card.byline else "",
        credit=format_html(CREDIT, card.credit) if card.credit else "",
        published_iso=card.published_iso,
        published_label=card.published_label,
    )


def cards_html(cards: list[StoryCard], level: int) -> SafeString:
    """Cards in a row, each heading at ``<h{level}>``."""
    return mark_safe("".join(card_html(card, level) for card in cards))
