"""An editor writes, illustrates and publishes a story in a real browser."""

import pytest

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_reader_opens_a_story_from_the_home_page(live_server, page):
    ArticleFactory(headline="Gas talks in Algiers", body="<p>The ministers met.</p>")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Gas talks in Algiers").first.click()
    page.wait_for_url("**/20*/**")
    assert page.locator("h1").inner_text() == "Gas talks in Algiers"
    assert "The ministers met." in page.locator(".story-body").inner_text()
