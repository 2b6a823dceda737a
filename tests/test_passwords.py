"""Password rules hold wherever a password is set: admin forms and the local-editor command."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_the_password_rules_are_on(settings):
    names = [rule["NAME"].rsplit(".", 1)[1] for rule in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


def test_admin_refuses_a_new_account_with_a_weak_password(editor_client):
    response = editor_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "12345678",
            "password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert "This password is too common." in response.text
    assert "This password is entirely numeric." in response.text
    assert not User.objects.filter(username="newcomer").exists()


def test_admin_refuses_a_weak_new_password_for_an_account(editor_client):
    reporter = UserFactory(username="karim")
    url = reverse("admin:auth_user_password_change", args=[reporter.pk])
    response = editor_client.post(url, {"password1": "karim", "password2": "karim"})
    assert response.status_code == 200
    assert "This password is too short." in response.text
    assert "The password is too similar to the username." in response.text
    reporter.refresh_from_db()
    assert reporter.check_password("correct horse battery")


def test_admin_accepts_a_strong_password(editor_client):
    strong = "plum orchard telescope 42"
    response = editor_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": strong,
            "password2": strong,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").check_password(strong)


def test_local_editor_refuses_a_weak_chosen_password(monkeypatch):
    monkeypatch.setenv("NEWSROOM_LOCAL_EDITOR_PASSWORD", "editor")
    with pytest.raises(CommandError, match="NEWSROOM_LOCAL_EDITOR_PASSWORD is refused"):
        call_command("create_local_editor")
    assert not User.objects.exists()


def test_local_editor_takes_a_strong_chosen_password(monkeypatch, capsys):
    monkeypatch.setenv("NEWSROOM_LOCAL_EDITOR_PASSWORD", "plum orchard telescope 42")
    call_command("create_local_editor")
    output = capsys.readouterr().out
    assert "Created the local admin account editor." in output
    assert "plum orchard" not in output
    assert User.objects.get(username="editor").check_password("plum orchard telescope 42")
