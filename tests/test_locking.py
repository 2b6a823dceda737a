"""Optimistic locking and who-is-editing: a colleague's newer save is never overwritten."""

import threading
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse
from reversion.models import Version

from articles import services
from articles.admin_versioning import VersionCheckedForm
from articles.locking import StaleEditError
from articles.models import Article, EditSession
from articles.seeding import SeedImporter

from .factories import UserFactory, admin_form_data, saved_story

pytestmark = pytest.mark.django_db

# 13:20 UTC is 14:20 in Algiers, the newsroom's time zone.
MORNING = datetime(2026, 3, 3, 13, 20, tzinfo=UTC)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


@pytest.fixture
def amina(db):
    return UserFactory(first_name="Amina", last_name="Benali", is_staff=True, is_superuser=True)


@pytest.fixture
def karim(db):
    return UserFactory(first_name="Karim", last_name="Ziani", is_staff=True, is_superuser=True)


def test_a_stale_form_is_refused_and_the_next_save_after_merging_succeeds(
    client, amina, karim, time_machine
):
    time_machine.move_to(MORNING, tick=False)
    article = saved_story(user=karim, headline="Budget vote delayed", body="<p>First text.</p>")
    client.force_login(karim)
    opened = client.get(change_url(article))
    assert f'name="base_version" value="{article.version}"' in opened.text

    time_machine.move_to(MORNING + timedelta(minutes=12), tick=False)
    theirs = Article.objects.get(pk=article.pk)
    theirs.headline = "Budget vote passes"
    theirs.body = "<p>Amina text.</p>"
    services.article_save(article=theirs, user=amina)

    time_machine.move_to(MORNING + timedelta(minutes=15), tick=False)
    mine = admin_form_data(opened, headline="Budget vote delayed again", body="<p>Karim text.</p>")
    response = client.post(change_url(article), mine)
    assert response.status_code == 200
    html = response.text
    assert (
        "Amina Benali saved a newer version at 14:32 while you were editing. Your text is "
        "still in the form below; compare and merge, then save again."
    ) in html
    assert 'value="Budget vote delayed again"' in html
    assert "&lt;p&gt;Karim text.&lt;/p&gt;</textarea>" in html
    assert "Budget vote <del>delayed again</del><ins>passes</ins>" in html
    assert "<del>Karim</del><ins>Amina</ins> text." in html
    assert f'name="base_version" value="{theirs.version}"' in html
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.body) == ("Budget vote passes", "<p>Amina text.</p>")
    assert stored.version == theirs.version
    assert Version.objects.get_for_object(article).count() == 2

    merged = admin_form_data(response, headline="Budget vote passes after delay")
    response = client.post(change_url(article), merged)
    assert response.status_code == 302
    stored = Article.objects.get(pk=article.pk)
    assert stored.headline == "Budget vote passes after delay"
    assert stored.body == "<p>Karim text.</p>"
    assert stored.version == theirs.version + 1


def test_a_change_posted_without_a_version_is_refused(editor_client):
    article = saved_story(headline="Kept headline")
    data = admin_form_data(editor_client.get(change_url(article)), headline="Forged")
    del data["base_version"]
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "saved a newer version" in response.text
    assert Article.objects.get(pk=article.pk).headline == "Kept headline"


def test_of_two_saves_from_the_same_version_one_wins_and_the_other_writes_nothing(editor):
    article = saved_story(headline="Start")
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    first.headline, second.headline = "First wins", "Second loses"
    services.article_save(article=first, user=editor, expected_version=article.version)
    with pytest.raises(StaleEditError):
        services.article_save(article=second, user=editor, expected_version=article.version)
    with pytest.raises(StaleEditError):
        services.article_save(article=second, user=editor)  # defaults to the version it read
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == ("First wins", article.version + 1)
    assert Version.objects.get_for_object(article).count() == 2


# serialized_rollback brings back the content types a migration test's flush leaves out.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two connections writing at once"
)
def test_two_concurrent_saves_from_the_same_version_one_wins(monkeypatch):
    article = saved_story(headline="Start")
    both_ready = threading.Barrier(2, timeout=10)
    real_claim = services.claim_next_version

    def claim_at_the_same_moment(article, expected_version):
        both_ready.wait()
        return real_claim(article, expected_version)

    monkeypatch.setattr(services, "claim_next_version", claim_at_the_same_moment)
    outcomes = {}

    def save(headline):
        try:
            copy = Article.objects.get(pk=article.pk)
            copy.headline = headline
            services.article_save(article=copy, expected_version=article.version)
            outcomes[headline] = "saved"
        except StaleEditError:
            outcomes[headline] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(headline,)) for headline in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["refused", "saved"]
    [winner] = [headline for headline, outcome in outcomes.items() if outcome == "saved"]
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.version) == (winner, article.version + 1)
    assert Version.objects.get_for_object(article).count() == 2


def test_a_save_racing_past_the_form_check_is_still_refused(client, amina, karim, monkeypatch):
    article = saved_story(user=karim, headline="Before")
    client.force_login(karim)
    data = admin_form_data(client.get(change_url(article)), headline="Karim headline")
    theirs = Article.objects.get(pk=article.pk)
    theirs.headline = "Amina headline"
    services.article_save(article=theirs, user=amina)

    checked = []
    real_clean = VersionCheckedForm.clean

    def check_before_the_other_save(form):
        if not checked:
            checked.append(form)
            form.instance.version = form.cleaned_data["base_version"]
        return real_clean(form)

    monkeypatch.setattr(VersionCheckedForm, "clean", check_before_the_other_save)
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Amina Benali saved a newer version" in response.text
    assert 'value="Karim headline"' in response.text
    assert Article.objects.get(pk=article.pk).headline == "Amina headline"


def test_bulk_publish_never_overwrites_a_save_made_after_the_list_was_read(
    editor_client, amina, monkeypatch
):
    article = saved_story(headline="Draft headline", draft=True)
    real_publish = services.article_publish

    def publish_after_a_colleague_saved(*, article, **kwargs):
        Article.objects.filter(pk=article.pk).update(
            headline="Newer headline", version=F("version") + 1, updated_by=amina
        )
        return real_publish(article=article, **kwargs)

    monkeypatch.setattr(services, "article_publish", publish_after_a_colleague_saved)
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
        follow=True,
    )
    assert "“Draft headline” was saved by someone else meanwhile" in response.text
    assert "0 stories published." in response.text
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.status) == ("Newer headline", Article.Status.DRAFT)


def test_bulk_publish_keeps_the_latest_text(editor_client, editor):
    article = saved_story(headline="Draft headline", draft=True)
    newer = Article.objects.get(pk=article.pk)
    newer.headline = "Latest headline"
    services.article_save(article=newer, user=editor)
    editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    stored = Article.objects.get(pk=article.pk)
    assert (stored.headline, stored.status) == ("Latest headline", Article.Status.PUBLISHED)


def test_the_importer_leaves_a_story_saved_after_it_read_it(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text("Title: Imported\n\nOran – First line.\n")
    call_command("import_seeds", str(path), verbosity=0)
    path.write_text("Title: Imported again\n\nOran – Changed line.\n")
    real_fill = SeedImporter._fill

    def fill_from_an_older_read(importer, article, parsed, text):
        text = real_fill(importer, article, parsed, text)
        article.version -= 1
        return text

    monkeypatch.setattr(SeedImporter, "_fill", fill_from_an_older_read)
    out = StringIO()
    call_command("import_seeds", str(path), stdout=out)
    assert "an editor saved the story while it was being imported" in out.getvalue()
    assert "1 kept" in out.getvalue()
    assert Article.objects.get().headline == "Imported"


def test_colleagues_see_who_has_the_story_open_until_it_expires(client, amina, karim, time_machine):
    article = saved_story()
    time_machine.move_to(MORNING, tick=False)
    client.force_login(karim)
    assert "has had this story open" not in client.get(change_url(article)).text

    time_machine.move_to(MORNING + timedelta(minutes=5), tick=False)
    client.force_login(amina)
    html = client.get(change_url(article)).text
    assert "Karim Ziani has had this story open since 14:20." in html
    assert "Amina Benali has had" not in html

    client.force_login(karim)
    html = client.get(change_url(article)).text
    assert "Amina Benali has had this story open since 14:25." in html
    assert "Karim Ziani has had" not in html

    time_machine.move_to(MORNING + timedelta(minutes=21), tick=False)
    client.force_login(amina)
    assert "Karim Ziani has had" not in client.get(change_url(article)).text


def test_the_heartbeat_keeps_presence_fresh_and_saving_clears_it(
    client, amina, karim, time_machine
):
    article = saved_story()
    time_machine.move_to(MORNING, tick=False)
    client.force_login(karim)
    opened = client.get(change_url(article))
    assert f'data-presence-url="{presence_url(article)}" defer' in opened.text
    for minutes in (10, 20, 30):
        time_machine.move_to(MORNING + timedelta(minutes=minutes), tick=False)
        assert client.post(presence_url(article)).status_code == 204

    time_machine.move_to(MORNING + timedelta(minutes=40), tick=False)
    client.force_login(amina)
    html = client.get(change_url(article)).text
    assert "Karim Ziani has had this story open since 14:20." in html

    client.force_login(karim)
    assert client.post(change_url(article), admin_form_data(opened)).status_code == 302
    assert not EditSession.objects.filter(user=karim).exists()
    client.force_login(amina)
    assert "Karim Ziani has had" not in client.get(change_url(article)).text


def test_the_heartbeat_refuses_reads_and_people_who_cannot_edit(client):
    article = saved_story()
    client.force_login(UserFactory(is_staff=True, permissions=["articles.view_article"]))
    assert client.get(presence_url(article)).status_code == 405
    assert client.post(presence_url(article)).status_code == 403
    assert client.get(change_url(article)).status_code == 200
    assert not EditSession.objects.exists()
    client.logout()
    assert client.post(presence_url(article)).status_code == 302
