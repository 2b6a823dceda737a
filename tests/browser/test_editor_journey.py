"""An editor writes, illustrates and publishes a story in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, SectionFactory, UserFactory, picture_bytes

# A live server needs committed data; the tables are emptied after each test, so each
# test makes what it needs (the data migrations' sections included).
pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_opens_a_story_from_the_home_page(live_server, page):
    ArticleFactory(headline="Gas talks in Algiers", body="<p>The ministers met.</p>")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Gas talks in Algiers").first.click()
    page.wait_for_url("**/20*/**")
    assert page.locator("h1").inner_text() == "Gas talks in Algiers"
    assert "The ministers met." in page.locator(".story-body").inner_text()


def test_editor_writes_illustrates_and_publishes_a_story(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    page.set_viewport_size({"width": 1280, "height": 900})  # editors work on a desktop
    SectionFactory(name="News", slug="news")
    editor = UserFactory(username="desk", is_staff=True, is_superuser=True)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "correct horse battery")
    page.click("input[type=submit]")

    photo = tmp_path / "plant.jpg"
    photo.write_bytes(picture_bytes((1200, 800)))
    page.goto(live_server.url + "/admin/articles/image/add/")
    page.set_input_files("#id_file", str(photo))
    page.fill("#id_alt_text", "The new desalination plant on the coast")
    page.fill("#id_credit", "Photo: APS")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(live_server.url + "/admin/articles/article/add/")
    page.click(".field-lead_photo .select2-selection")
    page.fill(".select2-search__field", "desalination")
    page.locator(".select2-results__option", has_text="desalination").click()

    page.fill("#id_headline", "Desalination plant opens in Oran")
    editor_area = page.locator(".ProseMirror:visible")
    editor_area.click()
    page.keyboard.type("The plant will supply 300,000 people.")
    page.keyboard.press("Enter")
    page.keyboard.type("It cost two billion dinars.")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/articles/article/")
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Desalination plant opens in Oran").first.click()
    body = page.locator(".story-body")
    assert "The plant will supply 300,000 people." in body.inner_text()
    assert body.locator("p").count() == 2
    lead = page.locator("figure img")
    assert lead.get_attribute("alt") == "The new desalination plant on the coast"
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=lead.element_handle()
    )  # the photo really loads, from the site itself
    assert "Photo: APS" in page.locator("figure figcaption").text_content()
