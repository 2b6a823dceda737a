from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import Error, register


@register()
def logo_is_a_static_file(app_configs, **kwargs) -> list[Error]:
    """A wrong NEWSROOM_LOGO would otherwise first show as server errors on public pages."""
    if finders.find(settings.NEWSROOM_LOGO):
        return []
    return [
        Error(
            f"NEWSROOM_LOGO is {settings.NEWSROOM_LOGO!r}, which is not among the static files.",
            hint="Give the path of a PNG or JPEG under static/, such as 'img/logo.png'.",
            id="articles.E001",
        )
    ]
