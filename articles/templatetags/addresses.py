"""``{% address %}``: ``{% url %}`` with keyword arguments, reversed once per process;
``{% static_address %}``: ``{% static %}``, worked out once per process.

Every page names the same few addresses (home, search, feeds, the list's own feeds) and
static files (its style sheet, its icon); ``articles.addresses`` remembers them instead
of working them out on each page.
"""

from django import template

from .. import addresses

register = template.Library()


@register.simple_tag
def address(viewname, **kwargs):
    return addresses.address(viewname, **kwargs)


@register.simple_tag
def static_address(path):
    return addresses.static_address(path)
