"""The frame every public page shares (its header, menu, language switcher, feed links
and footer), written in Python.

Printed by the template engine, the frame cost each page about 0.6 ms: some forty
values, each looked up, localized and escaped. Its words and fixed addresses are
written once per process, interface language and publication name
(``_header_start``); what changes from one request to the next (the language
switcher's links, the menu and its current section, the year) is put in with one
f-string, escaped by ``html.escape`` as Django's own ``escape`` does it.
``{% site_header %}``, ``{% site_footer %}`` and ``{% feed_links %}`` print it
(``articles.templatetags.frame``).
"""

from functools import lru_cache
from html import escape

from django.utils import timezone
from django.utils.translation import get_language, gettext

from .addresses import address


@lru_cache(maxsize=64)
def _header_start(language: str, name: str, tagline: str, home: str, search: str) -> str:
    """The header up to the language switcher's links, in ``language`` (the active one)."""
    return (
        f'<a class="skip-link" href="#main">{escape(gettext("Skip to content"))}</a>\n'
        '<header class="site-header">\n'
        '<div class="wrap">\n'
        f'<a class="site-name" href="{escape(home)}">{escape(name)}</a>\n'
        f'<p class="site-tagline">{escape(tagline)}</p>\n'
        f'<a class="site-search-link" href="{escape(search)}">'
        f"{escape(gettext('Search stories'))}</a>\n"
        f'<nav class="language-switcher" aria-label="{escape(gettext("Languages"))}">\n'
        "<ul>"
    )


@lru_cache(maxsize=8)
def _menu_start(language: str) -> str:
    """From the end of the language switcher to the menu's first item."""
    return (
        "</ul>\n"
        "</nav>\n"
        "</div>\n"
        f'<nav class="site-nav" aria-label="{escape(gettext("Sections"))}">\n'
        '<ul class="wrap">\n'
    )


HEADER_END = "</ul>\n</nav>\n</header>"


def language_link(link) -> str:
    current = ' aria-current="page"' if link.is_current else ""
    return (
        f'<li><a href="{escape(link.url)}" hreflang="{escape(link.code)}"'
        f' lang="{escape(link.code)}" dir="{escape(link.direction)}"{current}>'
        f"{escape(link.name)}</a></li>"
    )


def menu_item(section, current_slug) -> str:
    current = ' aria-current="page"' if section.slug == current_slug else ""
    return f'<li><a href="{escape(section.url)}"{current}>{escape(section.name)}</a></li>\n'


def site_header(*, name: str, tagline: str, language_links, sections, current_slug) -> str:
    """The skip link and the site's header: name, search, languages and the menu."""
    language = get_language()
    start = _header_start(
        language, name, tagline, address("articles:home"), address("articles:search")
    )
    links = "".join(language_link(link) for link in language_links)
    menu = "".join(menu_item(section, current_slug) for section in sections)
    return f"{start}{links}{_menu_start(language)}{menu}{HEADER_END}"


@lru_cache(maxsize=64)
def _footer_parts(language: str, name: str, latest: str, corrections: str) -> tuple[str, str]:
    return (
        '<footer class="site-footer">\n<div class="wrap">\n<p>&copy; ',
        f" {escape(name)} &middot; "
        f'<a href="{escape(latest)}">{escape(gettext("All the latest news"))}</a> &middot; '
        f'<a href="{escape(corrections)}">{escape(gettext("Corrections"))}</a></p>\n'
        "</div>\n</footer>",
    )


def site_footer(*, name: str) -> str:
    """The footer: this year, the publication, links to the latest news and corrections."""
    before, after = _footer_parts(
        get_language(), name, address("articles:latest"), address("articles:corrections")
    )
    return f"{before}{timezone.localtime().year}{after}"


def feed_links(title: str, rss: str, atom: str, json: str | None = None) -> str:
    """``<link rel="alternate">`` to a list's RSS and Atom feeds, and its JSON Feed if any."""
    title = escape(title)
    links = (
        f'<link rel="alternate" type="application/rss+xml" title="{title} (RSS)"'
        f' href="{escape(rss)}">\n'
        f'<link rel="alternate" type="application/atom+xml" title="{title} (Atom)"'
        f' href="{escape(atom)}">'
    )
    if json:
        links += (
            f'\n<link rel="alternate" type="application/feed+json" title="{title} (JSON Feed)"'
            f' href="{escape(json)}">'
        )
    return links
