import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

register = template.Library()

# Characters that could end the <script> element or open markup inside it.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data) -> str:
    """JSON for a ``<script type="application/ld+json">`` element; no text can close it."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(SCRIPT_ESCAPES))
