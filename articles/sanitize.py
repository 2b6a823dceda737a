"""The one allow-list for article HTML, applied with nh3 on every save.

The admin's rich-text editor is configured from ``EDITOR_EXTENSIONS`` below, next to the
allow-list it must match; ``tests/test_sanitize.py`` fails if the two drift apart.
"""

import re
from html import escape, unescape
from html.parser import HTMLParser

import nh3
from django.utils.html import strip_tags

HEADING_LEVELS = (2, 3, 4)

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        *(f"h{level}" for level in HEADING_LEVELS),
        "strong",
        "em",
        "a",
        "ul",
        "ol",
        "li",
        "blockquote",
        "figure",
        "figcaption",
        "img",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "type"}),
}
# Relative addresses (/section/algeria/, #notes) are always kept; absolute ones need one of these.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# What django-prose-editor offers editors. Links never open a new window: the editor has no
# "open in new window" switch and any ``target`` is removed on save.
EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": list(HEADING_LEVELS)},
    "HardBreak": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "Figure": True,
    "Image": True,
    "Caption": True,
}
# Attributes the editor writes or declares that are deliberately not stored.
EDITOR_ATTRIBUTES_NOT_KEPT = {
    "a": frozenset({"rel", "target"}),  # rel is replaced by LINK_REL; target kept from pastes
    "figure": frozenset({"class"}),  # the editor's own styling hooks, "figure" and
    "figcaption": frozenset({"class"}),  # "figure-caption"; it adds them again on load
    "img": frozenset({"data-file"}),  # written only by a file picker, which is not configured
    "ol": frozenset({"data-type"}),  # declared, but never written by this editor version
}

# Pasted Word and Google Docs HTML says "bold" and "italic" with these tags and styles;
# the first pass keeps them so that ``_Normaliser`` can turn them into <strong> and <em>.
_PASTE_TAGS = frozenset({"b", "i", "span", "h1", "h5", "h6"})
_PASTE_STYLED = frozenset({"b", "i", "span"})
_PASTE_STYLE_PROPERTIES = frozenset({"font-weight", "font-style"})
# Dropped together with their text: document metadata and Word's hidden XML.
_CLEAN_CONTENT_TAGS = frozenset({"script", "style", "title", "xml"})


def _clean(html: str, **options) -> str:
    return nh3.clean(
        html,
        url_schemes=set(ALLOWED_URL_SCHEMES),
        strip_comments=True,
        **options,
    )


# C0 controls but tab, newline and carriage return, and DEL: invalid in XML feeds.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed.

    Scripts, styles, event handlers, ``javascript:``, ``data:`` and ``vbscript:`` URLs,
    iframes, SVG, MathML and forms never survive; scripts and styles take their text
    with them. Formatting pasted from Word or Google Docs becomes plain <strong>/<em>;
    empty paragraphs and runs of non-breaking spaces go, and so do control characters
    that no page or feed can carry. Cleaning clean HTML changes nothing.
    """
    loose = _clean(
        CONTROL_CHARACTERS.sub("", html or ""),
        tags=set(ALLOWED_TAGS | _PASTE_TAGS),
        attributes={
            **{tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
            **{tag: {"style"} for tag in _PASTE_STYLED},
        },
        filter_style_properties=set(_PASTE_STYLE_PROPERTIES),
        clean_content_tags=set(_CLEAN_CONTENT_TAGS),
        link_rel=None,
    )
    if _is_plain_paragraphs(loose):
        # Within both allow-lists already; the normaliser and the second pass would
        # give it back unchanged.
        return loose.strip()
    return _clean(
        _Normaliser.run(loose),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        link_rel=LINK_REL,
    ).strip()


# An empty paragraph.
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def _is_plain_paragraphs(html: str) -> bool:
    """Whether ``html``, the output of the first pass, is paragraphs of text alone (as
    an imported story's body is), which the rest of the cleaning gives back unchanged.

    It must hold no tag but <p> and </p> (every ``<`` opens one of them), no empty
    paragraph, no non-breaking space or character reference that the normaliser would
    write differently, and no leading byte-order mark, which the second pass drops.
    """
    return (
        html.count("<") == html.count("<p>") + html.count("</p>")
        and "\xa0" not in html
        and "&nbsp;" not in html
        and "&#" not in html
        and not html.startswith("\ufeff")
        and not _EMPTY_PARAGRAPH.search(html)
    )


_RENAMED = {"h1": "h2", "h5": "h4", "h6": "h4"}
_VOID = frozenset({"br", "img"})
_MARK_TAGS = frozenset({"b", "strong", "i", "em", "span"})
_BLANKABLE = frozenset({"p", *(f"h{level}" for level in HEADING_LEVELS)})
_TEXT_BLOCKS = _BLANKABLE | {"li", "figcaption"}
_BOLD_WEIGHT = re.compile(r"bold(er)?|[5-9]\d{2,}")
_NBSP_RUN = re.compile(r"[ \t\r\n\xa0]{2,}")


def _style(attrs: dict[str, str]) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in attrs.get("style", "").split(";") if ":" in part)
    return {name.strip().lower(): value.strip().lower() for name, value in pairs}


def _collapse_nbsp(text: str) -> str:
    return _NBSP_RUN.sub(lambda run: " " if "\xa0" in run.group() else run.group(), text)


class _Normaliser(HTMLParser):
    """Tidies the well-formed output of the first nh3 pass; the second pass re-checks it.

    Turns <b>, <i> and styled <span> into <strong>/<em> (a Google Docs
    ``<b style="font-weight:normal">`` wrapper is not bold), renames h1/h5/h6 to the
    nearest allowed heading, drops empty paragraphs and headings, links without an
    address, images without a source and <br> outside a text block, and shortens runs
    of spaces that contain a non-breaking space to one space.
    """

    @classmethod
    def run(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.out)

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[tuple[str, list[str]]] = []  # (source tag, tags written for it)
        self.blocks: list[list] = []  # [output index, has content] per open blankable block
        self.bold = self.italic = 0

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        tag = _RENAMED.get(tag, tag)
        if tag in _MARK_TAGS:
            written = self._marks(tag, _style(attrs))
        elif self._is_junk(tag, attrs):
            written = []
        else:
            if tag in _BLANKABLE:
                self.blocks.append([len(self.out), False])
            if tag == "img":
                self._mark_content()
            quoted = "".join(f' {name}="{escape(value)}"' for name, value in attrs.items())
            self.out.append(f"<{tag}{quoted}>")
            written = [tag]
        if tag not in _VOID:
            self.open.append((tag, written))

    def _is_junk(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag == "br":
            return not any(source in _TEXT_BLOCKS for source, _written in self.open)
        return (tag == "a" and not attrs.get("href")) or (tag == "img" and not attrs.get("src"))

    def _marks(self, tag: str, style: dict[str, str]) -> list[str]:
        weight, font_style = style.get("font-weight", ""), style.get("font-style", "")
        bold = bool(_BOLD_WEIGHT.fullmatch(weight)) or (
            tag in {"b", "strong"}
            and not weight[:1].isdigit()
            and weight not in {"normal", "lighter"}
        )
        italic = font_style in {"italic", "oblique"} or (
            tag in {"i", "em"} and font_style != "normal"
        )
        written = []
        if bold and not self.bold:
            written.append("strong")
        if italic and not self.italic:
            written.append("em")
        self.bold += "strong" in written
        self.italic += "em" in written
        self.out.extend(f"<{name}>" for name in written)
        return written

    def handle_endtag(self, tag):
        tag = _RENAMED.get(tag, tag)
        if tag in _VOID or not self.open or self.open[-1][0] != tag:
            return
        _source, written = self.open.pop()
        if tag in _BLANKABLE:
            start, has_content = self.blocks.pop()
            if not has_content:
                del self.out[start:]
                return
        for name in reversed(written):
            self.bold -= name == "strong"
            self.italic -= name == "em"
            self.out.append(f"</{name}>")

    def handle_data(self, data):
        if data.strip():
            self._mark_content()
        self.out.append(escape(_collapse_nbsp(data), quote=False))

    def _mark_content(self):
        for block in self.blocks:
            block[1] = True


# Elements that run inside a line of text; every other element separates words.
_INLINE_TAGS = frozenset({"strong", "em", "a"})


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag not in _INLINE_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


# A start or end tag as nh3 writes it: every attribute value quoted (a ">" may stand in
# one), every "<" of the text escaped.
_TAG = re.compile(r"""<(/?)([a-zA-Z][^\s/>]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


# An entity cut short at the end of a piece of HTML.
_CUT_ENTITY = re.compile(r"&[^;]*\Z")


def without_tags(html: str) -> str:
    """``django.utils.html.strip_tags(html)``, quicker for HTML as nh3 writes it, even cut
    short: the tags removed, the entities kept. Whatever it could read otherwise (a
    comment, a tag or an entity cut short) goes to ``strip_tags``."""
    if "<!" not in html and "<?" not in html:
        text = _TAG.sub("", html)
        if "<" not in text and not _CUT_ENTITY.search(text):
            return text
    return strip_tags(html)


def _tag_gap(match: re.Match) -> str:
    return "" if match[2].lower() in _INLINE_TAGS else " "


def plain_text(html: str) -> str:
    """The words of a sanitized body on one line, for summaries and word counts.

    What the HTML parser gives, about three times as fast: each tag becomes a space (or
    nothing, inside a line) and the entities are decoded. Comments, doctypes and
    processing instructions, which nh3 never writes, still go through the parser.
    """
    if "<!" in html or "<?" in html:
        extractor = _TextExtractor()
        extractor.feed(html)
        extractor.close()
        text = "".join(extractor.parts)
    else:
        text = unescape(_TAG.sub(_tag_gap, html))
    return " ".join(text.split())
