from django.conf import settings

from .models import Section


def publication(request):
    """The publication's name and menu, for every page."""
    return {
        "publication_name": settings.NEWSROOM_NAME,
        "publication_tagline": settings.NEWSROOM_TAGLINE,
        "publication_logo": settings.NEWSROOM_LOGO,
        "nav_sections": Section.objects.filter(parent=None),
    }
