"""Turn the bytes of a plain-text story into a `ParsedArticle`.

Pure parsing: no database, no models, no settings. The `import_seeds` command decides what
to write; this module only says what a file contains, or raises `SkipFile` with a reason
an operator can act on. No input raises anything else.

Three shapes are recognised, after decoding and normalising line endings:

(a) a dateline-led first paragraph and one paragraph per line, no title: the headline is
    made from the lead sentence, which also becomes the dek;
(b) a title line, a blank line, then paragraphs (one per line, or blocks separated by blank
    lines whose hard-wrapped lines are joined); a markdown "# Title" works too;
(c) a block of "Key: value" headers ended by a blank line, then a body shaped like (a) or (b).
"""

import collections
import functools
import hashlib
import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime

import pycountry
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.text import slugify

from articles.places import find_places


class SkipFile(Exception):
    """A file that cannot become an article; str(exc) is a plain reason for the operator."""


@dataclass(frozen=True)
class ParsedArticle:
    headline: str
    headline_derived: bool
    dek: str
    dateline: str
    paragraphs: tuple[str, ...]
    section: str
    tags: tuple[str, ...]
    bylines: tuple[str, ...]
    published_at: datetime | None
    language: str
    slug: str
    status: str
    encoding: str
    legacy_encoding: bool
    content_hash: str
    places: tuple[str, ...]
    main_country: str
    warnings: tuple[str, ...] = ()


HEADER_KEYS = {
    "title": "title",
    "headline": "title",
    "dek": "dek",
    "subtitle": "dek",
    "section": "section",
    "tags": "tags",
    "byline": "byline",
    "author": "byline",
    "date": "date",
    "language": "language",
    "lang": "language",
    "slug": "slug",
    "status": "status",
}
STATUSES = {"draft": "draft", "published": "published", "publish": "published"}
MAX_TITLE_LENGTH = 200
MEGABYTE = 1024 * 1024

_HEADER_LINE = re.compile(r"([A-Za-z][\w-]*)[ \t]*:[ \t]*(.*)")
_MARKDOWN_TITLE = re.compile(r"#{1,6}\s+(?=\S)")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_SPACES = re.compile(r"[ \t]+")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")
_ARABIC_RUN = re.compile(r"[\u0600-\u06ff]+")
_WORD = re.compile(r"\w+")

# --- Decoding ----------------------------------------------------------------------------

_BOMS = [
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
]
# Unicode's control characters (category Cc) except \t \n \r \f.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_UNDECODABLE = "file is not valid UTF-8, UTF-16 or Windows-1252 text"
_BINARY = "file looks binary, not text"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode by byte-order mark, else strict UTF-8, else Windows-1252.

    Returns (text, encoding); raises SkipFile for undecodable or binary-looking data.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode(data, encoding)
            break
    else:
        if b"\x00" in data:
            raise SkipFile(_BINARY)
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode(data, "cp1252"), "cp1252"
    if _looks_binary(text):
        raise SkipFile(_BINARY)
    return text.removeprefix("\ufeff"), encoding


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SkipFile(_UNDECODABLE) from exc


def _looks_binary(text: str) -> bool:
    """NUL anywhere, or more than 5% control characters other than tab, newlines, form feed."""
    return "\x00" in text or len(_CONTROL_CHARS.findall(text)) > 0.05 * len(text)


def _size(n_bytes: int) -> str:
    if n_bytes >= MEGABYTE:
        return f"{n_bytes / MEGABYTE:.1f} MB"
    if n_bytes >= 1024:
        return f"{n_bytes / 1024:.1f} KB"
    return f"{n_bytes} bytes"


def _normalised_lines(text: str) -> list[str]:
    """Lines with Unix endings and no trailing whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [line.rstrip() for line in text.split("\n")]


# --- Parsing -----------------------------------------------------------------------------


def parse_bytes(data: bytes, *, max_bytes: int = 2 * MEGABYTE) -> ParsedArticle:
    """Parse one file's bytes; raise SkipFile with a plain reason if it cannot be an article."""
    if not data:
        raise SkipFile("file is empty")
    if len(data) > max_bytes:
        raise SkipFile(f"file is {_size(len(data))}, over the {_size(max_bytes)} limit")
    text, encoding = decode_bytes(data)
    lines = _normalised_lines(text)
    normalised = "\n".join(lines).strip("\n")
    if not normalised.strip():
        raise SkipFile("file has only whitespace")

    headers, body_start, warnings = _read_headers(lines)
    body = _trim_blank_lines(lines[body_start:])
    if body_start and not body:
        raise SkipFile("file has headers but no body")
    title, paragraphs = _read_body(body, title_allowed="title" not in headers)
    dateline, paragraphs[0] = split_dateline(paragraphs[0])

    headline, derived, dek = _headline_and_dek(headers, title, paragraphs[0])
    story_text = "\n".join([headline, dek, *paragraphs] if not derived else paragraphs)
    places = find_places(story_text, dateline=dateline)
    _check_lengths(headline=headline, headers=headers)
    return ParsedArticle(
        headline=headline,
        headline_derived=derived,
        dek=dek,
        dateline=dateline,
        paragraphs=tuple(paragraphs),
        section=headers.get("section", ""),
        tags=_split_tags(headers.get("tags", "")),
        bylines=_split_bylines(headers.get("byline", "")),
        published_at=_parse_date(headers.get("date", "")),
        language=_language(headers.get("language", ""), story_text, warnings),
        slug=_slug(headers.get("slug", ""), warnings),
        status=_status(headers.get("status", "")),
        encoding=encoding,
        legacy_encoding=encoding == "cp1252",
        content_hash=hashlib.sha256(normalised.encode("utf-8")).hexdigest(),
        places=tuple(places),
        main_country=places[0] if places else "",
        warnings=tuple(warnings),
    )


# The longest values the database columns take (see articles.models).
MAX_LENGTHS = {"title": 255, "section": 100, "slug": 255}
MAX_NAME_LENGTH = 100  # one tag or byline name


def _check_lengths(*, headline: str, headers: dict[str, str]) -> None:
    values = {**headers, "title": headline}
    for key, limit in MAX_LENGTHS.items():
        if len(values.get(key, "")) > limit:
            raise SkipFile(f"{key} is {len(values[key])} characters, over the {limit} allowed")
    for key, splitter in (("tags", _split_tags), ("byline", _split_bylines)):
        for name in splitter(headers.get(key, "")):
            if len(name) > MAX_NAME_LENGTH:
                raise SkipFile(
                    f"a name in {key} is {len(name)} characters, over the {MAX_NAME_LENGTH} allowed"
                )


def _trim_blank_lines(lines: list[str]) -> list[str]:
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _read_headers(lines: list[str]) -> tuple[dict[str, str], int, list[str]]:
    """Read a leading `Key: value` block.

    Returns (headers by canonical key, index of the first body line or 0 when there is no
    header block, warnings). The block counts only if its first non-blank line has a known
    key; it ends at a blank line (or, leniently, at the first line that is not `Key: value`).
    Blank values count as absent.
    """
    headers: dict[str, str] = {}
    warnings: list[str] = []
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    first = _HEADER_LINE.fullmatch(lines[start].strip()) if start < len(lines) else None
    if not first or first.group(1).lower() not in HEADER_KEYS:
        return headers, 0, warnings
    for index in range(start, len(lines)):
        if not lines[index].strip():
            return headers, index, warnings
        match = _HEADER_LINE.fullmatch(lines[index].strip())
        if not match:
            warnings.append(f"header block has no blank line after it (line {index + 1})")
            return headers, index, warnings
        key, value = match.group(1), match.group(2).strip()
        canonical = HEADER_KEYS.get(key.lower())
        if canonical is None:
            warnings.append(f"unknown header '{key}' on line {index + 1} ignored")
        elif canonical in headers:
            warnings.append(f"repeated header '{key}' on line {index + 1} ignored")
        elif value:
            headers[canonical] = value
    return headers, len(lines), warnings


def _read_body(lines: list[str], *, title_allowed: bool) -> tuple[str, list[str]]:
    """Split body lines into (title line or "", paragraphs); at least one paragraph."""
    title = ""
    if title_allowed and lines and _is_title_line(lines):
        title = _clean(_MARKDOWN_TITLE.sub("", lines[0].strip(), count=1))
        lines = _trim_blank_lines(lines[1:])
    paragraphs = [p for p in _paragraphs(lines) if _has_words(p)]
    if not paragraphs:
        if title:
            raise SkipFile("file has a title but no body")
        raise SkipFile("file has no words, only punctuation or symbols")
    return title, paragraphs


def _is_title_line(lines: list[str]) -> bool:
    """Is the first line a title rather than the first paragraph?

    A markdown heading always is. Otherwise a title is short, has words, is not
    dateline-led, and does not end like a sentence; with more lines after it, it must be
    followed by a blank line (ending in "?" or "!" is allowed then).
    """
    first = lines[0].strip()
    if _MARKDOWN_TITLE.match(first):
        return True
    if len(first) > MAX_TITLE_LENGTH or not _has_words(first) or split_dateline(first)[0]:
        return False
    if len(lines) == 1:
        return not _SENTENCE_END.search(first)
    return not lines[1].strip() and not first.endswith(".")


def _paragraphs(lines: list[str]) -> list[str]:
    """One paragraph per line, unless blank-line-separated blocks hold hard-wrapped lines."""
    blocks = [block.split("\n") for block in _BLANK_LINES.split("\n".join(lines))]
    if len(blocks) > 1 and any(len(block) > 1 for block in blocks):
        return [_clean(" ".join(block)) for block in blocks]
    return [_clean(line) for line in lines if line.strip()]


def _clean(text: str) -> str:
    if "\t" not in text and "  " not in text:  # most lines: nothing to squeeze
        return text.strip()
    return _SPACES.sub(" ", text).strip()


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _headline_and_dek(headers: dict[str, str], title: str, lead: str) -> tuple[str, bool, str]:
    """(headline, derived?, dek): a given title wins; otherwise the lead sentence gives both."""
    headline = _clean(headers.get("title", "")) or title
    if headline:
        return headline, False, headers.get("dek", "")
    sentence = _lead_sentence(lead)
    return derive_headline(sentence), True, headers.get("dek", "") or sentence


# --- Header values -----------------------------------------------------------------------


def _split_tags(value: str) -> tuple[str, ...]:
    return _unique(re.split(r"[,;]", value))


def _split_bylines(value: str) -> tuple[str, ...]:
    """'By Amina Ben, Karim Z. and Leila M.' -> ('Amina Ben', 'Karim Z.', 'Leila M.')."""
    value = re.sub(r"^by\s+", "", value.strip(), flags=re.IGNORECASE)
    return _unique(re.split(r",|;|&|\s+and\s+|\s+et\s+", value))


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    """Stripped, non-empty, first of each case-insensitively, in order."""
    seen: dict[str, str] = {}
    for item in items:
        item = _clean(item)
        if item:
            seen.setdefault(item.casefold(), item)
    return tuple(seen.values())


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise SkipFile(f"header Date '{value}' is not an ISO 8601 date")
    return parsed


def _status(value: str) -> str:
    if not value:
        return ""
    try:
        return STATUSES[value.lower()]
    except KeyError:
        raise SkipFile(f"header Status '{value}' is not 'draft' or 'published'") from None


def _slug(value: str, warnings: list[str]) -> str:
    """ASCII if the value has any ASCII letters or digits, else Unicode (an Arabic slug)."""
    slug = slugify(value) or slugify(value, allow_unicode=True)
    if value and not slug:
        warnings.append(f"header Slug '{value}' has no letters or digits usable in a URL; ignored")
    return slug


# --- Language ----------------------------------------------------------------------------

LANGUAGE_NAMES = {
    "anglais": "en",
    "arabe": "ar",
    "français": "fr",
    "francais": "fr",
    "العربية": "ar",
    "عربي": "ar",
    "english": "en",
}
GUESS_LANGUAGE_CHARS = 20_000
_FRENCH_WORDS = frozenset(
    {"le", "la", "les", "des", "du", "un", "une", "est", "et", "dans", "pour", "qui", "que"}
    | {"sur", "au", "aux", "avec", "par", "ce", "cette", "ces", "sont", "été", "ne", "pas"}
    | {"plus", "leur", "il", "elle", "nous", "vous", "ils"}
)
_ENGLISH_WORDS = frozenset(
    {"the", "of", "and", "to", "in", "is", "that", "for", "with", "was", "were", "are", "by"}
    | {"from", "this", "it", "be", "has", "have", "his", "her", "their", "which", "not"}
)


def _language(value: str, text: str, warnings: list[str]) -> str:
    """The header's language as an ISO 639-1 code, else a guess from the text."""
    if value:
        code = _language_code(value)
        if code:
            return code
        warnings.append(f"header Language '{value}' not recognised; guessed from the text")
    return _guess_language(text)


def _language_code(value: str) -> str:
    value = value.strip().lower()
    if value in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[value]
    base = re.split(r"[-_]", value, maxsplit=1)[0]  # "fr-FR" -> "fr"
    language = pycountry.languages.get(alpha_2=base) if len(base) == 2 else None
    if language is None:
        try:
            language = pycountry.languages.lookup(value)
        except LookupError:
            return ""
    return getattr(language, "alpha_2", "")


_FRENCH_BYTES = frozenset(word.encode() for word in _FRENCH_WORDS if word.isascii())
_ENGLISH_BYTES = frozenset(word.encode() for word in _ENGLISH_WORDS)
# Each byte as itself, but those ``\w`` does not match as a space.
_ASCII_NON_WORD = bytes(
    byte if chr(byte).isalnum() or byte == ord("_") else ord(" ") for byte in range(256)
)


def _guess_language(text: str) -> str:
    """'ar' for mostly Arabic script, 'fr' when French stop words outnumber English ones.

    Only the opening of a long text is read: it is enough, and keeps big files fast.
    """
    text = text[:GUESS_LANGUAGE_CHARS]
    if text.isascii():
        # No Arabic letter; the same words as below, split out of the bytes much faster.
        words = text.lower().encode().translate(_ASCII_NON_WORD).split()
        french = sum(map(_FRENCH_BYTES.__contains__, words))
        english = sum(map(_ENGLISH_BYTES.__contains__, words))
    else:
        arabic = _ARABIC_LETTER.search(text) and sum(
            map(str.isalpha, "".join(_ARABIC_RUN.findall(text)))
        )
        if arabic and arabic > 0.3 * sum(map(str.isalpha, text)):
            return "ar"
        words = _WORD.findall(text.lower())
        french = sum(map(_FRENCH_WORDS.__contains__, words))
        english = sum(map(_ENGLISH_WORDS.__contains__, words))
    return "fr" if french > english and french >= 2 else "en"


# --- Datelines, sentences and headlines --------------------------------------------------

# Dashes: en dash, em dash, "--" or "-"; quotes: typographic single and double ones.
DASHES = "\u2013\u2014-"
QUOTES = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb"
_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][\w'\u2019.\-]*(?:[ \t\u00a0]+[\w'\u2019.\-]+){0,4}?)"
    r"(?P<date>[ \t\u00a0]*[,\u060c][ \t\u00a0]*[^,\u060c()\n\u2013\u2014]{1,25}?)?"
    r"(?P<agency>[ \t\u00a0]*\([^()\n]{1,30}\))?"
    r"[ \t\u00a0]+(?:\u2013|\u2014|--?)[ \t\u00a0]+(?P<rest>\S.*)",
    re.DOTALL,
)
MAX_DATELINE_LENGTH = 60
# Lowercase words allowed inside a place name: "Rio de Janeiro", "Dar es Salaam".
_PLACE_PARTICLE = re.compile(r"de|del|da|do|dos|es|el|al|la|le|du|des|of|the|sur")


def split_dateline(paragraph: str) -> tuple[str, str]:
    """('Algiers', 'President ...') for 'Algiers - President ...'; ('', paragraph) if none.

    A dateline is a place of one to five capitalised (or ALL-CAPS, or Arabic) words,
    optionally followed by ", <date>" and "(Agency)", then a dash (en, em, "-" or "--")
    with spaces around it, then text with words in it. Any short capitalised phrase before a
    spaced dash at the start of a paragraph therefore counts; the whole dateline is at most
    60 characters.
    """
    match = _DATELINE.match(paragraph)
    if not match or not _is_place(match.group("place")) or not _is_date(match.group("date")):
        return "", paragraph
    dateline = _clean(paragraph[: match.start("rest")].rstrip().rstrip(DASHES))
    if len(dateline) > MAX_DATELINE_LENGTH or not _has_words(match.group("rest")):
        return "", paragraph
    return dateline, match.group("rest").strip()


def _is_place(place: str) -> bool:
    words = place.split()
    return (
        _is_name_word(words[0])
        and _is_name_word(words[-1])
        and all(_is_name_word(word) or _PLACE_PARTICLE.fullmatch(word) for word in words)
    )


def _is_name_word(word: str) -> bool:
    return word[0].isupper() or bool(_ARABIC_LETTER.match(word))


def _is_date(part: str | None) -> bool:
    """A dateline's part after the comma: has a digit, or is capitalised words ("Algeria")."""
    if not part:
        return True
    part = part.strip(" \t\u00a0,\u060c")
    return any(char.isdigit() for char in part) or all(_is_name_word(w) for w in part.split())


_SENTENCE_END = re.compile(r"[.!?\u2026\u061f]+[\"\u2019\u201d\u00bb)\]]*(?=\s|$)")
_ABBREVIATION = re.compile(
    r"mr|mrs|ms|dr|prof|gen|col|lt|sgt|capt|st|jr|sr|vs|no|inc|ltd|co|corp|gov|sen|rep|rev"
    r"|hon|mt|ft|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|m|mme|mlle|me",
    re.IGNORECASE,
)
_INITIALS = re.compile(r"(?:[A-Z]\.)*[A-Z]")
_NEXT_CHAR = re.compile(r"\s*(\S)")


def _sentence_ends(text: str) -> Iterable[int]:
    """Offsets just after each sentence's closing punctuation, the last one included."""
    for match in _SENTENCE_END.finditer(text):
        following = _NEXT_CHAR.match(text, match.end())
        abbreviation = match.group() == "." and _ends_abbreviation(text, match.start())
        if abbreviation or (following and following.group(1).islower()):
            continue
        yield match.end()


def _ends_abbreviation(text: str, stop: int) -> bool:
    """Does the full stop at `stop` end "Mr." or initials such as "U.S."?"""
    before = text[max(0, stop - 30) : stop].split()
    word = before[-1].lstrip("(" + QUOTES) if before else ""
    return bool(_ABBREVIATION.fullmatch(word) or _INITIALS.fullmatch(word))


def _lead_sentence(paragraph: str) -> str:
    """The paragraph's first sentence with words in it, else the whole paragraph."""
    ends = (end for end in _sentence_ends(paragraph) if _has_words(paragraph[:end]))
    return paragraph[: next(ends, len(paragraph))].strip()


_CLAUSE_BREAK = re.compile(r"[,;:] | [\u2013\u2014-] ")
_JOINING_WORD = re.compile(
    r" (?:after|amid|and|as|at|before|but|by|despite|during|following|for|from|in|on|over"
    r"|says|said|signaling|signalling|that|to|which|while|who|with"
    r"|alors|après|avec|dans|et|mais|lors|pour|qui) ",
    re.IGNORECASE,
)
_DANGLING_WORD = re.compile(
    r"a|an|and|as|at|but|by|for|from|his|her|in|its|of|on|or|the|their|this|that|to|which"
    r"|while|who|with|à|au|aux|avec|dans|de|des|du|en|et|la|le|les|pour|sur|un|une",
    re.IGNORECASE,
)
MIN_CUT = 40


def derive_headline(sentence: str, *, limit: int = 100) -> str:
    """A headline of at most `limit` characters from a lead sentence.

    A short sentence is kept whole (minus its final full stop). A long one is cut at the
    longest clause break (", " "; " a spaced dash...) or before a joining word (" and "...)
    that leaves at least 40 characters, else at the last word boundary; dangling stop words
    and punctuation are then trimmed. Never cuts inside a word, unless a single word is
    longer than `limit`.
    """
    text = _clean(sentence)
    text = _drop_full_stop(text).rstrip(" ,;:" + DASHES) or text
    if len(text) <= limit:
        return text
    cuts = [cut for cut in _cut_points(text[: limit + 1]) if cut >= MIN_CUT]
    if cuts:
        headline = _tidy(text[: max(cuts)])
    else:
        space = text.rfind(" ", 0, limit + 1)
        headline = _tidy(text[:space]) if space > 0 else text[:limit]
    return headline or text[:limit].rsplit(" ", 1)[0] or text[:limit]


def _drop_full_stop(text: str) -> str:
    """Drop a final full stop, but not the one closing "U.S." or "Mr."."""
    stop = len(text) - 1
    if text.endswith(".") and not text.endswith("..") and not _ends_abbreviation(text, stop):
        return text[:-1]
    return text


def _cut_points(text: str) -> list[int]:
    """Offsets where a clause ends or a joining word begins."""
    breaks = [*_CLAUSE_BREAK.finditer(text), *_JOINING_WORD.finditer(text)]
    return [match.start() for match in breaks]


def _tidy(headline: str) -> str:
    """Drop trailing punctuation, dangling stop words and an unclosed parenthesis."""
    if headline.count("(") > headline.count(")"):
        headline = headline[: headline.rfind("(")]
    while True:
        headline = headline.rstrip(" ,;:(" + DASHES + QUOTES)
        words = headline.rsplit(" ", 1)
        if len(words) < 2 or not _DANGLING_WORD.fullmatch(words[1]):
            return headline
        headline = words[0]


# --- HTML --------------------------------------------------------------------------------

_POINTER = re.compile(
    r"\b(?:our|notre)\s+(?:[\w'\u2019-]+\s+){0,3}?(?:section|rubrique)\b"
    r"(?:\s+(?:dédiée|consacrée))?",
    re.IGNORECASE,
)
# A word every pointer phrase has, found much faster than the phrase itself.
_POINTER_WORD = re.compile(r"section|rubrique", re.IGNORECASE)
_SUBJECT_CUE = (
    r"(?:about|on|of|for|regarding|concerning|sur|de|à)\s+(?:the\s+|l['\u2019]|la\s+|le\s+)?"
)


def body_html(paragraphs: Iterable[str], *, section_links: Mapping[str, str] = {}) -> str:
    """Paragraphs as escaped <p> elements, one per line.

    In a sentence that points readers to "our dedicated section" (or "our X section",
    "notre rubrique"...), the pointer phrase links to the section the sentence names, if
    that name is a key of `section_links`. No other markup is produced.
    """
    return "\n".join(
        f"<p>{_paragraph_html(paragraph, section_links)}</p>"
        for paragraph in paragraphs
        if paragraph.strip()
    )


def links_sections(paragraphs: Iterable[str]) -> bool:
    """Whether `body_html` would look for section links in these paragraphs."""
    paragraphs = [paragraph for paragraph in paragraphs if paragraph.strip()]
    text = "\n".join(paragraphs)
    if text.isascii():  # then no case-insensitive match hides from its lower case
        lower = text.lower()
        if "section" not in lower and "rubrique" not in lower:
            return False
    return any(
        _POINTER_WORD.search(paragraph) and _POINTER.search(paragraph) for paragraph in paragraphs
    )


def _paragraph_html(paragraph: str, section_links: Mapping[str, str]) -> str:
    if not section_links or not _POINTER.search(paragraph):
        return escape(paragraph)
    parts = []
    done = 0
    start = 0
    for end in [*_sentence_ends(paragraph), len(paragraph)]:
        if end <= start:
            continue
        link = _pointer_link(paragraph[start:end], section_links)
        if link:
            url, (left, right) = link
            parts += [
                escape(paragraph[done : start + left]),
                f'<a href="{escape(url)}">{escape(paragraph[start + left : start + right])}</a>',
            ]
            done = start + right
        start = end
    parts.append(escape(paragraph[done:]))
    return "".join(parts)


def _pointer_link(
    sentence: str, section_links: Mapping[str, str]
) -> tuple[str, tuple[int, int]] | None:
    """(URL, span of the pointer phrase) if the sentence points to a known section."""
    pointer = _POINTER.search(sentence)
    if not pointer:
        return None
    subjects = find_mentions(sentence, section_links)
    if not subjects:
        return None
    cued = [
        name
        for name in subjects
        if re.search(rf"{_SUBJECT_CUE}{re.escape(name)}(?!\w)", sentence, re.IGNORECASE)
    ]
    inside = find_mentions(pointer.group(), subjects)
    subject = (cued or inside or subjects)[0]
    return section_links[subject], pointer.span()


@functools.lru_cache(maxsize=10_000)
def _name_words(name: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(name.lower()))


def find_mentions(text: str, names: Iterable[str], words: Set[str] | None = None) -> list[str]:
    """Those of `names` found in `text` as whole words, case-insensitively, in given order.

    `words` may give `text_words(text)`, worked out already.
    """
    return _mentions(text, names, text_words(text) if words is None else words)


def text_words(text: str) -> frozenset[str]:
    """The words of `text`, in lower case."""
    lower = text.lower()
    if lower.isascii():  # the same words, split out of the bytes much faster
        return frozenset(lower.encode().translate(_ASCII_NON_WORD).decode().split())
    return frozenset(_WORD.findall(lower))


class MentionFinder:
    """`find_mentions` for one list of names and many texts, with the same results.

    The names are filed by their first word, so that a text is searched only for the
    names whose first word it contains, not for every name of a long list.
    """

    def __init__(self, names: Iterable[str]):
        self.names = list(names)
        self._patterns = {}
        self._by_first_word = collections.defaultdict(list)
        self._wordless = []  # names of punctuation only: always searched for
        for position, name in enumerate(self.names):
            if words := _name_words(name.strip()):
                self._by_first_word[words[0]].append(position)
            elif name.strip():
                self._wordless.append(position)

    def __call__(self, text: str, words: Set[str] | None = None) -> list[str]:
        if words is None:
            words = text_words(text)
        positions = [*self._wordless]
        for word in words:
            positions += self._by_first_word.get(word, ())
        positions.sort()
        names = [self.names[position] for position in positions]
        return _mentions(text, names, words, self._patterns)


def _mentions(
    text: str, names: Iterable[str], words: Set[str], patterns: dict | None = None
) -> list[str]:
    """``patterns`` keeps each name's compiled pattern between calls."""
    found, seen = [], set()
    for name in names:
        stripped = name.strip()
        if not stripped or name in seen:
            continue
        if not words.issuperset(_name_words(stripped)):
            continue  # a word of the name is missing from the text: no need to search
        if patterns is None:
            pattern = _mention_pattern(stripped)
        elif (pattern := patterns.get(stripped)) is None:
            pattern = patterns[stripped] = _mention_pattern(stripped)
        if pattern.search(text):
            found.append(name)
            seen.add(name)
    return found


def _mention_pattern(name: str) -> re.Pattern[str]:
    """``name`` as a whole word, in any case. Its first character is tested before the
    one before it, which spares the look back at most places of a text."""
    escaped = re.escape(name)
    first = re.escape(name[0])
    return re.compile(rf"(?={first})(?<!\w){escaped}(?!\w)", re.IGNORECASE)
