"""No accessibility violations axe-core can find, on every kind of reader's page.

Each page is checked in a phone-sized window in each interface language, with every
rule in the light colour scheme and again for contrast in the dark one; the English
interface also shows an Arabic story.
"""

import pytest

from tests.sample_site import build_sample_site

from .axe import axe_violations, require_axe
from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["home", "section", "tag", "author", "story", "arabic-story", "search", "not-found"]


def test_reader_pages_have_no_axe_violations(browser, live_server, interface):
    require_axe()
    pages = build_sample_site().pages(interface)
    # axe goes in as an inline script, which the site's Content-Security-Policy forbids.
    context = browser.new_context(**PHONE, color_scheme="light", bypass_csp=True)
    page = context.new_page()
    found = []
    for name in PAGES:
        response = page.goto(live_server.url + pages[name])
        assert response.status == (404 if name == "not-found" else 200), name
        found += [f"{name}: {violation}" for violation in axe_violations(page)]
        page.emulate_media(color_scheme="dark")
        dark = axe_violations(page, rules=["color-contrast"])
        found += [f"{name} (dark): {violation}" for violation in dark]
        page.emulate_media(color_scheme="light")
    context.close()
    assert not found, "axe found:\n" + "\n".join(found)


def test_axe_reports_what_it_finds(browser):
    require_axe()
    page = browser.new_page()
    page.set_content('<html><body><main><img src="data:,"></main></body></html>')
    violations = axe_violations(page)
    page.close()
    assert any(violation.startswith("image-alt (critical)") for violation in violations)
    assert any(violation.startswith("html-has-lang (serious)") for violation in violations)
