"""Dates written out the interface language's way, once per day, format and language.

``date_format`` costs tens of microseconds a call; a month's archive names its 31 days
twice, and a list writes each card's day.
"""

from datetime import date
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.translation import get_language


@lru_cache(maxsize=8192)
def date_label(day: date, format_name: str, language: str) -> str:
    """``date_format(day, format_name)``; ``language`` is the active one."""
    return date_format(day, format_name)


def label(day: date, format_name: str) -> str:
    """``date_format(day, format_name)`` in the active language."""
    return date_label(day, format_name, get_language())


@receiver(setting_changed)
def forget_date_labels(*, setting, **kwargs):
    if setting in ("FORMAT_MODULE_PATH", "DATE_FORMAT", "USE_L10N", "LANGUAGES"):
        date_label.cache_clear()
