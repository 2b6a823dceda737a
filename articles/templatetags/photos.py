from django import template

register = template.Library()

# The fallback <img src> for browsers without srcset: sharp enough on most screens.
FALLBACK_SRC_WIDTH = 960


def srcset(renditions) -> str:
    return ", ".join(f"{rendition.file.url} {rendition.width}w" for rendition in renditions)


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes="100vw", lazy=True, css_class=""):
    """A responsive ``<picture>`` for a photo: WebP first, then a JPEG or PNG fallback.

    Uses the photo's prefetched renditions and never makes new ones, so a page costs
    no extra queries or image work. ``lazy=False`` is for the one photo at the top of a
    page: it loads first, at high priority.
    """
    if image is None:
        return {"image": None}
    renditions = list(image.renditions.all())
    webp = [r for r in renditions if r.format == "webp"]
    fallback = [r for r in renditions if r.format != "webp"]
    src = max(
        (r for r in fallback if r.width <= FALLBACK_SRC_WIDTH),
        key=lambda r: r.width,
        default=fallback[0] if fallback else None,
    )
    return {
        "image": image,
        "sizes": sizes,
        "lazy": lazy,
        "css_class": css_class,
        "webp_srcset": srcset(webp),
        "fallback_srcset": srcset(fallback),
        "src": src.file.url if src is not None else image.file.url,
    }
