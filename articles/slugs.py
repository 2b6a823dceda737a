"""Slugs typed in admin: invisible characters never become part of an address.

Zero-width characters and bidirectional controls (U+200B to U+200F, U+202A to U+202E,
U+2060 to U+2069, U+FEFF) come along when a slug is pasted from a chat or a document; in an
address they make two different URLs look the same, or make one read backwards. Slugs made
from text (``django.utils.text.slugify``, behind ``services.unique_slug``, the importer and
taggit) already leave them out; this removes them from a slug an editor types.
"""

import re

from django import forms
from django.db import models

INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


class SlugFormField(forms.SlugField):
    def to_python(self, value):
        return INVISIBLE.sub("", super().to_python(value))


class SlugAdminMixin:
    """For a ModelAdmin whose model has a slug an editor may type."""

    formfield_overrides = {models.SlugField: {"form_class": SlugFormField}}
