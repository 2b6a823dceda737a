"""Pages work under their Content-Security-Policy: the browser blocks nothing they need."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, ImageFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Recorded before any of the page's own code runs, whatever the page's policy allows.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and every policy violation its console or its document reports."""
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: reports.append(f"error: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)

    def violations():
        return reports + page.evaluate("window.cspViolations")

    return page, violations


def test_public_pages_break_no_rule(live_server, watched, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    page, violations = watched
    story = ArticleFactory(headline="Gas talks in Algiers", lead_photo=ImageFactory())
    for url in ("/", story.get_absolute_url(), "/search/?q=gas", "/no/such/page/"):
        response = page.goto(live_server.url + url)
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        assert violations() == [], url
    page.goto(live_server.url + story.get_absolute_url())
    lead = page.locator("figure img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=lead.element_handle())
    assert violations() == []


def test_rich_text_editor_loads_under_the_admin_policy(live_server, watched):
    page, violations = watched
    page.set_viewport_size({"width": 1280, "height": 900})
    story = ArticleFactory(body="<p>The ministers met.</p>")
    editor = UserFactory(username="desk", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")

    response = page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    policy = response.headers["content-security-policy"]
    assert "'nonce-" in policy and "unsafe-inline" not in policy
    editor_area = page.locator(".ProseMirror:visible")
    expect(editor_area).to_contain_text("The ministers met.")
    editor_area.click()
    page.keyboard.press("End")
    page.keyboard.type(" They agreed.")
    page.click(".field-lead_photo .select2-selection")  # the picture picker opens too
    expect(page.locator(".select2-search__field")).to_be_visible()
    page.keyboard.press("Escape")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    expect(page.locator(".ProseMirror:visible")).to_contain_text("They agreed.")
    assert violations() == []

    page.goto(live_server.url + "/admin/articles/article/")
    page.wait_for_load_state("load")
    assert violations() == []


def test_api_docs_load_under_their_policy(live_server, watched):
    page, violations = watched
    ArticleFactory()
    page.goto(live_server.url + "/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Newsroom API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations() == []
