"""Failed-login limits: one for a user name at one address, a higher one for the address.

django-axes compares every lockout parameter with one limit. The newsroom wants two: a
few failures lock a user name at the address they came from (so a guesser cannot lock an
editor out everywhere), and many failures from one address, whatever the user names, lock
that address (so it cannot try a few passwords on every account).
"""

import math

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpResponse
from django.shortcuts import render


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes's database handler, with the address counted against its own, higher limit.

    Expects ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]``.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Failures on the scale of AXES_FAILURE_LIMIT: the pair's own count, or the
        address's count scaled so that it reaches that limit exactly at the address limit."""
        pair_failures, address_failures = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit = settings.AXES_FAILURE_LIMIT
        scaled = address_failures * limit // settings.NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT
        return max(pair_failures, scaled)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """The page shown instead of the login form while locked out (HTTP 429).

    The same for every user name, existing or not, so it tells nothing about accounts.
    """
    minutes = math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
