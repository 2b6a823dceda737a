"""export_archive and restore_archive: everything comes back, a bad archive changes nothing."""

import hashlib
import json
import zipfile
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from reversion.models import Version

from articles import backup, services, staging
from articles.models import Article, AuditEvent, Image, Section
from articles.search import search

from .factories import (
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    saved_story,
    user_in_group,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def run(command, *args):
    """Run a management command; return (exit code, stdout, error message)."""
    out = StringIO()
    try:
        call_command(command, *[str(a) for a in args], stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


def fill_newsroom():
    """A newsroom with one of everything an archive must keep."""
    desk = user_in_group("Editor", username="desk", first_name="Nadia", last_name="Haddad")
    reporter = user_in_group("Reporter", username="karim")
    reporter.user_permissions.add(*desk.groups.get().permissions.all()[:2])
    world = SectionFactory(name="World", slug="world")
    africa = SectionFactory(name="Africa", slug="africa", parent=world)
    author = AuthorFactory(name="Karim Ziani", slug="karim-ziani", user=reporter, bio="Covers oil.")
    other = AuthorFactory(name="Leila Mansouri", slug="leila-mansouri")
    photo = ImageFactory(caption="The port at dawn", credit="Photo: APS", uploaded_by=desk)

    live = saved_story(
        user=reporter,
        headline="Pipeline deal signed in Algiers",
        section=africa,
        authors=[author, other],
        tags=["Energy", "Algeria"],
        draft=True,
    )
    live.lead_photo = photo
    services.article_save(article=live, user=desk, comment="Added the photo")
    services.article_publish(article=live, user=desk, at=timezone.now() - timedelta(days=2))
    live.slug = "pipeline-deal-signed"
    services.article_save(article=live, user=desk, comment="Shorter address")
    services.correction_add(
        article=live, kind="correction", text="The deal is worth $2bn.", user=desk
    )
    staging.staged_edit_save(
        article=live,
        user=desk,
        values={
            "headline": "Pipeline deal signed",
            "dek": live.dek,
            "body": "<p>New text.</p>",
            "dateline": "Algiers",
            "credit": "",
        },
    )
    draft = saved_story(user=reporter, headline="Drought in the south", section=world, draft=True)
    services.preview_link_create(article=draft, user=desk, expires_in=timedelta(days=3))
    arabic = saved_story(
        user=desk, headline="اتفاق خط الأنابيب", section=world, language="ar", tags=["طاقة"]
    )
    first = Version.objects.get_for_object(arabic).last()
    services.article_restore(article=arabic, version=first, user=desk)
    TOTPDevice.objects.create(user=desk, name="Nadia's phone", confirmed=True)
    LogEntry.objects.log_actions(
        user_id=desk.pk, queryset=[live], action_flag=CHANGE, change_message="Changed headline."
    )
    return live


def dump() -> dict[str, list]:
    """Every archived row, field by field, with natural keys for content types."""
    return {
        label: serializers.serialize(
            "python",
            backup.model_for(label)._base_manager.order_by("pk"),
            use_natural_foreign_keys=True,
        )
        for label in backup.MODELS
    }


def media_files() -> dict[str, bytes]:
    storage = backup.media_storage()
    files = {}
    for name in backup.media_names():
        if storage.exists(name):
            with storage.open(name, "rb") as stream:
                files[name] = stream.read()
    return files


def empty_the_database():
    """What a freshly migrated database holds: the role groups and a starting section."""
    storage = backup.media_storage()
    for name in backup.media_names():
        storage.delete(name)
    Section.objects.update(parent=None)
    for label in reversed(backup.MODELS):
        if label != "auth.group":
            backup.model_for(label)._base_manager.all().delete()
    Section.objects.create(name="News", slug="news", position=0)
    assert Group.objects.filter(name__in=["Editor", "Reporter"]).count() == 2


def test_every_model_is_archived_or_left_out_for_a_stated_reason():
    labels = {model._meta.label_lower for model in apps.get_models() if not model._meta.proxy}
    assert labels == set(backup.MODELS) | set(backup.LEFT_OUT)
    assert not set(backup.MODELS) & set(backup.LEFT_OUT)


@pytest.fixture
def archive(tmp_path):
    fill_newsroom()
    path = tmp_path / "newsroom.zip"
    code, out, _error = run("export_archive", path)
    assert code == 0
    assert "Exported" in out and "3 stories" in out
    return path


def test_a_restored_archive_gives_back_every_row_and_file_exactly(archive, client):
    before, files = dump(), media_files()
    assert len(files) >= 3  # the photo and its renditions
    assert all(before[label] for label in backup.MODELS if not label.startswith("taggit."))
    events = AuditEvent.objects.count()

    empty_the_database()
    assert not Article.objects.exists() and not media_files()
    code, out, error = run("restore_archive", archive)

    assert (code, error) == (0, "")
    assert "Restored" in out and "3 stories" in out
    assert dump() == before
    assert media_files() == files
    assert AuditEvent.objects.count() == events  # restoring rights is not changing them


def test_a_large_restore_refreshes_postgresql_s_statistics(archive, monkeypatch):
    from django.db import connection

    monkeypatch.setattr("articles.planner_statistics.ANALYZE_AFTER_STORIES", 3)
    empty_the_database()

    code, out, _error = run("restore_archive", archive)

    assert code == 0
    assert ("Database statistics refreshed" in out) is (connection.vendor == "postgresql")


def test_large_tables_are_split_into_many_files_and_come_back_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "ROWS_PER_FILE", 2)
    fill_newsroom()
    before, files = dump(), media_files()
    path = tmp_path / "split.zip"
    assert run("export_archive", path)[0] == 0
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(backup.MANIFEST))
    assert len(manifest["data"]["reversion.version"]["files"]) >= 5

    empty_the_database()
    assert run("restore_archive", path)[0] == 0
    assert dump() == before
    assert media_files() == files


def test_a_photo_file_missing_from_storage_is_reported_and_the_rest_kept(tmp_path):
    fill_newsroom()
    lost = Image.objects.get().file.name
    backup.media_storage().delete(lost)
    before, files = dump(), media_files()
    path = tmp_path / "with-a-gap.zip"

    code, out, _error = run("export_archive", path)

    assert code == 0
    assert f"Warning: the database names 1 media file that storage lacks: {lost}" in out
    empty_the_database()
    assert run("restore_archive", path)[0] == 0
    assert dump() == before
    assert media_files() == files


def test_restored_stories_work_for_readers_and_editors(archive, client):
    live = Article.objects.get(slug="pipeline-deal-signed")
    url, old_url, uid = live.get_absolute_url(), live.redirects.first().old_path, live.uid
    history = list(Version.objects.get_for_object(live).values_list("pk", "revision__comment"))
    highest = Article.objects.order_by("-pk").first().pk
    empty_the_database()
    run("restore_archive", archive)

    page = client.get(url)
    assert page.status_code == 200
    assert "Pipeline deal signed in Algiers" in page.text
    assert "The deal is worth $2bn." in page.text
    assert 'src="/media/photos/' in page.text or "/media/photos/" in page.text
    assert client.get(old_url).headers["Location"] == url
    assert str(uid) in client.get("/feed/atom/").text
    assert [hit.article.pk for hit in search("pipeline")[:10]] == [live.pk]
    assert list(Version.objects.get_for_object(live).values_list("pk", "revision__comment")) == (
        history
    )
    assert get_user_model().objects.get(username="desk").check_password(PASSWORD)
    # New rows continue after the restored ones.
    new = saved_story(headline="After the restore")
    assert new.pk > highest


def test_an_archive_without_passwords_restores_accounts_that_need_a_new_password(tmp_path, client):
    fill_newsroom()
    path = tmp_path / "no-passwords.zip"
    code, out, _error = run("export_archive", path, "--without-passwords")
    assert code == 0 and "password hashes" not in out
    empty_the_database()
    assert run("restore_archive", path)[0] == 0
    desk = get_user_model().objects.get(username="desk")
    assert not desk.has_usable_password()
    assert not desk.check_password(PASSWORD)
    assert not TOTPDevice.objects.exists()  # two-factor keys are secrets too


def test_restore_refuses_a_database_that_holds_stories(archive):
    before = dump()
    code, _out, error = run("restore_archive", archive)
    assert code == 1
    assert "Nothing restored: the database is not empty" in error
    assert dump() == before


def rewrite(path, *, manifest=None, replace=None, checksums="keep"):
    """A copy of the archive at ``path`` with its manifest or some members changed.

    ``checksums="recompute"`` updates the manifest to match the changed members, as a
    careful forger would.
    """
    with zipfile.ZipFile(path) as source:
        members = {name: source.read(name) for name in source.namelist()}
    changes = replace(members) if replace is not None else {}
    members.update(changes)
    listed = json.loads(members[backup.MANIFEST])
    if checksums == "recompute":
        for entry in listed["data"].values():
            for item in entry["files"]:
                if item["name"] in changes:
                    item["sha256"] = hashlib.sha256(changes[item["name"]]).hexdigest()
    if manifest is not None:
        listed = manifest(listed)
    members[backup.MANIFEST] = json.dumps(listed)
    changed = path.with_name("changed.zip")
    with zipfile.ZipFile(changed, "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    return changed


def truncated(path):
    path.write_bytes(path.read_bytes()[:2000])
    return path


def tampered_story(members):
    member = backup.data_member("articles.article", 1)
    return {member: members[member].replace(b"Pipeline deal", b"Pipeline scandal")}


def wrong_version(manifest):
    return {**manifest, "version": 99}


def wrong_count(manifest):
    manifest["data"]["articles.article"]["count"] += 1
    return manifest


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (truncated, "not a readable zip"),
        (lambda path: rewrite(path, replace=tampered_story), "does not match its checksum"),
        (lambda path: rewrite(path, manifest=wrong_version), "version 99 is not supported"),
        (lambda path: rewrite(path, manifest=wrong_count), "its manifest says 4"),
        (lambda path: path.with_name("missing.zip"), "does not exist"),
    ],
    ids=["truncated", "wrong-checksum", "wrong-version", "wrong-count", "missing"],
)
def test_a_bad_archive_is_refused_and_changes_nothing(archive, damage, message):
    bad = damage(archive)
    empty_the_database()
    before = dump()
    code, _out, error = run("restore_archive", bad)
    assert code == 1
    assert error.startswith("Nothing restored:")
    assert message in error
    assert dump() == before
    assert not media_files()


def test_a_restore_that_fails_half_way_leaves_no_row_and_no_file_behind(archive):
    def clash(members):
        # A second rendition of the same size and format: the load fails on it, late.
        member = backup.data_member("articles.rendition", 1)
        rows = json.loads(members[member])
        rows.append({**rows[0], "pk": 10_000})
        return {member: json.dumps(rows).encode()}

    def one_more(manifest):
        manifest["data"]["articles.rendition"]["count"] += 1
        return manifest

    bad = rewrite(archive, replace=clash, manifest=one_more, checksums="recompute")
    empty_the_database()
    before = dump()
    code, _out, error = run("restore_archive", bad)
    assert code == 1
    assert error.startswith("Nothing restored: the archive could not be loaded")
    assert dump() == before
    assert Section.objects.filter(slug="news").exists()
    assert not media_files()
