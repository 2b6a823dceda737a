"""The audit log: every editorial action, permission change and login leaves one event."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import audit, services, staging
from articles.locking import StaleEditError
from articles.models import Article, AuditEvent, Correction

from .factories import (
    CorrectionFactory,
    UserFactory,
    admin_form_data,
    saved_story,
    user_in_group,
)
from .seed_files import write_seed_files

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action
CHANGELIST = reverse("admin:articles_auditevent_changelist")


@pytest.fixture
def desk(db):
    return user_in_group("Editor", username="desk")


@pytest.fixture
def draft():
    return saved_story(headline="Budget vote", status=Article.Status.DRAFT)


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def only_event(action):
    found = events(action)
    assert len(found) == 1, found
    return found[0]


# Stories


def test_publishing_records_who_published_what(desk, draft):
    services.article_publish(article=draft, user=desk)
    event = only_event(Action.PUBLISH)
    assert event.actor == desk and event.actor_name == "desk"
    assert (event.object_type, event.object_id) == ("articles.Article", str(draft.pk))
    assert event.object_label == "Budget vote"
    assert event.details["published_at"] == draft.published_at.isoformat()


def test_scheduling_and_rescheduling_are_recorded_as_such(desk, draft):
    first = timezone.now() + timedelta(days=1)
    services.article_publish(article=draft, user=desk, at=first)
    services.article_publish(article=draft, user=desk, at=first + timedelta(hours=2))
    scheduled, rescheduled = events(Action.SCHEDULE)
    assert scheduled.details == {"published_at": first.isoformat()}
    assert rescheduled.details["previously"] == first.isoformat()
    assert not events(Action.PUBLISH)


def test_an_import_records_each_story_it_puts_out(db, tmp_path):
    write_seed_files(tmp_path / "new", 3)
    call_command("import_seeds", str(tmp_path / "new"), "--create-sections", stdout=StringIO())
    published = events(AuditEvent.Action.PUBLISH)
    assert sorted(event.object_label for event in published) == sorted(
        Article.objects.values_list("headline", flat=True)
    )
    assert {event.actor_name for event in published} == {""}  # the import, no account
    assert all(event.details["published_at"] for event in published)


def test_taking_a_story_off_the_site_is_recorded(desk, draft):
    services.article_publish(article=draft, user=desk)
    services.article_unpublish(article=draft, user=desk)
    assert only_event(Action.UNPUBLISH).details == {"status": "draft"}


def test_saving_a_live_story_without_changing_its_state_records_nothing(desk, draft):
    services.article_publish(article=draft, user=desk)
    draft.headline = "Budget vote, updated"
    services.article_save(article=draft, user=desk)
    assert AuditEvent.objects.filter(object_type="articles.Article").count() == 1


def test_a_refused_action_leaves_no_event(desk, draft):
    stale = Article.objects.get(pk=draft.pk)
    draft.headline = "Newer"
    services.article_save(article=draft, user=desk)
    with pytest.raises(StaleEditError):
        services.article_publish(article=stale, user=desk)
    assert not events(Action.PUBLISH)
    assert not Article.objects.filter(pk=draft.pk, status="published").exists()


def test_deleting_records_the_story_and_its_address(desk):
    article = saved_story(headline="Gone story")
    url = article.get_absolute_url()
    services.article_delete(article=article, user=desk)
    event = only_event(Action.DELETE)
    assert event.object_label == "Gone story" and event.details["url"] == url
    assert event.actor == desk


def test_restoring_an_earlier_revision_is_recorded(desk, draft):
    first = Version.objects.get_for_object(draft).get()
    draft.headline = "Second headline"
    services.article_save(article=draft, user=desk)
    services.article_restore(article=draft, version=first, user=desk)
    event = only_event(Action.RESTORE_REVISION)
    assert event.details["revision"] == first.revision_id
    assert event.object_label == "Budget vote"


def test_recovering_a_deleted_story_in_admin_is_recorded(client, desk):
    client.force_login(desk)
    article = saved_story(headline="Budget vote")
    client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    deleted = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[deleted.pk])
    assert not events(Action.RECOVER)  # showing the form records nothing
    form = client.get(recover_url)
    assert client.post(recover_url, admin_form_data(form)).status_code == 302
    event = only_event(Action.RECOVER)
    assert event.actor == desk and event.object_label == "Budget vote"
    assert event.address == "127.0.0.1"


# Corrections and pending changes


def test_corrections_added_changed_and_deleted_are_recorded(desk):
    article = saved_story(headline="Budget vote")
    correction = services.correction_add(
        article=article, kind="correction", text="The vote was on Tuesday.", user=desk
    )
    correction.text = "The vote was on Wednesday."
    services.correction_save(correction=correction, user=desk)
    services.correction_delete(correction=correction, user=desk)
    added, changed, deleted = (
        only_event(Action.CORRECTION_ADD),
        only_event(Action.CORRECTION_CHANGE),
        only_event(Action.CORRECTION_DELETE),
    )
    assert added.details == {
        "story": article.pk,
        "kind": "correction",
        "text": "The vote was on Tuesday.",
    }
    assert changed.details["text"] == "The vote was on Wednesday."
    assert deleted.object_label == "Budget vote"
    assert not Correction.objects.exists()


def test_a_correction_deleted_in_admin_is_recorded(client, desk):
    correction = CorrectionFactory(article=saved_story(), text="The vote was on Tuesday.")
    client.force_login(desk)
    url = reverse("admin:articles_article_change", args=[correction.article_id])
    data = admin_form_data(client.get(url), **{"corrections-0-DELETE": "on"})
    assert client.post(url, data).status_code == 302
    assert not Correction.objects.exists()
    event = only_event(Action.CORRECTION_DELETE)
    assert event.actor == desk and event.details["text"] == "The vote was on Tuesday."


def test_pending_changes_scheduled_published_and_discarded_are_recorded(desk):
    article = saved_story(headline="Budget vote")
    values = {"headline": "Budget vote passes", "dek": "", "body": "<p>Passed.</p>"}
    values.update({name: getattr(article, name) for name in ("dateline", "credit")})
    at = timezone.now() + timedelta(hours=1)
    staged = staging.staged_edit_save(article=article, user=desk, values=values)
    staging.staged_edit_schedule(staged=staged, user=desk, at=at)
    staging.staged_edit_publish(staged=staged, user=desk)
    assert only_event(Action.PENDING_SCHEDULE).details == {"publish_at": at.isoformat()}
    assert only_event(Action.PENDING_PUBLISH).object_label == "Budget vote passes"

    staged = staging.staged_edit_save(article=article, user=desk, values=values)
    staging.staged_edit_discard(staged=staged, user=desk)
    assert only_event(Action.PENDING_DISCARD).actor == desk


# Permissions


def test_group_membership_changes_are_recorded_from_either_side():
    user = UserFactory(username="karim")
    editors = Group.objects.get(name="Editor")
    reporters = Group.objects.get(name="Reporter")
    user.groups.add(editors)
    reporters.user_set.add(user)
    user.groups.remove(editors)
    user.groups.clear()
    details = [event.details for event in events(Action.GROUPS)]
    assert details == [
        {"added": ["Editor"]},
        {"added": ["Reporter"]},
        {"removed": ["Editor"]},
        {"removed": ["Reporter"]},
    ]
    assert {event.object_label for event in events(Action.GROUPS)} == {"karim"}


def test_user_and_group_permission_changes_are_recorded():
    user = UserFactory(username="karim")
    publish = Permission.objects.get(codename="publish_article")
    user.user_permissions.add(publish)
    reporters = Group.objects.get(name="Reporter")
    reporters.permissions.add(publish)
    publish.group_set.remove(reporters)
    assert only_event(Action.USER_PERMISSIONS).details == {"added": ["articles.publish_article"]}
    added, removed = events(Action.GROUP_PERMISSIONS)
    assert added.object_label == removed.object_label == "Reporter"
    assert removed.details == {"removed": ["articles.publish_article"]}


def test_staff_superuser_and_active_changes_are_recorded():
    user = UserFactory(username="karim")
    assert not events(Action.ACCOUNT_FLAGS)
    user.is_staff = True
    user.is_superuser = True
    user.save()
    user.is_active = False
    user.save()
    user.first_name = "Karim"
    user.save()
    promoted, deactivated = events(Action.ACCOUNT_FLAGS)
    assert promoted.details == {"is_staff": [False, True], "is_superuser": [False, True]}
    assert deactivated.details == {"is_active": [True, False]}


def test_creating_a_superuser_is_recorded():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    event = only_event(Action.ACCOUNT_FLAGS)
    assert event.details == {"is_staff": [None, True], "is_superuser": [None, True]}


def test_a_permission_change_in_admin_records_who_made_it_and_from_where(editor_client, editor):
    group = Group.objects.create(name="Photo desk")
    view_image = Permission.objects.get(codename="view_image")
    response = editor_client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Photo desk", "permissions": [view_image.pk]},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    event = only_event(Action.GROUP_PERMISSIONS)
    assert event.actor == editor and event.address == "198.51.100.4"
    assert event.details == {"added": ["articles.view_image"]}


def test_events_made_in_bulk_name_the_request_user_and_address_as_one_event_does(rf, desk):
    story = saved_story(headline="Budget vote")
    request = rf.post("/", REMOTE_ADDR="198.51.100.7")
    request.user = desk

    def both(request):
        one = audit.unsaved_event(action=Action.PUBLISH, obj=story, details={"n": 1})
        [many] = audit.unsaved_object_events([(Action.PUBLISH, story, {"n": 1})])
        return one, many

    one, many = audit.AuditContextMiddleware(both)(request)
    fields = ["action", "actor", "actor_name", "object_type", "object_id", "object_label"]
    assert [getattr(many, name) for name in fields] == [getattr(one, name) for name in fields]
    assert (many.actor, many.address, many.details) == (desk, "198.51.100.7", {"n": 1})


# Reading the log in admin


def test_editors_read_the_log_filter_and_search_it(client, desk, draft):
    services.article_publish(article=draft, user=desk)
    services.article_delete(article=saved_story(headline="Other story"), user=desk)
    client.force_login(desk)
    assert "Audit log" in client.get(reverse("admin:index")).text
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "Budget vote" in page.text and "Other story" in page.text
    filtered = client.get(CHANGELIST, {"action": "delete"})
    assert "Other story" in filtered.text and "Budget vote" not in filtered.text
    searched = client.get(CHANGELIST, {"q": "Budget"})
    assert "Budget vote" in searched.text and "Other story" not in searched.text
    by_actor = client.get(CHANGELIST, {"actor__id__exact": desk.pk})
    assert by_actor.status_code == 200 and "Budget vote" in by_actor.text


def test_the_log_speaks_the_editor_s_language(client, desk, draft):
    services.article_publish(article=draft, user=desk)
    client.force_login(desk)
    french = client.get(CHANGELIST, headers={"Accept-Language": "fr"}).text
    assert "Journal d’audit" in french and "A publié un article" in french
    arabic = client.get(CHANGELIST, headers={"Accept-Language": "ar"}).text
    assert "سجل التدقيق" in arabic and "نشر مقالًا" in arabic


def test_nobody_adds_changes_or_deletes_events(client, editor, draft):
    services.article_publish(article=draft, user=editor)
    event = only_event(Action.PUBLISH)
    client.force_login(editor)
    change_url = reverse("admin:articles_auditevent_change", args=[event.pk])
    view = client.get(change_url)
    assert view.status_code == 200 and 'name="_save"' not in view.text
    assert client.post(change_url, {"object_label": "Forged"}).status_code == 403
    assert client.get(reverse("admin:articles_auditevent_add")).status_code == 403
    delete_url = reverse("admin:articles_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.object_label == "Budget vote"


def test_reporters_do_not_see_the_log(client):
    client.force_login(user_in_group("Reporter", username="reporter"))
    assert "Audit log" not in client.get(reverse("admin:index")).text
    assert client.get(CHANGELIST).status_code == 403
