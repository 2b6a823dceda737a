"""``{% address %}``: ``{% url %}`` with keyword arguments, reversed once per process.

Every page names the same few addresses (home, search, feeds, the list's own feeds);
``articles.addresses`` remembers them instead of reversing them on each page.
"""

from django import template

from .. import addresses

register = template.Library()


@register.simple_tag
def address(viewname, **kwargs):
    return addresses.address(viewname, **kwargs)
