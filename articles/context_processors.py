from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .addresses import bound_address
from .languages import switcher_links
from .plain_queries import top_sections


def publication(request):
    """The publication's name, menu and language switcher, for every page."""
    return {
        "publication_name": settings.NEWSROOM_NAME,
        "publication_tagline": settings.NEWSROOM_TAGLINE,
        "publication_logo": settings.NEWSROOM_LOGO,
        # Read only by pages that show the menu, not by admin's.
        "nav_sections": SimpleLazyObject(menu_sections),
        "language_links": switcher_links(request),
    }


@dataclass(frozen=True, slots=True)
class MenuSection:
    name: str
    slug: str
    url: str


def menu_sections(rows: list[tuple[str, str]] | None = None) -> list[MenuSection]:
    """The top-level sections, in menu order, each with its address; from ``rows``
    (``plain_queries.top_sections``' (name, slug) pairs) when a page read them already."""
    address = bound_address()
    return [
        MenuSection(name, slug, address("articles:section", slug=slug))
        for name, slug in (top_sections() if rows is None else rows)
    ]
