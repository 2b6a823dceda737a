"""Bogus query strings and addresses: a 404 or a page that says what is wrong, never a
server error, and never more queries than the page itself costs.

NUL bytes matter most on PostgreSQL, which refuses them in any string parameter: none
may reach the database.
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import AuthorFactory, CorrectionFactory, SectionFactory, saved_story
from .queries import count_queries

pytestmark = pytest.mark.django_db

LISTS = [
    "/latest/",
    "/section/energy/",
    "/tag/algeria/",
    "/author/amina/",
    "/corrections/",
    "/2024/",
    "/2024/03/",
    "/2024/03/05/",
    "/search/?q=algeria",
]
BAD_PAGES = [
    "page=99999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=1e9",
    "page=%00",
    "page=%ff%fe",
    "page=1&page=2",
]
SEARCHES = {
    "nul": "q=algeria%00",
    "invalid-utf8": "q=%ff%fe",
    "10-kb": "q=" + "a" * 10_000,
    "1-mb": "q=" + "a%20" * 350_000,
    "syntax": "q=NEAR(algeria%20OR%20*)%20%22",
    "nul-section": "q=algeria&section=%00",
    "unknown-section": "q=algeria&section=nowhere",
    "nul-date": "q=algeria&date_from=%00",
    "year-zero": "q=algeria&date_from=0000-01-01",
    "year-99999": "q=algeria&date_to=99999-01-01",
    "dates-reversed": "q=algeria&date_from=2024-03-06&date_to=2024-03-01",
    "nul-page": "q=algeria&page=%00",
}
BAD_ADDRESSES = [
    "/9999/99/99/",
    "/0000/",
    "/0000/01/01/",
    "/2024/13/",
    "/2024/00/",
    "/2024/02/30/",
    "/9999/12/31/",
    "/9999/99/99/no-such-story/",
    "/0000/00/00/no-such-story/",
    "/section/%00/",
    "/tag/%00/",
    "/tag/%ff%fe/",
    "/author/%e2%80%ae/",
    "/section/%00/feed/",
    "/sitemap-stories.xml?p=99999999999999999999",
    "/sitemap-stories.xml?p=-1",
    "/sitemap-stories.xml?p=%00",
    "/sitemap-nowhere.xml",
    "/preview/%00/",
    "/preview/%ff%fe.abc/",
]


@pytest.fixture
def newsroom():
    section = SectionFactory(slug="energy", name="Energy")
    story = saved_story(
        headline="Algeria signs a gas deal",
        slug="story-about-algeria",
        section=section,
        authors=[AuthorFactory(slug="amina")],
        tags=["Algeria"],
        published_at=datetime(2024, 3, 5, 11, tzinfo=UTC),
    )
    CorrectionFactory(article=story)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code < 500, url
    return response, len(queries)


@pytest.mark.parametrize("page", BAD_PAGES)
@pytest.mark.parametrize("url", LISTS)
def test_a_bogus_page_number_is_a_404(client, newsroom, url, page):
    most = count_queries(client, url)
    response, queries = queries_of(client, f"{url}{'&' if '?' in url else '?'}{page}")
    assert response.status_code == 404
    assert queries <= most


@pytest.mark.parametrize("url", LISTS)
def test_an_empty_page_number_or_unknown_filter_is_the_first_page(client, newsroom, url):
    joiner = "&" if "?" in url else "?"
    for extra in ["page=", "sort=-id&limit=-1&offset=1000000000", "filter[section]=%00"]:
        response = client.get(f"{url}{joiner}{extra}")
        assert response.status_code == 200, extra
        assert "gas deal" in response.text


@pytest.mark.parametrize("query", SEARCHES.values(), ids=SEARCHES.keys())
def test_a_hostile_search_answers_with_the_form_and_the_reason(client, newsroom, query):
    most = count_queries(client, "/search/", q="algeria")
    response, queries = queries_of(client, f"/search/?{query}")
    if response.status_code == 404:  # only a page number that is not one
        assert "page=" in query
    else:
        assert response.status_code == 200
        assert 'name="q"' in response.text
        assert len(response.content) < 50_000  # a long search is not echoed back whole
    assert queries <= most


def test_a_search_that_is_too_long_says_so(client, newsroom):
    response = client.get("/search/", {"q": " energy" * 150_000})
    assert response.status_code == 200
    assert "Your search is 1049999 characters long; searches can be at most 200" in response.text
    assert len(response.content) < 50_000


@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_an_impossible_address_is_a_404(client, newsroom, url):
    story = count_queries(client, "/2024/03/05/story-about-algeria/")
    # Both warm: the first page after the newsroom changed also reads when the next
    # scheduled change is due (two queries), whichever page it is.
    response, queries = queries_of(client, url)
    assert response.status_code == 404
    assert queries <= story


@pytest.mark.parametrize("date", ["9999/99/99", "2024/02/30", "1000/01/01"])
def test_a_story_under_an_impossible_date_is_sent_to_its_address(client, newsroom, date):
    response = client.get(f"/{date}/story-about-algeria/")
    assert response.status_code == 301
    assert response["Location"] == "/2024/03/05/story-about-algeria/"
