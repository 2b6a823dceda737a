"""Writing seed files to the database: each file all or nothing, in batches.

Parsing lives in ``importer`` and never touches the database; this module decides
what each parsed file means for the stories already there (create, update, leave
alone) and reports the outcome of every file.
"""

import collections
import enum
import fnmatch
import itertools
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

import reversion
from django.conf import settings
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    transaction,
)
from django.utils import timezone

from . import services
from .bulk_rows import row_maker
from .importer import MentionFinder, ParsedArticle, SkipFile, find_mentions, parse_bytes
from .locking import StaleEditError
from .models import Article, Author, Section, Tag, TaggedArticle
from .seed_text import Lookups, PreparedText, prepare_text, story_text
from .sqlite_pragmas import sqlite_pragmas
from .story_batches import NewStory, stories_create
from .write_turns import WriteTurns

DEFAULT_SECTION_SLUG = "news"
BATCH_SIZE = 200
# Batches sent to the parsing process before the one being written: with two, it starts
# on the next as soon as it is done with one, instead of waiting for a batch to be written.
BATCHES_READ_AHEAD = 2
# A transaction is committed after this long even if its batch is not done, so that
# an editor's save, which waits for it on SQLite, waits well under the busy timeout; after
# this long of writing, the lock is left free at least WRITER_PAUSE_SECONDS (write_turns).
TRANSACTION_SECONDS = 0.5
WRITER_PAUSE_SECONDS = 0.12
# SQLite's settings while importing (``sqlite_pragmas``): a page cache in which the
# indexes an import writes to most stay, so that a large import does not slow down as
# the newsroom grows; a log copied into the database file (waiting for the disk) once it
# holds 256 MB of pages rather than 4 MB, every twenty batches or more instead of every
# batch; and the pages a savepoint or statement may have to put back kept in memory
# (``temp_store`` 2) rather than written to a temporary file.
IMPORT_SQLITE_PRAGMAS = {"cache_size": -16 * 1024, "wal_autocheckpoint": 65536, "temp_store": 2}
# Tag names added during the import that are searched for one by one before the index of
# tag names is made again.
MENTIONS_OUTSIDE_INDEX = 50


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # changed on disk, but an editor changed the story since: theirs wins
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"


class ImportStopped(Exception):
    """The database or the disk refused to write; the transaction in progress was undone."""


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
            yield from _text_files_under(path)
        else:
            yield path


def _text_files_under(folder: Path) -> Iterator[Path]:
    """The files ``folder.rglob("*.txt")`` finds, in sorted order, listed as they are read.

    A folder's names are sorted and its subfolders walked in their place among them,
    which is the order of the paths sorted; only the names of the folders being walked
    are held, not a path for every file (100,000 paths took 36 MB). Like ``rglob``,
    it does not follow links to folders, and skips folders it may not read.
    """
    try:
        with os.scandir(folder) as entries:
            names, subfolders = [], set()
            for entry in entries:
                names.append(entry.name)
                if _is_real_folder(entry):
                    subfolders.add(entry.name)
    except PermissionError:
        return
    names.sort()
    for name in names:
        path = folder / name
        if fnmatch.fnmatchcase(name, "*.txt") and path.is_file():
            yield path
        if name in subfolders:
            yield from _text_files_under(path)


def _is_real_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir() and not entry.is_symlink()
    except OSError:
        return False


def source_name(path: Path, folders: dict[Path, Path] | None = None) -> str:
    """How a file is remembered: relative to the project when inside it, else absolute.

    ``folders`` keeps folders already resolved, so that the many files of one folder
    each cost one system call rather than one per part of their path.
    """
    if folders is None or path.name in ("", "..") or path.is_symlink():
        resolved = path.resolve()
    else:
        if path.parent not in folders:
            folders[path.parent] = path.parent.resolve()
        resolved = folders[path.parent] / path.name
    try:
        return resolved.relative_to(settings.BASE_DIR).as_posix()
    except ValueError:
        return resolved.as_posix()


class ReadFile(NamedTuple):
    """A file read and parsed, its story's text prepared with the batch's ``Lookups``.

    ``text`` is None for a file imported before with the same content: it needs none.
    """

    path: Path
    source: str
    parsed: ParsedArticle
    notes: tuple[str, ...]
    text: PreparedText | None


ReadSeed = FileResult | ReadFile


def read_seed(
    path: Path, source: str | None, max_bytes: int, batch: "BatchToRead", folders: dict
) -> ReadSeed:
    """Read, parse and prepare one file; or what was wrong with it.

    ``source`` is the file's ``source_name``, None when it is still to be worked out.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return FileResult(path, Outcome.SKIPPED, "file not found")
    except IsADirectoryError:
        return FileResult(path, Outcome.SKIPPED, "is a folder with no .txt files")
    except OSError as exc:
        return FileResult(path, Outcome.SKIPPED, f"cannot be read: {exc.strerror or exc}")
    try:
        parsed = parse_bytes(data, max_bytes=max_bytes)
    except SkipFile as exc:
        return FileResult(path, Outcome.SKIPPED, str(exc))
    notes = tuple(parsed.warnings)
    if parsed.legacy_encoding:
        notes += ("not UTF-8: read as Windows-1252 text",)
    if source is None:
        source = source_name(path, folders)
    if batch.imported.get(source) == parsed.content_hash:
        return ReadFile(path, source, parsed, notes, None)
    text = prepare_text(parsed, section_links=batch.lookups.section_links)
    return ReadFile(path, source, parsed, notes, text)


@dataclass(frozen=True)
class BatchToRead:
    """Files to read, with their ``source_name`` (None where it could not be worked out)
    and what the newsroom held when they were sent to be read: ``lookups``, and the
    content hash of each file already imported, by source."""

    paths: list[Path]
    sources: list[str | None]
    lookups: Lookups
    imported: dict[str, str]


def _read_all(batch: BatchToRead, max_bytes: int) -> list[ReadSeed]:
    folders = {}
    return [
        read_seed(path, source, max_bytes, batch, folders)
        for path, source in zip(batch.paths, batch.sources, strict=True)
    ]


class SeedImporter:
    """Imports files a batch at a time: one transaction per batch, each file all or nothing.

    Files are read and parsed, and their bodies built and sanitized, in a second
    process, a batch ahead. Files new to the newsroom are written together, a few
    statements per table; if that fails, they are written again one by one, each in its
    own savepoint, so a bad file is reported and the others still land. Changed files
    are written one by one.

    Between batches it keeps only lookups bounded by the size of the newsroom (sections,
    tags and authors by name), never the files themselves.
    """

    def __init__(self, options: SeedOptions):
        self.options = options
        # Bumped whenever the sections change: text prepared with older ``Lookups`` is
        # then redone here; and whenever ``tag_names`` changes other than by names added
        # at its end: the index of tag names is then made again.
        self._sections_version = self._tags_version = 0
        self._mention_finder = None
        self._load_lookups()
        self._remembered = []
        self._unsaved = []
        self._turns = WriteTurns(held_seconds=TRANSACTION_SECONDS, gap_seconds=WRITER_PAUSE_SECONDS)
        self._new_article = row_maker(Article, "source_path")

    def _load_lookups(self) -> None:
        """Sections, tags and authors as the database holds them now."""
        self._load_sections()
        self._tags_version += 1
        self.tags = {}
        for tag in Tag.objects.order_by("pk"):
            self.tags.setdefault(tag.name.casefold(), tag)
        self.tag_slugs = set(Tag.objects.values_list("slug", flat=True))
        self.tag_names = [tag.name for tag in self.tags.values()]
        self.authors = {}
        for author in Author.objects.all():
            self.authors.setdefault(author.name.casefold(), author)

    def _load_sections(self) -> None:
        self._sections_version += 1
        self.sections = {}
        self.section_links = {}
        for section in Section.objects.all():
            self._remember_section(section)

    def _remember_section(self, section: Section) -> None:
        self.sections[section.name.casefold()] = section
        self.sections[section.slug.casefold()] = section
        self.section_links[section.name] = section.get_absolute_url()

    def _remember_new_section(self, section: Section) -> None:
        self._remember(self.sections, section.name.casefold(), section)
        self._remember(self.sections, section.slug.casefold(), section)
        self.section_links[section.name] = section.get_absolute_url()
        self._sections_version += 1

    def _lookups(self) -> Lookups:
        return Lookups(
            section_links=dict(self.section_links), sections_version=self._sections_version
        )

    def import_files(self, paths: Iterable[Path]) -> Iterator[FileResult]:
        """The result of each file, in order; each batch's once it has been committed.

        With more than one batch, a second process reads and parses the next batches
        while this one writes: parsing is pure, and costs about as much.
        Raises ImportStopped when the database or the disk refuses to write: what was
        committed before stays, the transaction in progress is rolled back.
        """
        with sqlite_pragmas(**IMPORT_SQLITE_PRAGMAS):
            yield from self._import_all(paths)

    def _import_all(self, paths: Iterable[Path]) -> Iterator[FileResult]:
        paths = iter(paths)
        batches = iter(lambda: list(itertools.islice(paths, BATCH_SIZE)), [])
        max_bytes = self.options.max_bytes
        first, second = next(batches, None), next(batches, None)
        if second is None:
            if first is not None:
                batch = self._to_read(first)
                yield from self._import_batch(_read_all(batch, max_bytes), batch.lookups)
            return
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as reader:
            ahead = collections.deque()
            for batch_paths in itertools.chain([first, second], batches):
                batch = self._to_read(batch_paths)
                ahead.append((reader.submit(_read_all, batch, max_bytes), batch.lookups))
                if len(ahead) > BATCHES_READ_AHEAD:
                    read, read_with = ahead.popleft()
                    yield from self._import_batch(read.result(), read_with)
            for read, read_with in ahead:
                yield from self._import_batch(read.result(), read_with)

    def _to_read(self, paths: list[Path]) -> BatchToRead:
        """``paths`` with the lookups as they are now and what was imported from them."""
        folders, sources = {}, []
        for path in paths:
            try:
                sources.append(source_name(path, folders))
            except (OSError, RuntimeError):  # a loop of links: reading the file will say
                sources.append(None)
        known = {source for source in sources if source is not None}
        imported = Article.objects.imported_from(known)
        return BatchToRead(
            paths=paths,
            sources=sources,
            lookups=self._lookups(),
            imported=dict(imported.values_list("source_path", "source_hash")),
        )

    def import_file(self, path: Path) -> FileResult:
        return next(self.import_files([path]))

    def _import_batch(self, results: list[ReadSeed], lookups: Lookups) -> Iterator[FileResult]:
        """Write one batch, given what ``read_seed`` made of each of its files with ``lookups``."""
        self._read_with = lookups
        parsed = [item for item in results if not isinstance(item, FileResult)]
        self._read_known(
            {item.source for item in parsed}, {item.parsed.content_hash for item in parsed}
        )
        if self.options.dry_run:
            with transaction.atomic():
                yield from [
                    item if isinstance(item, FileResult) else self._import_parsed(*item)
                    for item in results
                ]
            return
        one_by_one, new = self._sort(results)
        if new:
            self._create(new, results)
        pending = collections.deque(one_by_one)
        while pending:
            # Changed stories are written one by one, in short transactions.
            deadline = time.monotonic() + TRANSACTION_SECONDS
            with self._turns.transaction():
                while pending and time.monotonic() < deadline:
                    index = pending.popleft()
                    results[index] = self._import_parsed(*results[index])
        yield from results

    def _read_known(self, sources: set[str], hashes: set[str]) -> None:
        """The stories already imported from these files, and from files with these texts."""
        self.by_source = {
            article.source_path: article for article in Article.objects.imported_from(sources)
        }
        self.source_by_hash = {}
        originals = Article.objects.filter(source_hash__in=hashes).exclude(source_path="")
        for content_hash, source in originals.values_list("source_hash", "source_path"):
            self.source_by_hash.setdefault(content_hash, source)

    def _sort(self, results: list) -> tuple[list[int], dict[int, NewStory]]:
        """Decide each parsed file's fate without writing: done, one by one, or new.

        Fills in ``results`` for files that need no writing (unchanged, kept, duplicate,
        unknown section); returns the positions of files to write one by one (changed
        stories) and the new stories to create, by position.
        """
        one_by_one, new, sources, hashes = [], {}, set(), dict(self.source_by_hash)
        for index, item in enumerate(results):
            if isinstance(item, FileResult):
                continue
            path, source, parsed, notes, text = item
            article = self.by_source.get(source)
            if article is not None or source in sources:
                result = article and self._unwritten_outcome(article, path, parsed, notes)
                if result is None:
                    one_by_one.append(index)
                    hashes.setdefault(parsed.content_hash, source)
                else:
                    results[index] = result
                continue
            original = hashes.get(parsed.content_hash)
            if original is not None:
                results[index] = FileResult(
                    path, Outcome.DUPLICATE, f"same text as {original}, not imported again"
                )
                continue
            try:
                new[index] = self._prepare(source, parsed, text)
            except SkipFile as exc:
                results[index] = FileResult(path, Outcome.SKIPPED, str(exc), notes)
                continue
            sources.add(source)
            hashes[parsed.content_hash] = source
        return one_by_one, new

    def _unwritten_outcome(
        self, article: Article, path: Path, parsed: ParsedArticle, notes: tuple[str, ...]
    ) -> FileResult | None:
        """The result for a file whose story needs no writing, or None when it must be updated."""
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
        return None

    def _prepare(self, source: str, parsed: ParsedArticle, text: PreparedText | None) -> NewStory:
        """A new story from ``parsed``, unsaved; new sections, authors and tags it needs too."""
        article = self._new_article(source)
        article.status = self.options.status or parsed.status or Article.Status.PUBLISHED
        article.published_at = self._date(parsed) or timezone.now()
        text = self._fill(article, parsed, text)
        names = parsed.bylines or self.options.author_names
        return NewStory(
            article=article,
            authors=self._authors(names),
            tags=self._tags(parsed, text),
            comment=f"Imported from {source}",
            search_body=text.search_body,
        )

    def _create(self, new: dict[int, NewStory], results: list) -> None:
        """Write the new stories together in one transaction; if that fails, one by one,
        each in a savepoint of a new one.

        The batch has no savepoint of its own: on SQLite a savepoint keeps a copy of every
        page changed under it until it ends, which for a batch is several megabytes.
        """
        stories = list(new.values())
        wanted = [
            results[index].parsed.slug or story.article.headline for index, story in new.items()
        ]
        try:
            with self._turns.transaction():
                slugs = services.unique_slugs(Article, wanted)
                for story, slug in zip(stories, slugs, strict=True):
                    story.article.slug = slug
                self._save_unsaved()
                stories_create(stories=stories)
        except (OperationalError, InterfaceError, OSError) as exc:
            # A full disk, an I/O error, a lost connection: no file would fare better.
            self._unsaved, self._remembered = [], []
            self._load_lookups()
            raise ImportStopped(f"the database could not write the batch: {exc}") from exc
        except DatabaseError:
            self._unsaved, self._remembered = [], []
            self._load_lookups()
            self._read_known(
                {results[index].source for index in new},
                {results[index].parsed.content_hash for index in new},
            )
            with self._turns.transaction():
                for index in new:
                    results[index] = self._import_parsed(*results[index])
            return
        except BaseException:
            self._unsaved, self._remembered = [], []
            self._load_lookups()
            raise
        self._unsaved = []
        self._remembered = []
        for index, story in new.items():
            path, source, parsed, notes, _text = results[index]
            self.by_source[source] = story.article
            self.source_by_hash.setdefault(parsed.content_hash, source)
            results[index] = FileResult(path, Outcome.CREATED, notes=notes)

    def _save_unsaved(self) -> None:
        """Save the sections, authors and tags that prepared stories created."""
        Tag.objects.bulk_create([row for row in self._unsaved if isinstance(row, Tag)])
        for row in self._unsaved:
            if not isinstance(row, Tag):
                row.save()

    def _import_parsed(
        self,
        path: Path,
        source: str,
        parsed: ParsedArticle,
        notes: tuple[str, ...],
        text: PreparedText | None,
    ) -> FileResult:
        self._remembered = []
        self._unsaved = []
        try:
            with transaction.atomic():
                result = self._write(path, source, parsed, notes, text)
                if self.options.dry_run:
                    transaction.set_rollback(True)
        except SkipFile as exc:
            result = FileResult(path, Outcome.SKIPPED, str(exc), notes)
        except StaleEditError:
            result = FileResult(
                path,
                Outcome.KEPT,
                "an editor saved the story while it was being imported; the editor's version "
                "is kept",
                notes,
            )
        except IntegrityError as exc:
            result = FileResult(path, Outcome.SKIPPED, f"conflicts with an existing story: {exc}")
        except (OperationalError, InterfaceError) as exc:
            # A full disk, an I/O error, a lost connection: no later file would fare better,
            # and SQLite may already have rolled the whole transaction back.
            self._forget_rolled_back()
            raise ImportStopped(f"the database could not write {path}: {exc}") from exc
        except OSError as exc:
            self._forget_rolled_back()
            raise ImportStopped(f"could not write {path}: {exc.strerror or exc}") from exc
        except DatabaseError as exc:
            result = FileResult(path, Outcome.SKIPPED, f"database error, nothing written: {exc}")
        except BaseException:
            self._forget_rolled_back()
            raise
        if self.options.dry_run or result.outcome not in (Outcome.CREATED, Outcome.UPDATED):
            self._forget_rolled_back()
        return result

    def _remember(self, lookup: dict, key: str, row) -> None:
        lookup[key] = row
        self._remembered.append((lookup, key))

    def _forget_rolled_back(self) -> None:
        """Drop what the lookups learnt from a file whose writes were rolled back."""
        for lookup, key in reversed(self._remembered):
            row = lookup.pop(key, None)
            if isinstance(row, Tag):
                self.tag_slugs.discard(row.slug)
                self.tag_names.remove(row.name)
                self._tags_version += 1
            elif isinstance(row, Section):
                self.section_links.pop(row.name, None)  # only new sections are remembered
                self._sections_version += 1
        self._remembered = []
        self._unsaved = []

    def _write(
        self,
        path: Path,
        source: str,
        parsed: ParsedArticle,
        notes: tuple[str, ...],
        text: PreparedText | None,
    ) -> FileResult:
        article = self.by_source.get(source)
        if article is not None:
            if result := self._unwritten_outcome(article, path, parsed, notes):
                return result
            text = self._fill(article, parsed, text)
            self._save(article, parsed, text, comment=f"Updated from {source}", creating=False)
            self._remember(self.source_by_hash, parsed.content_hash, source)
            return FileResult(path, Outcome.UPDATED, notes=notes)

        original = self.source_by_hash.get(parsed.content_hash)
        if original is not None:
            return FileResult(
                path, Outcome.DUPLICATE, f"same text as {original}, not imported again"
            )
        article = Article(source_path=source)
        article.status = self.options.status or parsed.status or Article.Status.PUBLISHED
        article.published_at = self._date(parsed) or timezone.now()
        if parsed.slug:
            article.slug = services.unique_slug(Article, parsed.slug)
        text = self._fill(article, parsed, text)
        self._save(article, parsed, text, comment=f"Imported from {source}", creating=True)
        self._remember(self.by_source, source, article)
        self._remember(self.source_by_hash, parsed.content_hash, source)
        return FileResult(path, Outcome.CREATED, notes=notes)

    def _fill(
        self, article: Article, parsed: ParsedArticle, text: PreparedText | None
    ) -> PreparedText:
        """Give ``article`` the file's text; return that text as the lookups now make it."""
        article.headline = parsed.headline
        article.dek = parsed.dek
        article.dateline = parsed.dateline
        article.language = parsed.language
        article.section = self._section(parsed)
        text = self._up_to_date(parsed, text)
        article.body = text.body
        article.source_hash = parsed.content_hash
        article.import_fingerprint = text.fingerprint
        if article.pk is not None and parsed.published_at is not None:
            article.published_at = self._date(parsed)
        return text

    def _up_to_date(self, parsed: ParsedArticle, text: PreparedText | None) -> PreparedText:
        """``text`` as prepared with the batch's lookups, or made again when it was not
        prepared, or when it points to a section and the sections have changed since."""
        if text is None or (
            text.links_sections and self._read_with.sections_version != self._sections_version
        ):
            return prepare_text(parsed, section_links=self.section_links)
        return text

    def _save(
        self,
        article: Article,
        parsed: ParsedArticle,
        text: PreparedText,
        *,
        comment: str,
        creating: bool,
    ) -> None:
        """Write the story, its byline and tags as one revision.

        An existing story is written only if it is still at the version read in this
        batch: an editor's save in between wins.
        """
        authors = self._authors(parsed.bylines or self.options.author_names)
        tags = self._tags(parsed, text)
        with services.article_revision(article=article, comment=comment):
            self._save_unsaved()
            services.article_save(article=article, expected_version=article.version)
            services.article_set_authors(article=article, authors=authors)
            if not creating:
                TaggedArticle.objects.filter(content_object=article).delete()
            tagged = TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=article, tag=tag, live_from=article.live_from)
                for tag in tags
            )
            for item in tagged:
                reversion.add_to_revision(item)

    def _authors(self, names: Iterable[str]) -> list[Author]:
        authors = []
        for name in names:
            author = self.authors.get(name.casefold())
            if author is None:
                slug = services.unique_slug(Author, name, fallback="author")
                author = Author(name=name, slug=slug)
                self._remember(self.authors, name.casefold(), author)
                self._unsaved.append(author)
            authors.append(author)
        return authors

    def _tags(self, parsed: ParsedArticle, text: PreparedText) -> list[Tag]:
        """The file's tags, places and the known tags its text mentions; new ones unsaved."""
        names = [*parsed.tags, *parsed.places, *self._mentions(parsed, text.words)]
        unique = {}
        for name in names:
            unique.setdefault(name.casefold(), name)
        for key, name in unique.items():
            if key not in self.tags:
                tag = Tag(name=name, slug=self._free_tag_slug(name))
                self._remember(self.tags, key, tag)
                self.tag_slugs.add(tag.slug)
                self.tag_names.append(name)
                self._unsaved.append(tag)
        return [self.tags[key] for key in unique]

    def _mentions(self, parsed: ParsedArticle, words: frozenset[str]) -> list[str]:
        """The known tag names the story's text mentions, in the order of ``tag_names``.

        Names are looked up in an index made once, and those added since one by one,
        until they are many enough to make the index again.
        """
        finder = self._mention_finder
        if (
            finder is None
            or self._finder_version != self._tags_version
            or len(self.tag_names) - len(finder.names) > MENTIONS_OUTSIDE_INDEX
        ):
            finder = self._mention_finder = MentionFinder(self.tag_names)
            self._finder_version = self._tags_version
        text = story_text(parsed)
        return [
            *finder(text, words),
            *find_mentions(text, self.tag_names[len(finder.names) :], words),
        ]

    def _free_tag_slug(self, name: str) -> str:
        """The slug taggit would give a new tag: its own, or the first free ``slug_N``."""
        tag = Tag(name=name)
        slug, n = tag.slugify(name), 0
        while slug in self.tag_slugs:
            n += 1
            slug = tag.slugify(name, n)
        return slug

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
                section = Section(
                    name=parsed.section,
                    slug=services.unique_slug(Section, parsed.section, fallback="section"),
                )
                self._unsaved.append(section)
                self._remember_new_section(section)
            return section
        if self.options.section is not None:
            return self.options.section
        if parsed.main_country and parsed.main_country.casefold() in self.sections:
            return self.sections[parsed.main_country.casefold()]
        section = self.sections.get(DEFAULT_SECTION_SLUG)
        if section is None:
            section = Section(slug=DEFAULT_SECTION_SLUG, name="News", position=0)
            self._unsaved.append(section)
            self._remember_new_section(section)
        return section
