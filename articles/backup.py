"""Whole-newsroom archives: everything editors made, in one portable zip file.

An archive holds the rows of each model in JSON files of up to 1,000 rows (Django's
serializer, natural keys for content types and permissions, primary keys kept so
addresses, feed IDs and revisions still line up), the photo files and their
renditions, and a manifest with the number of rows and a SHA-256 checksum of every
file. An archive made on SQLite restores on PostgreSQL, and the other way round.

What is left out, and why, is listed in ``LEFT_OUT``: logins, failed-login counters,
"who has this story open" rows, and the search index, which is rebuilt on restore.
"""

import hashlib
import itertools
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from . import page_cache
from .models import Image, Rendition, Section, TaggedArticle
from .search import rebuild_search_index

FORMAT = "newsroom-archive"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
ROWS_PER_FILE = 1000

# In restore order (the database checks foreign keys when the transaction commits).
MODELS = [
    "auth.group",
    "auth.user",
    "otp_totp.totpdevice",
    "articles.auditevent",
    "articles.section",
    "articles.author",
    "articles.tag",
    "articles.image",
    "articles.rendition",
    "articles.article",
    "articles.byline",
    "articles.taggedarticle",
    "articles.correction",
    "articles.articleredirect",
    "articles.previewlink",
    "articles.stagededit",
    "taggit.tag",
    "taggit.taggeditem",
    "reversion.revision",
    "reversion.version",
    "admin.logentry",
]
# Everything else, and why.
LEFT_OUT = {
    "contenttypes.contenttype": "made by migrate; archived rows name them by app and model",
    "auth.permission": "made by migrate; archived rows name them by app and codename",
    "sessions.session": "logins: everyone logs in again after a restore",
    "axes.accessattempt": "failed-login counters, which expire by themselves",
    "axes.accessattemptexpiration": "failed-login counters, which expire by themselves",
    "axes.accessfailurelog": "failed-login records; the audit log keeps logins and lockouts",
    "axes.accesslog": "login records; the audit log keeps logins and lockouts",
    "articles.editsession": "who has a story open right now",
    "articles.searchdocument": "the search index, rebuilt on restore",
}
# Secrets that only an archive with passwords holds.
CREDENTIALS = {"otp_totp.totpdevice"}
# Rows that `migrate` itself creates (the starting sections, the role groups): an
# otherwise empty database may hold them, and the archive's own replace them.
SEEDED_BY_MIGRATIONS = {"auth.group", "articles.section"}


class ArchiveError(Exception):
    """The archive cannot be made or restored; nothing was changed."""


@dataclass(frozen=True)
class Summary:
    rows: dict[str, int]
    files: int
    missing: tuple[str, ...] = ()  # media files the database names but storage lacks

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def model_for(label: str):
    return apps.get_model(label)


def data_member(label: str, number: int) -> str:
    return f"data/{label}/{number:05d}.json"


def media_member(name: str) -> str:
    return f"media/{name}"


def media_storage():
    return Image._meta.get_field("file").storage


def media_names() -> list[str]:
    """Every photo and rendition file the database refers to."""
    names = [*Image.objects.values_list("file", flat=True)]
    names += Rendition.objects.values_list("file", flat=True)
    return sorted({name for name in names if name})


# --- Export ------------------------------------------------------------------


@contextmanager
def snapshot(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Read everything as of one moment, without holding writers up.

    SQLite connections here open write transactions (IMMEDIATE), which would make every
    editor wait for the whole export; a plain BEGIN reads a WAL snapshot instead.
    """
    connection = connections[using]
    if connection.in_atomic_block:  # the caller's transaction already reads one moment
        yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("ROLLBACK")
    else:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


class ExactEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, but times keep their microseconds (its own cuts them to ms)."""

    def default(self, o):
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


def _records(label: str, *, passwords: bool) -> Iterator[list[dict]]:
    """The rows of ``label`` in primary-key order, ROWS_PER_FILE at a time."""
    if label in CREDENTIALS and not passwords:
        return
    rows = model_for(label)._base_manager.order_by("pk").iterator(chunk_size=ROWS_PER_FILE)
    while batch := list(itertools.islice(rows, ROWS_PER_FILE)):
        records = serializers.serialize("python", batch, use_natural_foreign_keys=True)
        if label == "auth.user" and not passwords:
            for record in records:
                record["fields"]["password"] = make_password(None)
        yield records


def _copy_media(archive: zipfile.ZipFile, name: str) -> dict | None:
    """Copy one media file into the archive; None when storage no longer has it."""
    digest, size = hashlib.sha256(), 0
    try:
        source = media_storage().open(name, "rb")
    except FileNotFoundError:
        return None
    with source, archive.open(media_member(name), "w") as target:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return {"sha256": digest.hexdigest(), "bytes": size}


def export_archive(path: Path, *, passwords: bool = True) -> Summary:
    """Write the whole newsroom to ``path``; an existing file is replaced only on success.

    The file is readable by its owner only: it holds the accounts.
    """
    path = Path(path)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "database": connections[DEFAULT_DB_ALIAS].vendor,
        "passwords": passwords,
        "data": {},
        "media": {},
        "missing_media": [],
    }
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temporary, "w") as archive, snapshot():
            for label in MODELS:
                entry = manifest["data"][label] = {"count": 0, "files": []}
                for number, records in enumerate(_records(label, passwords=passwords), start=1):
                    member = data_member(label, number)
                    data = json.dumps(records, cls=ExactEncoder, ensure_ascii=False).encode()
                    archive.writestr(member, data, compress_type=zipfile.ZIP_DEFLATED)
                    entry["count"] += len(records)
                    entry["files"].append(
                        {"name": member, "sha256": hashlib.sha256(data).hexdigest()}
                    )
            for name in media_names():
                copied = _copy_media(archive, name)
                if copied is None:
                    manifest["missing_media"].append(name)
                else:
                    manifest["media"][name] = copied
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return summary_of(manifest)


def summary_of(manifest: dict) -> Summary:
    return Summary(
        rows={label: entry["count"] for label, entry in manifest["data"].items()},
        files=len(manifest["media"]),
        missing=tuple(manifest.get("missing_media", ())),
    )


# --- Restore -----------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as exc:
        raise ArchiveError("not a Newsroom archive: it has no manifest.json") from exc
    except ValueError as exc:
        raise ArchiveError(f"the manifest is not valid JSON: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("not a Newsroom archive: the manifest names another format")
    if manifest.get("version") != VERSION:
        raise ArchiveError(
            f"archive format version {manifest.get('version')!r} is not supported "
            f"(this Newsroom reads version {VERSION})"
        )
    data = manifest.get("data", {})
    missing = [label for label in MODELS if "files" not in data.get(label, {})]
    if missing:
        raise ArchiveError(f"the archive lacks {', '.join(missing)}")
    return manifest


def _checksum(archive: zipfile.ZipFile, member: str) -> str:
    digest = hashlib.sha256()
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
    except KeyError as exc:
        raise ArchiveError(f"the archive lacks {member}") from exc
    return digest.hexdigest()


def verify(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Check every file against the manifest before anything is written."""
    expected = {
        item["name"]: item["sha256"]
        for entry in manifest["data"].values()
        for item in entry["files"]
    }
    expected |= {media_member(name): entry["sha256"] for name, entry in manifest["media"].items()}
    for member, sha256 in expected.items():
        try:
            actual = _checksum(archive, member)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"{member} is damaged: {exc}") from exc
        if actual != sha256:
            raise ArchiveError(f"{member} does not match its checksum: the archive is damaged")


def check_empty(using: str = DEFAULT_DB_ALIAS) -> None:
    holding = [
        str(model_for(label)._meta.verbose_name_plural)
        for label in MODELS
        if label not in SEEDED_BY_MIGRATIONS
        and model_for(label)._base_manager.using(using).exists()
    ]
    if holding:
        raise ArchiveError(
            "the database is not empty (it holds "
            + ", ".join(dict.fromkeys(holding))
            + "); restore only into a freshly migrated database"
        )


def _clear_seeded_rows() -> None:
    Section.objects.update(parent=None)
    for label in SEEDED_BY_MIGRATIONS:
        model_for(label)._base_manager.all().delete()


def _save(row) -> None:
    """Save a deserialized row and its many-to-many links, as they were.

    The links go in with ``bulk_create``, which sends no ``m2m_changed`` signal: bringing
    back a user's groups is not a change of rights for the audit log to record.
    """
    links = row.m2m_data or {}
    row.save(save_m2m=False)
    instance = row.object
    for name, values in links.items():
        field = instance._meta.get_field(name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(**{f"{source}_id": instance.pk, f"{target}_id": value}) for value in values
        )


def _load(archive: zipfile.ZipFile, label: str, entry: dict) -> None:
    loaded = 0
    for item in entry["files"]:
        try:
            records = json.loads(archive.read(item["name"]))
        except ValueError as exc:
            raise ArchiveError(f"{item['name']} is not valid JSON: {exc}") from exc
        for row in serializers.deserialize("python", records):
            _save(row)
            loaded += 1
    if loaded != entry["count"]:
        raise ArchiveError(
            f"{label}: the archive holds {loaded} rows, its manifest says {entry['count']}"
        )


def _reset_sequences(using: str) -> None:
    """Let new rows continue after the restored primary keys (PostgreSQL sequences)."""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), [model_for(m) for m in MODELS])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _write_media(archive: zipfile.ZipFile, manifest: dict, written: list[str]) -> None:
    storage = media_storage()
    for name, entry in manifest["media"].items():
        data = archive.read(media_member(name))
        if storage.exists(name):
            with storage.open(name, "rb") as existing:
                if hashlib.sha256(existing.read()).hexdigest() == entry["sha256"]:
                    continue
            raise ArchiveError(f"media storage already holds a different file at {name}")
        stored = storage.save(name, ContentFile(data))
        written.append(stored)
        if stored != name:
            raise ArchiveError(f"media storage saved {name} as {stored}")


def restore_archive(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Summary:
    """Restore ``path`` into an empty database, all or nothing."""
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise ArchiveError(f"{path} does not exist") from exc
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveError(f"{path} is not a readable zip archive (truncated?): {exc}") from exc
    with archive:
        manifest = read_manifest(archive)
        verify(archive, manifest)
        check_empty(using)
        written: list[str] = []
        try:
            with transaction.atomic(using=using):
                _clear_seeded_rows()
                for label in MODELS:
                    _load(archive, label, manifest["data"][label])
                _reset_sequences(using)
                rebuild_search_index()
                # Archives made before tag links carried it hold no ``live_from``.
                TaggedArticle.objects.refresh_live_from()
                _write_media(archive, manifest, written)
                page_cache.content_changed_on_commit()
        except BaseException:
            storage = media_storage()
            for name in written:
                storage.delete(name)
            raise
    return summary_of(manifest)


def describe(summary: Summary) -> str:
    stories = summary.rows.get("articles.article", 0)
    revisions = summary.rows.get("reversion.version", 0)
    return (
        f"{summary.total_rows} rows ({stories} stories, {revisions} revision records) "
        f"and {summary.files} media files"
    )


__all__ = ["ArchiveError", "Summary", "describe", "export_archive", "restore_archive"]
