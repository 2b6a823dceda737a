"""Text for the search index, and highlighted snippets that are always safe to show."""

import re
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import SafeString, mark_safe

# Backends wrap matched words in these; they are removed from indexed text, so any
# found in a snippet are the backend's.
MATCH_START = "\x02"
MATCH_END = "\x03"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MARKER = re.compile(f"({MATCH_START}|{MATCH_END})")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")  # "<p>one</p><p>two</p>" is two words, not "onetwo"

    def handle_endtag(self, tag):
        self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def clean_text(text: str) -> str:
    """``text`` with control characters (the match markers among them) and runs of space gone."""
    # str.split() splits on the characters ``\s`` matches: runs of them become one space.
    return " ".join(_CONTROL.sub(" ", text or "").split())


def plain_text(html: str) -> str:
    """The words of stored article HTML: tags dropped, entities decoded."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return clean_text("".join(extractor.parts))


def highlight(marked: str) -> SafeString:
    """Escape a backend's snippet, then turn its match markers into ``<mark>``.

    Only the markers become markup: whatever the story's text holds is escaped.
    """
    out, open_mark = [], False
    for part in _MARKER.split(marked or ""):
        if part == MATCH_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == MATCH_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))
