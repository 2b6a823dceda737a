"""Browser tests: Debian's Chromium driven by Playwright against a live test server.

Without a browser these tests skip with the reason; with NEWSROOM_REQUIRE_BROWSER=1
(set by CI, which installs Chromium) a missing browser is a failure instead.
"""

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return os.environ.get("NEWSROOM_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        reason = "no Chromium found (install Debian's chromium package or set NEWSROOM_CHROMIUM)"
        if os.environ.get("NEWSROOM_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright runs its own event loop; Django must allow ORM calls from this thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# The reader's interface languages: English (no prefix) and Arabic under /ar/. A test for
# a language whose interface does not exist (its home page is 404) skips.
INTERFACE_LANGUAGES = ["en", "ar"]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture(params=INTERFACE_LANGUAGES)
def interface(request, live_server):
    """One interface language, checked to exist on the live server."""
    import urllib.error
    import urllib.request

    from django.conf import settings

    language = request.param
    if language != settings.LANGUAGE_CODE:
        try:
            urllib.request.urlopen(f"{live_server.url}/{language}/", timeout=10).close()
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
            pytest.skip(f"the {language} interface does not exist yet (/{language}/ is 404)")
    return language
