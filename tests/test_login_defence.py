"""Login throttling, lockout, no account enumeration, password reset and password rules."""

import json
import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import AuditEvent
from newsroom.client_address import client_address
from newsroom.logging import JsonFormatter

from .factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
RESET = reverse("admin_password_reset")
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT = 6


@pytest.fixture
def desk(db):
    return UserFactory(username="desk", is_staff=True)


def log_in(client, username, password, address="203.0.113.5", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        **extra,
    )


def test_the_nth_failure_locks_the_name_at_that_address(client, desk):
    for _attempt in range(2):
        assert log_in(client, "desk", "wrong").status_code == 200
    locked = log_in(client, "desk", "wrong")
    assert locked.status_code == 429
    assert "Too many attempts to log in" in locked.text
    assert locked["Retry-After"] == "900"
    # Even the right password is refused while locked.
    assert log_in(client, "desk", PASSWORD).status_code == 429


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Trop de tentatives de connexion", "Réessayez dans 15 minutes."]),
        ("ar", ["محاولات كثيرة لتسجيل الدخول", "حاول مجددًا بعد 15 دقيقة."]),
    ],
)
def test_the_lockout_page_speaks_the_editor_s_language(client, desk, language, words):
    for _attempt in range(3):
        locked = log_in(client, "desk", "wrong", headers={"Accept-Language": language})
    assert locked.status_code == 429
    for text in words:
        assert text in locked.text


def test_the_same_editor_still_gets_in_from_another_address(client, desk):
    for _attempt in range(3):
        log_in(client, "desk", "wrong", address="198.51.100.66")
    response = log_in(client, "desk", PASSWORD, address="203.0.113.5")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_lock_lifts_after_the_cool_off(client, desk, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _attempt in range(3):
            log_in(client, "desk", "wrong")
        assert log_in(client, "desk", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert log_in(client, "desk", PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert log_in(client, "desk", PASSWORD).status_code == 302


def test_many_names_from_one_address_lock_the_address(client, desk):
    for n in range(6):
        log_in(client, f"guess{n}", "wrong")
    assert log_in(client, "desk", PASSWORD).status_code == 429
    assert log_in(client, "desk", PASSWORD, address="198.51.100.7").status_code == 302


def test_axes_reset_unlocks_at_once(client, desk):
    for _attempt in range(3):
        log_in(client, "desk", "wrong")
    call_command("axes_reset_username", "desk")
    assert log_in(client, "desk", PASSWORD).status_code == 302


def test_the_lockout_page_is_the_same_for_real_and_unknown_names(client, desk):
    for name in ("desk", "nobody"):
        for _attempt in range(3):
            log_in(client, name, "wrong", address="192.0.2.1" if name == "desk" else "192.0.2.2")
    real = log_in(client, "desk", "wrong", address="192.0.2.1")
    unknown = log_in(client, "nobody", "wrong", address="192.0.2.2")
    assert real.status_code == unknown.status_code == 429
    assert real.text == unknown.text
    assert "desk" not in real.text


def test_forwarded_addresses_count_only_behind_a_configured_proxy(client, desk, settings):
    # Without a proxy, a forged header does not let a guesser change address.
    for n in range(3):
        log_in(client, "desk", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert log_in(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="10.0.0.9").status_code == 429

    settings.NEWSROOM_TRUSTED_PROXIES = 1
    forwarded = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.20"}
    for _attempt in range(3):
        log_in(client, "desk", "wrong", **forwarded)
    assert log_in(client, "desk", PASSWORD, **forwarded).status_code == 429
    other = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.21"}
    assert log_in(client, "desk", PASSWORD, **other).status_code == 302
    event = AuditEvent.objects.filter(action="lockout").latest()
    assert event.address == "198.51.100.20"


def test_every_attempt_is_logged_without_the_password(client, desk, caplog):
    caplog.set_level(logging.INFO, logger="newsroom.login")
    log_in(client, "desk", "hunter2-wrong")
    log_in(client, "desk", "hunter2-wrong")
    log_in(client, "desk", "hunter2-wrong")
    log_in(client, "desk", PASSWORD, address="198.51.100.9")
    lines = [JsonFormatter().format(r) for r in caplog.records if r.name == "newsroom.login"]
    entries = [json.loads(line) for line in lines]
    assert [entry["event"] for entry in entries] == [
        "login_failure",
        "login_failure",
        "login_lockout",
        "login_success",
    ]
    assert entries[0]["username"] == "desk" and entries[0]["address"] == "203.0.113.5"
    assert entries[3]["user_id"] == desk.pk
    assert not any("hunter2" in line or PASSWORD in line for line in lines)
    assert "hunter2" not in str(list(AccessAttempt.objects.values()))
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "actor_name"))
    assert actions[-4:] == [
        ("login_failed", "desk"),
        ("login_failed", "desk"),
        ("lockout", "desk"),
        ("login", "desk"),
    ]


# No enumeration


def login_error(response):
    return response.context["form"].non_field_errors()


def test_login_answers_alike_for_unknown_inactive_and_wrong_password(client, desk):
    UserFactory(username="gone", is_staff=True, is_active=False)
    wrong = log_in(client, "desk", "wrong", address="192.0.2.10")
    unknown = log_in(client, "nobody", "wrong", address="192.0.2.11")
    inactive = log_in(client, "gone", PASSWORD, address="192.0.2.12")
    assert wrong.status_code == unknown.status_code == inactive.status_code == 200
    assert login_error(wrong) == login_error(unknown) == login_error(inactive)


def test_admin_login_offers_the_password_reset(client):
    assert RESET in client.get(LOGIN).text


def test_password_reset_answers_alike_and_mails_only_active_accounts(client, desk):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    answers = [
        client.post(RESET, {"email": address})
        for address in ("desk@example.org", "nobody@example.org", "gone@example.org")
    ]
    assert {answer.status_code for answer in answers} == {302}
    assert {answer["Location"] for answer in answers} == {reverse("password_reset_done")}
    assert [message.to for message in mail.outbox] == [["desk@example.org"]]
    assert "/admin/reset/" in mail.outbox[0].body


def test_a_reset_link_sets_a_new_password_that_must_be_strong(client, desk):
    client.post(RESET, {"email": "desk@example.org"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/admin/reset/" in line)
    form_url = client.get(link.strip()[link.strip().index("/admin/") :], follow=True)
    page = form_url.redirect_chain[-1][0]
    weak = client.post(page, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 200
    assert "This password is too common." in weak.text
    strong = "plum orchard telescope 42"
    done = client.post(page, {"new_password1": strong, "new_password2": strong})
    assert done.status_code == 302
    desk.refresh_from_db()
    assert desk.check_password(strong)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "192.0.2.99"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "10.9.9.9, 198.51.100.1", "198.51.100.1"),
        (2, "10.9.9.9, 198.51.100.1, 192.0.2.50", "198.51.100.1"),
        (2, "198.51.100.1", "192.0.2.99"),
        (1, "not-an-address", "192.0.2.99"),
        (1, "", "192.0.2.99"),
    ],
    ids=["no-proxy", "one", "forged-left-part", "two", "too-short", "garbage", "missing"],
)
def test_client_address_trusts_only_the_configured_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.NEWSROOM_TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="192.0.2.99", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
