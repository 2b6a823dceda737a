from django.conf import settings

from .languages import switcher_links
from .models import Section


def publication(request):
    """The publication's name, menu and language switcher, for every page."""
    return {
        "publication_name": settings.NEWSROOM_NAME,
        "publication_tagline": settings.NEWSROOM_TAGLINE,
        "publication_logo": settings.NEWSROOM_LOGO,
        "nav_sections": Section.objects.filter(parent=None),
        "language_links": switcher_links(request),
    }
