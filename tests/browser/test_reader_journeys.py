"""A reader goes home → section → story → tag → search by clicking and typing, as on a
phone or a desktop, with and without JavaScript, in each interface language.

Links are found by where they lead, not by their words, so the same journey runs in
every interface language.
"""

import pytest
from playwright.sync_api import expect

from tests.sample_site import SEARCH_WORD, build_sample_site

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

DEVICES = [
    pytest.param(PHONE, True, id="phone"),
    pytest.param(DESKTOP, True, id="desktop"),
    pytest.param(PHONE, False, id="phone-no-js"),
]


def assert_fits_the_screen(page):
    """Nothing sticks out sideways: the reader never scrolls left and right."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]}px wide on a {widths[1]}px screen"


def focus_ring(page) -> dict:
    """Where the focused element is and how its outline is drawn."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            return {
                tag: element.tagName, text: element.textContent.trim(),
                href: element.getAttribute("href"),
                inMain: element.closest("main") !== null,
                outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                onScreen: box.width > 0 && box.height > 0 && box.top >= 0
                    && box.bottom <= window.innerHeight,
            };
        }"""
    )


@pytest.mark.parametrize(("device", "javascript"), DEVICES)
def test_reader_journey(browser, live_server, interface, device, javascript):
    site = build_sample_site()
    pages = site.pages(interface)
    context = browser.new_context(**device, java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15_000)
    phone = device is PHONE
    visit = [page.goto(live_server.url + pages["home"]).url]

    # The first key press shows the skip link; following it lands on the content.
    page.keyboard.press("Tab")
    ring = focus_ring(page)
    assert ring["href"] == "#main" and ring["onScreen"], ring
    assert ring["outline"] != "none" and ring["width"] >= 2, ring
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # The keyboard goes on from the content, and every stop shows where it is.
    for _ in range(3):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        assert ring["inMain"] and ring["onScreen"], ring
        assert ring["outline"] != "none" and ring["width"] >= 2, ring

    page.locator(f'.site-nav a[href="{pages["section"]}"]').click()
    page.wait_for_url(live_server.url + pages["section"])
    visit.append(page.url)
    expect(page.locator("h1")).to_have_text("Economy")

    page.locator(".card-headline a", has_text=site.story.headline).click()
    page.wait_for_url(live_server.url + pages["story"])
    visit.append(page.url)
    expect(page.locator("h1")).to_have_text(site.story.headline)
    photo = page.locator(".story-photo img")
    expect(photo).to_have_attribute("alt", site.story.lead_photo.alt_text)
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=photo.element_handle())
    if phone:
        assert_fits_the_screen(page)
        assert photo.bounding_box()["width"] <= device["viewport"]["width"]

    page.locator(f'.story-tags a[href="{pages["tag"]}"]').click()
    page.wait_for_url(live_server.url + pages["tag"])
    visit.append(page.url)
    expect(page.locator(".card-headline a", has_text=site.story.headline)).to_be_visible()

    page.locator(".site-search-link").click()
    page.wait_for_url(live_server.url + pages["search-form"])
    page.locator("input[type=search]").fill(SEARCH_WORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + pages["search"] + "*")
    visit.append(page.url)
    results = page.locator(".search-result .card-headline a")
    expect(results.first).to_have_text(site.story.headline)
    if phone:
        assert_fits_the_screen(page)

    context.close()
    assert all(url.startswith(live_server.url + pages["home"]) for url in visit), visit


def test_arabic_story_reads_right_to_left_and_fits_a_phone(browser, live_server, interface):
    site = build_sample_site()
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(live_server.url + site.pages(interface)["arabic-story"])
    for part in [".story-headline", ".story-body"]:
        expect(page.locator(part)).to_have_attribute("lang", "ar")
        expect(page.locator(part)).to_have_attribute("dir", "rtl")
    assert page.evaluate("getComputedStyle(document.querySelector('.story-body')).direction") == (
        "rtl"
    )
    headline = page.locator(".story-headline").bounding_box()
    body = page.locator(".story-body p").first.bounding_box()
    # Right to left: the text's right edge lines up with the column's, not its left.
    assert abs((headline["x"] + headline["width"]) - (body["x"] + body["width"])) < 2
    # An English date keeps its own order in an Arabic story: "28 November", not "November 28".
    first, second = page.evaluate(
        """time => {
            const text = time.firstChild, words = text.textContent.split(" ");
            const range = document.createRange();
            return words.slice(0, 2).map(word => {
                const start = text.textContent.indexOf(word);
                range.setStart(text, start);
                range.setEnd(text, start + word.length);
                return range.getBoundingClientRect().left;
            });
        }""",
        page.locator(".story-meta time").first.element_handle(),
    )
    if interface == "en":  # in the Arabic interface the date is Arabic, right to left
        assert first < second
    assert_fits_the_screen(page)
    context.close()
