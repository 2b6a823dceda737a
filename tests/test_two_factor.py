"""Two-factor login for staff: setup once with an authenticator app, then a code each login."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.models import AuditEvent

from .factories import UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("two-factor-setup")
VERIFY = reverse("two-factor-verify")
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.NEWSROOM_STAFF_TWO_FACTOR = True


@pytest.fixture
def desk(db):
    return UserFactory(username="desk", is_staff=True, is_superuser=True)


def current_code(device) -> str:
    """What the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def set_up(client, user) -> TOTPDevice:
    client.force_login(user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP, {"token": current_code(device), "next": CHANGELIST})
    assert response.status_code == 302 and response["Location"] == CHANGELIST
    return device


def test_staff_without_a_device_are_sent_to_setup_from_any_admin_page(client, desk):
    client.force_login(desk)
    response = client.get(CHANGELIST, {"status": "draft", "q": "vote"})
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{SETUP}?next=%2Fadmin%2Farticles%2Farticle%2F%3Fstatus%3Ddraft%26q%3Dvote"
    )
    page = client.get(SETUP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=desk, confirmed=False)
    assert page.context["secret"] in page.text
    assert "otpauth://totp/" in page.text
    # Reloading the page keeps the same key, so a half-finished setup can be completed.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=desk).pk == device.pk


def test_a_wrong_code_does_not_finish_setup(client, desk):
    client.force_login(desk)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(CHANGELIST).status_code == 302


def test_a_right_code_finishes_setup_and_opens_admin(client, desk):
    device = set_up(client, desk)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(CHANGELIST).status_code == 200
    event = AuditEvent.objects.get(action="two_factor_on")
    assert event.actor == desk


def test_each_new_login_asks_for_the_current_code(client, desk):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        device = set_up(client, desk)
    client.logout()
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        client.force_login(desk)
        response = client.get(CHANGELIST)
        assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Farticles%2Farticle%2F"
        wrong = client.post(VERIFY, {"token": "123456", "next": CHANGELIST})
        assert wrong.status_code == 200 and "That code is not right" in wrong.text
        assert client.get(CHANGELIST).status_code == 302
    # django-otp makes the next try wait after a wrong code.
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        device.refresh_from_db()
        right = client.post(VERIFY, {"token": current_code(device), "next": CHANGELIST})
        assert right.status_code == 302 and right["Location"] == CHANGELIST
        assert client.get(CHANGELIST).status_code == 200


def test_a_code_cannot_be_used_twice(client, desk):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        device = set_up(client, desk)
        used = current_code(device)
        client.logout()
        client.force_login(desk)
        assert client.post(VERIFY, {"token": used}).status_code == 200
        assert client.get(CHANGELIST).status_code == 302


def test_the_next_address_must_be_on_this_site(client, desk):
    response = client.post(SETUP, {"token": "1"})  # anonymous: to the login page
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(desk)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=desk)
    response = client.post(
        SETUP, {"token": current_code(device), "next": "https://elsewhere.example/"}
    )
    assert response["Location"] == reverse("admin:index")


def test_readers_and_non_staff_are_not_affected(client):
    assert client.get(reverse("articles:home")).status_code == 200
    client.force_login(UserFactory(username="reader"))
    assert client.get(reverse("articles:home")).status_code == 200


def test_with_two_factor_off_staff_go_straight_in(client, desk, settings):
    settings.NEWSROOM_STAFF_TWO_FACTOR = False
    client.force_login(desk)
    assert client.get(CHANGELIST).status_code == 200
