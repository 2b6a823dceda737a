"""Two-factor login for staff (TOTP, django-otp), on with NEWSROOM_STAFF_TWO_FACTOR.

After the password, a staff member proves they hold their authenticator app: the first
time by adding the newsroom to it and typing a code (setup), afterwards by typing the
current code (verify). Until then every admin page sends them to the right one of the
two. Codes are checked by django-otp, which slows down repeated wrong codes.
"""

from base64 import b32encode
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import audit


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _needs_second_factor(request) -> bool:
    user = request.user
    return (
        settings.NEWSROOM_STAFF_TWO_FACTOR
        and user.is_authenticated
        and user.is_staff
        and not user.is_verified()
    )


class StaffTwoFactorMiddleware:
    """Send staff who have not passed the second factor to setup or verify, from any
    admin page but logging out. Goes after django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and _needs_second_factor(request):
            own_pages = {reverse("two-factor-setup"), reverse("two-factor-verify")}
            if request.path not in own_pages and request.path != reverse("admin:logout"):
                page = "two-factor-verify" if user_has_device(request.user) else "two-factor-setup"
                return redirect(_with_next(page, request.get_full_path()))
        return self.get_response(request)


def _with_next(name: str, next_page: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_page})}"


def _next_page(request) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _page(request, template: str, context: dict):
    context = {
        **admin.site.each_context(request),
        "next": _next_page(request),
        **context,
    }
    return render(request, template, context)


@login_required
def setup(request):
    """Add the newsroom to an authenticator app and confirm it with one code."""
    if user_has_device(request.user):
        return redirect(_with_next("two-factor-verify", _next_page(request)))
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(action=audit.Action.TWO_FACTOR_ON, user=request.user, obj=device)
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("token", _("That code is not right. Try the one now showing."))
    return _page(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "title": _("Set up two-factor login"),
            "secret": b32encode(device.bin_key).decode(),
            "config_url": device.config_url,
        },
    )


@login_required
def verify(request):
    """Type the current code to finish logging in."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(_with_next("two-factor-setup", _next_page(request)))
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("token", _("That code is not right. Try the one now showing."))
    return _page(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "title": _("Two-factor login")},
    )
