"""The site's interface languages and the addresses of a page in each of them.

The interface language comes from the address alone: ``/`` and every unprefixed page
are in the site's language (``LANGUAGE_CODE``), ``/fr/...`` and ``/ar/...`` in French and
Arabic. A story keeps its own language (``Article.language``) whatever the interface.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .addresses import address_in


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # the language's own name: "Français", "العربية"
    direction: str
    url: str
    is_current: bool


def direction(code: str) -> str:
    return "rtl" if translation.get_language_info(code)["bidi"] else "ltr"


def interface_language(code: str) -> str:
    """The interface language closest to ``code`` ("fr-ca" is "fr"), else the site's."""
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return settings.LANGUAGE_CODE


def path_language(path: str) -> str:
    """The interface language an address is in."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


def path_without_language(path: str) -> str:
    """``/fr/search/`` is ``/search/``: the address as it reads in the site's language."""
    code = translation.get_language_from_path(path)
    if code is None:
        return path
    return path[len(code) + 1 :]


def in_language(code: str, url_function, *args, **kwargs) -> str:
    """``url_function(*args, **kwargs)`` reversed in interface language ``code``."""
    with translation.override(interface_language(code)):
        return url_function(*args, **kwargs)


def story_url(article) -> str:
    """A story's own address: under its language's interface (``/fr/...`` for French)."""
    return address_in(
        interface_language(article.language), "articles:detail", **article.address_kwargs()
    )


MAX_CARRIED_QUERY = 1000


def switcher_links(request) -> list[LanguageLink]:
    """This page in every interface language, for the language switcher."""
    current = translation.get_language()
    # The query string comes along (a filter, a page number), unless it is too long to
    # repeat in every link: a megabyte of search stays on the page it was typed into.
    here = request.get_full_path()
    if len(request.META.get("QUERY_STRING", "")) > MAX_CARRIED_QUERY:
        here = request.path
    links = []
    for code, _name in settings.LANGUAGES:
        url = here if code == current else _translated(request, here, code)
        if url == here and code != current:
            # Not a page of the public site (a 404): offer that language's home page.
            url = in_language(code, reverse, "articles:home")
        info = translation.get_language_info(code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                direction=direction(code),
                url=url,
                is_current=code == current,
            )
        )
    return links


def _translated(request, here: str, code: str) -> str:
    """``here`` in interface language ``code``, else ``here`` unchanged.

    What ``django.urls.translate_url`` does, from the match the request was answered
    with instead of resolving the address once more for every language.
    """
    return translated(request.resolver_match, here, code)


def translated(match, here: str, code: str) -> str:
    """``here`` (answered by resolver ``match``) in interface language ``code``, else
    ``here`` unchanged."""
    if match is None or match.url_name is None:
        return here
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    try:
        if match.args or not all(isinstance(v, str | int) for v in match.kwargs.values()):
            # Positional arguments, or a view's extra ones (a sitemap's dictionary).
            url = in_language(code, reverse, name, args=match.args, kwargs=match.kwargs)
        else:
            url = address_in(interface_language(code), name, **match.kwargs)
    except NoReverseMatch:
        return here
    query = here.partition("?")[2]
    return f"{url}?{query}" if query else url
