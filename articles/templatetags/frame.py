"""``{% site_header %}``, ``{% site_footer %}`` and ``{% feed_links %}``: the frame of
every public page (``articles.frame``)."""

from django import template
from django.utils.safestring import mark_safe

from .. import frame

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context):
    return mark_safe(
        frame.site_header(
            name=context.get("publication_name", ""),
            tagline=context.get("publication_tagline", ""),
            language_links=context.get("language_links") or (),
            sections=context.get("nav_sections") or (),
            current_slug=context.get("current_section_slug"),
        )
    )


@register.simple_tag(takes_context=True)
def site_footer(context):
    return mark_safe(frame.site_footer(name=context.get("publication_name", "")))


@register.simple_tag
def feed_links(title, rss, atom, json=None):
    return mark_safe(frame.feed_links(title, rss, atom, json))
