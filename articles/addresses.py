"""Public addresses, reversed once per process.

A story list reverses two addresses per card; the answer for given arguments never
changes while the URLconf, the script prefix and the interface language (``/fr/...``)
stay the same, and all three are in the key. A static file's address (its hashed name
from the manifest) is remembered too.
"""

from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, override


@lru_cache(maxsize=20_000)
def _reverse(urlconf, prefix: str, language: str, viewname: str, kwargs: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def address(viewname: str, **kwargs) -> str:
    """``reverse(viewname, kwargs=kwargs)``, remembered."""
    return _reverse(
        get_urlconf(), get_script_prefix(), get_language(), viewname, tuple(kwargs.items())
    )


@lru_cache(maxsize=20_000)
def _reverse_in(urlconf, prefix: str, language: str, viewname: str, kwargs: tuple) -> str:
    with override(language):
        return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs))


def address_in(language: str, viewname: str, **kwargs) -> str:
    """``address`` in interface language ``language``, whichever is active (the language
    switcher's links)."""
    return _reverse_in(
        get_urlconf(), get_script_prefix(), language, viewname, tuple(kwargs.items())
    )


def bound_address():
    """``address`` for many calls in a row: the URLconf, prefix and language read once."""
    urlconf, prefix, language = get_urlconf(), get_script_prefix(), get_language()

    def address_here(viewname: str, **kwargs) -> str:
        return _reverse(urlconf, prefix, language, viewname, tuple(kwargs.items()))

    return address_here


@lru_cache(maxsize=100)
def static_address(path: str) -> str:
    """``static(path)``, remembered: the storage reads its manifest and its address once
    per process, so the answer for a path never changes while the settings stay."""
    return static(path)


# Settings the static files storage is made from (DEBUG: hashed names or not).
STATIC_SETTINGS = frozenset(
    {"STATIC_URL", "STATIC_ROOT", "STORAGES", "DEBUG", "INSTALLED_APPS", "FORCE_SCRIPT_NAME"}
)


@receiver(setting_changed)
def forget_addresses(*, setting, **kwargs):
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _reverse.cache_clear()
        _reverse_in.cache_clear()
    if setting in STATIC_SETTINGS:
        static_address.cache_clear()
