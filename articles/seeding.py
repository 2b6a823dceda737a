"""Writing seed files to the database: one transaction per file, nothing half-written.

Parsing lives in ``importer`` and never touches the database; this module decides
what each parsed file means for the stories already there (create, update, leave
alone) and reports the outcome of every file.
"""

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from . import services
from .importer import ParsedArticle, SkipFile, body_html, find_mentions, parse_bytes
from .locking import StaleEditError
from .models import Article, Section, Tag
from .sanitize import sanitize_html

DEFAULT_SECTION_SLUG = "news"


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # changed on disk, but an editor changed the story since: theirs wins
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class SeedOptions:
    status: str | None = None  # forces the status of new stories; None: the file's or published
    section: Section | None = None
    author_names: tuple[str, ...] = ()
    default_date: datetime | None = None
    create_sections: bool = False
    dry_run: bool = False
    max_bytes: int = field(default_factory=lambda: settings.NEWSROOM_IMPORT_MAX_BYTES)


@dataclass(frozen=True)
class FileResult:
    path: Path
    outcome: Outcome
    message: str = ""
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.outcome is Outcome.SKIPPED


def iter_seed_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and every ``*.txt`` under folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.txt") if p.is_file())
        else:
            yield path


def source_name(path: Path) -> str:
    """How a file is remembered: relative to the project when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(settings.BASE_DIR).as_posix()
    except ValueError:
        return resolved.as_posix()


class SeedImporter:
    """Imports files one by one; keeps only small lookups (sections, tag names) between files."""

    def __init__(self, options: SeedOptions):
        self.options = options
        self._load_sections()
        self.tag_names = list(Tag.objects.values_list("name", flat=True))

    def _load_sections(self) -> None:
        self._created_section = False
        self.sections = {}
        self.section_links = {}
        for section in Section.objects.all():
            self._remember_section(section)

    def _remember_section(self, section: Section) -> None:
        self.sections[section.name.casefold()] = section
        self.sections[section.slug.casefold()] = section
        self.section_links[section.name] = section.get_absolute_url()

    def import_file(self, path: Path) -> FileResult:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return FileResult(path, Outcome.SKIPPED, "file not found")
        except IsADirectoryError:
            return FileResult(path, Outcome.SKIPPED, "is a folder with no .txt files")
        except OSError as exc:
            return FileResult(path, Outcome.SKIPPED, f"cannot be read: {exc.strerror or exc}")
        try:
            parsed = parse_bytes(data, max_bytes=self.options.max_bytes)
        except SkipFile as exc:
            return FileResult(path, Outcome.SKIPPED, str(exc))
        notes = tuple(parsed.warnings)
        if parsed.legacy_encoding:
            notes += ("not UTF-8: read as Windows-1252 text",)
        try:
            with transaction.atomic():
                result = self._write(path, parsed, notes)
                if self.options.dry_run:
                    transaction.set_rollback(True)
        except SkipFile as exc:
            return FileResult(path, Outcome.SKIPPED, str(exc), notes)
        except StaleEditError:
            return FileResult(
                path,
                Outcome.KEPT,
                "an editor saved the story while it was being imported; the editor's version "
                "is kept",
                notes,
            )
        except IntegrityError as exc:
            return FileResult(path, Outcome.SKIPPED, f"conflicts with an existing story: {exc}")
        except DatabaseError as exc:
            return FileResult(path, Outcome.SKIPPED, f"database error, nothing written: {exc}")
        if self.options.dry_run and self._created_section:
            self._load_sections()  # forget the section the rolled-back transaction made
        return result

    def _write(self, path: Path, parsed: ParsedArticle, notes: tuple[str, ...]) -> FileResult:
        source = source_name(path)
        article = Article.objects.filter(source_path=source).first()
        if article is not None:
            if article.source_hash == parsed.content_hash:
                return FileResult(path, Outcome.UNCHANGED, notes=notes)
            if article.text_fingerprint() != article.import_fingerprint:
                return FileResult(
                    path,
                    Outcome.KEPT,
                    "the file changed, but an editor has changed the story since it was "
                    "imported; the editor's version is kept",
                    notes,
                )
            self._fill(article, parsed)
            self._save(article, parsed, comment=f"Updated from {source}")
            return FileResult(path, Outcome.UPDATED, notes=notes)

        original = (
            Article.objects.filter(source_hash=parsed.content_hash).exclude(source_path="").first()
        )
        if original is not None:
            return FileResult(
                path, Outcome.DUPLICATE, f"same text as {original.source_path}, not imported again"
            )
        article = Article(source_path=source)
        article.status = self.options.status or parsed.status or Article.Status.PUBLISHED
        article.published_at = self._date(parsed) or timezone.now()
        if parsed.slug:
            article.slug = services.unique_slug(Article, parsed.slug)
        self._fill(article, parsed)
        self._save(article, parsed, comment=f"Imported from {source}")
        return FileResult(path, Outcome.CREATED, notes=notes)

    def _fill(self, article: Article, parsed: ParsedArticle) -> None:
        article.headline = parsed.headline
        article.dek = parsed.dek
        article.dateline = parsed.dateline
        article.language = parsed.language
        article.section = self._section(parsed)
        article.body = sanitize_html(body_html(parsed.paragraphs, section_links=self.section_links))
        article.source_hash = parsed.content_hash
        article.import_fingerprint = article.text_fingerprint()
        if article.pk is not None and parsed.published_at is not None:
            article.published_at = self._date(parsed)

    def _save(self, article: Article, parsed: ParsedArticle, *, comment: str) -> None:
        """Write the story, its byline and tags as one revision.

        An existing story is written only if it is still at the version read in this
        file's transaction: an editor's save in between wins.
        """
        with services.article_revision(article=article, comment=comment):
            services.article_save(article=article, expected_version=article.version)
            names = parsed.bylines or self.options.author_names
            services.article_set_authors(article=article, authors=services.authors_by_name(names))
            article.tags.set(self._tags(parsed))

    def _tags(self, parsed: ParsedArticle) -> list[str]:
        text = "\n".join((parsed.headline, parsed.dek, *parsed.paragraphs))
        names = [*parsed.tags, *parsed.places, *find_mentions(text, self.tag_names)]
        unique = {}
        for name in names:
            unique.setdefault(name.casefold(), name)
        known = {name.casefold() for name in self.tag_names}
        self.tag_names += [name for key, name in unique.items() if key not in known]
        return list(unique.values())

    def _date(self, parsed: ParsedArticle) -> datetime | None:
        value = parsed.published_at or self.options.default_date
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def _section(self, parsed: ParsedArticle) -> Section:
        if parsed.section:
            section = self.sections.get(parsed.section.casefold())
            if section is None:
                if not self.options.create_sections:
                    raise SkipFile(
                        f"unknown section {parsed.section!r} "
                        "(create it in admin, or import with --create-sections)"
                    )
                section = Section.objects.create(
                    name=parsed.section,
                    slug=services.unique_slug(Section, parsed.section, fallback="section"),
                )
                self._remember_section(section)
                self._created_section = True
            return section
        if self.options.section is not None:
            return self.options.section
        if parsed.main_country and parsed.main_country.casefold() in self.sections:
            return self.sections[parsed.main_country.casefold()]
        section = self.sections.get(DEFAULT_SECTION_SLUG)
        if section is None:
            section, _created = Section.objects.get_or_create(
                slug=DEFAULT_SECTION_SLUG, defaults={"name": "News", "position": 0}
            )
            self._remember_section(section)
        return section
