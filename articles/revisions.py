"""What changed between two versions of a story, in words an editor reads.

A snapshot is a plain dict of what editors recognise in a story: headline, standfirst,
body, tags, section, status and authors. ``compare`` works on two snapshots and touches
no database; the ``snapshot_of_*`` loaders build them from a live story or a revision.
Diffs are plain text segments: templates escape them, so hostile HTML shows as text.
"""

import difflib
import html
import re
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from .models import Article, Author, Byline, Section, Tag, TaggedArticle

EQUAL, INSERT, DELETE = "equal", "insert", "delete"

# (key, label, how it is compared): words of text, a set of names, an ordered list, one value.
FIELDS = (
    ("headline", _("Headline"), "words"),
    ("dek", _("Standfirst"), "words"),
    ("body", _("Body"), "words"),
    ("tags", _("Tags"), "set"),
    ("section", _("Section"), "value"),
    ("status", _("Status"), "value"),
    ("authors", _("Authors"), "list"),
)

BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(?:p|h[1-6]|li|blockquote|figcaption|figure)\s*>")
TOKENS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: str
    text: str


@dataclass(frozen=True)
class FieldDiff:
    key: str
    label: str
    kind: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(segment.op != EQUAL for segment in self.segments)

    @property
    def separator(self) -> str:
        return {"words": "", "value": " → "}.get(self.kind, ", ")


def person_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def plain_text(value: str) -> str:
    """Text of stored HTML, one paragraph per line, entities decoded."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", value or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def diff_words(old: str, new: str) -> tuple[Segment, ...]:
    """Word-level differences between two texts; line breaks are kept as they are."""
    a, b = TOKENS.findall(old), TOKENS.findall(new)
    segments = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment(EQUAL, "".join(a[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment(DELETE, "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(Segment(INSERT, "".join(b[j1:j2])))
    return tuple(segments)


def diff_list(old: list[str], new: list[str]) -> tuple[Segment, ...]:
    """Differences between two ordered lists of names, item by item."""
    segments = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments += [Segment(EQUAL, item) for item in old[i1:i2]]
            continue
        segments += [Segment(DELETE, item) for item in old[i1:i2]]
        segments += [Segment(INSERT, item) for item in new[j1:j2]]
    return tuple(segments)


def diff_set(old: list[str], new: list[str]) -> tuple[Segment, ...]:
    """Differences between two unordered sets of names, shown alphabetically."""
    old_keys = {name.casefold(): name for name in old}
    new_keys = {name.casefold(): name for name in new}
    segments = []
    for key in sorted(old_keys.keys() | new_keys.keys()):
        if key not in new_keys:
            segments.append(Segment(DELETE, old_keys[key]))
        elif key not in old_keys:
            segments.append(Segment(INSERT, new_keys[key]))
        else:
            segments.append(Segment(EQUAL, new_keys[key]))
    return tuple(segments)


def diff_value(old: str, new: str) -> tuple[Segment, ...]:
    if old == new:
        return (Segment(EQUAL, new),)
    return tuple(Segment(op, text) for op, text in ((DELETE, old), (INSERT, new)) if text)


def compare(old: dict, new: dict) -> list[FieldDiff]:
    """How ``new`` differs from ``old``, field by field, in the order editors read a story."""
    diffs = []
    for key, label, kind in FIELDS:
        before, after = old.get(key), new.get(key)
        if kind == "words":
            if key == "body":
                before, after = plain_text(before), plain_text(after)
            segments = diff_words(before or "", after or "")
        elif kind == "set":
            segments = diff_set(before or [], after or [])
        elif kind == "list":
            segments = diff_list(before or [], after or [])
        else:
            segments = diff_value(str(before or ""), str(after or ""))
        diffs.append(FieldDiff(key, str(label), kind, segments))
    return diffs


def status_label(value: str) -> str:
    try:
        return str(Article.Status(value).label)
    except ValueError:
        return value


def snapshot_of_article(article: Article) -> dict:
    """The story as it is stored now."""
    return {
        "headline": article.headline,
        "dek": article.dek,
        "body": article.body,
        "tags": [tag.name for tag in article.tags.all()],
        "section": article.section.name,
        "status": status_label(article.status),
        "authors": [byline.author.name for byline in article.bylines.select_related("author")],
    }


def snapshot_of_version(version: Version) -> dict:
    """The story as recorded in ``version``, with the bylines and tags of the same revision."""
    fields = version.field_dict
    article_pk = fields["id"]
    bylines, tag_ids = [], []
    for other in version.revision.version_set.all():
        model = other._model
        if model is Byline and other.field_dict["article_id"] == article_pk:
            bylines.append((other.field_dict["position"], other.field_dict["author_id"]))
        elif model is TaggedArticle and other.field_dict["content_object_id"] == article_pk:
            tag_ids.append(other.field_dict["tag_id"])
    names = dict(
        Author.objects.filter(pk__in=[author for _position, author in bylines]).values_list(
            "pk", "name"
        )
    )
    section = Section.objects.filter(pk=fields["section_id"]).values_list("name", flat=True)
    return {
        "headline": fields["headline"],
        "dek": fields["dek"],
        "body": fields["body"],
        "tags": list(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True)),
        "section": section.first() or "",
        "status": status_label(fields["status"]),
        "authors": [
            names.get(author, str(_("(deleted author)"))) for _position, author in sorted(bylines)
        ],
    }
