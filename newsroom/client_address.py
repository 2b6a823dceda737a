"""The address a request came from, read the same way by login throttling and the audit log."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The connection's address, or the one the trusted proxies recorded.

    With ``NEWSROOM_TRUSTED_PROXIES`` set to N, each of the N proxies in front appended the
    address it saw to X-Forwarded-For, so the N-th entry from the right is the one the
    outermost proxy saw; entries further left came from the client and cannot be trusted.
    A header shorter than that did not pass through all the proxies, or an entry that is
    not an address, is ignored.
    """
    proxies = settings.NEWSROOM_TRUSTED_PROXIES
    if proxies > 0:
        forwarded = [
            entry.strip()
            for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if entry.strip()
        ]
        if len(forwarded) >= proxies and _is_address(forwarded[-proxies]):
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
