"""Date archives: exactly the period's published stories, in the newsroom's time zone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import resolve

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from .queries import count_queries

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_now(settings):
    settings.TIME_ZONE = "Africa/Algiers"  # UTC+1 all year round
    with time_machine.travel(NOW, tick=False):
        yield


def at(*args):
    return datetime(*args, tzinfo=UTC)


def headlines(response):
    return [article.headline for article in response.context["articles"]]


@pytest.fixture
def march():
    """Three public stories in March 2024 and one of every kind readers must not see."""
    public = [
        ArticleFactory(headline="Fifth of March", published_at=at(2024, 3, 5, 9)),
        ArticleFactory(headline="Tenth of March", published_at=at(2024, 3, 10, 9)),
        ArticleFactory(headline="Nineteenth of March", published_at=at(2024, 3, 19, 9)),
    ]
    ArticleFactory(headline="Draft in March", published_at=at(2024, 3, 12, 9), draft=True)
    ArticleFactory(headline="In review", published_at=at(2024, 3, 13, 9), in_review=True)
    ArticleFactory(headline="Embargoed", published_at=at(2024, 3, 15, 9), embargoed=True)
    ArticleFactory(headline="Later today", published_at=at(2024, 3, 20, 18))
    ArticleFactory(headline="Next week", published_at=at(2024, 3, 27, 9))
    return public


def test_month_lists_exactly_its_published_stories_newest_first(client, march):
    response = client.get("/2024/03/")
    assert response.status_code == 200
    assert headlines(response) == ["Nineteenth of March", "Tenth of March", "Fifth of March"]
    assert "<h1>March 2024</h1>" in response.text
    assert "<title>March 2024 &middot; DZWatch</title>" in response.text
    for hidden in ["Draft in March", "In review", "Embargoed", "Later today", "Next week"]:
        assert hidden not in response.text


def test_year_lists_its_stories_and_its_months_with_stories(client, march):
    ArticleFactory(headline="New year", published_at=at(2024, 1, 1, 9))
    response = client.get("/2024/")
    assert response.status_code == 200
    assert "<h1>2024</h1>" in response.text
    assert headlines(response) == [
        "Nineteenth of March",
        "Tenth of March",
        "Fifth of March",
        "New year",
    ]
    assert '<li><a href="/2024/01/">January</a></li><li><a href="/2024/03/">March</a></li>' in (
        response.text
    )


def test_month_lists_its_days_with_stories(client, march):
    html = client.get("/2024/03/").text
    assert (
        '<li><a href="/2024/03/05/">5</a></li><li><a href="/2024/03/10/">10</a></li>'
        '<li><a href="/2024/03/19/">19</a></li></ul>'
    ) in html
    assert "/2024/03/15/" not in html  # only the embargoed story that day


def test_day_lists_its_stories(client, march):
    response = client.get("/2024/03/10/")
    assert response.status_code == 200
    assert "<h1>10 March 2024</h1>" in response.text
    assert headlines(response) == ["Tenth of March"]


@pytest.mark.parametrize(
    "url",
    [
        "/2024/03/12/",  # a draft only
        "/2024/03/13/",  # in review only
        "/2024/03/15/",  # embargoed only
        "/2024/03/20/",  # today, but the story is for this evening
        "/2024/03/27/",  # next week
        "/2024/04/",
        "/2025/",
        "/2024/02/",  # a month without stories
        "/2023/",
    ],
)
def test_periods_without_public_stories_give_404(client, march, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/2024/13/",
        "/2024/00/",
        "/2024/02/30/",
        "/2023/02/29/",
        "/2024/04/31/",
        "/2024/03/00/",
        "/2024/3/",
        "/0000/",
        "/0001/01/01/",
        "/1000/01/01/",
        "/2999/12/31/",
        "/9999/",
        "/9999/12/",
        "/9999/12/31/",
    ],
)
def test_impossible_dates_give_404_not_a_server_error(client, march, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in response.text


def test_days_follow_the_newsroom_time_zone(client):
    """23:30 UTC on 4 March is 00:30 on 5 March in Algiers (UTC+1)."""
    ArticleFactory(headline="Late night", slug="late-night", published_at=at(2024, 3, 4, 23, 30))
    ArticleFactory(headline="Evening", published_at=at(2024, 3, 4, 22, 30))  # 23:30 in Algiers
    assert headlines(client.get("/2024/03/05/")) == ["Late night"]
    assert headlines(client.get("/2024/03/04/")) == ["Evening"]
    assert client.get("/2024/03/05/late-night/").status_code == 200


def test_months_and_years_follow_the_newsroom_time_zone(client):
    ArticleFactory(headline="New Year's Eve in UTC", published_at=at(2023, 12, 31, 23, 30))
    assert headlines(client.get("/2024/01/")) == ["New Year's Eve in UTC"]
    assert headlines(client.get("/2024/")) == ["New Year's Eve in UTC"]
    assert client.get("/2023/").status_code == 404
    assert client.get("/2023/12/").status_code == 404


def test_links_go_to_the_nearest_periods_with_stories(client, march):
    ArticleFactory(headline="Autumn", published_at=at(2023, 11, 2, 9))
    ArticleFactory(headline="January", published_at=at(2024, 1, 8, 9))
    march_page = client.get("/2024/03/").text
    assert '<a href="/2024/01/">Earlier: January 2024</a>' in march_page
    assert "Later:" not in march_page  # stories after March are not public yet
    january = client.get("/2024/01/").text
    assert '<a href="/2024/03/">Later: March 2024</a>' in january
    assert '<a href="/2023/11/">Earlier: November 2023</a>' in january
    day = client.get("/2024/03/10/").text
    assert '<a href="/2024/03/19/">Later: 19 March 2024</a>' in day
    assert '<a href="/2024/03/05/">Earlier: 5 March 2024</a>' in day
    year = client.get("/2024/").text
    assert '<a href="/2023/">Earlier: 2023</a>' in year


def test_archives_are_paginated(client):
    for n in range(25):
        ArticleFactory(published_at=at(2024, 3, 1 + n % 19, 9, n))
    first = client.get("/2024/03/")
    assert len(first.context["articles"]) == 20
    assert 'rel="next"' in first.text
    second = client.get("/2024/03/", {"page": 2})
    assert second.status_code == 200
    assert len(second.context["articles"]) == 5
    assert '<link rel="canonical" href="http://testserver/2024/03/?page=2">' in second.text
    for page in ["3", "0", "abc", "-1"]:
        assert client.get("/2024/03/", {"page": page}).status_code == 404
        assert client.get("/2024/", {"page": page}).status_code == 404


def test_archive_urls_do_not_shadow_story_urls():
    assert resolve("/2024/03/05/").url_name == "archive-day"
    assert resolve("/2024/03/").url_name == "archive-month"
    assert resolve("/2024/").url_name == "archive-year"
    assert resolve("/2024/03/05/some-story/").url_name == "detail"


def test_latest_page_links_to_the_years_with_stories(client, march):
    ArticleFactory(published_at=at(2022, 6, 1, 9))
    ArticleFactory(published_at=at(2021, 6, 1, 9), draft=True)
    html = client.get("/latest/").text
    assert "Browse by date" in html
    assert '<li><a href="/2024/">2024</a></li><li><a href="/2022/">2022</a></li></ul>' in html
    assert "/2021/" not in html


def make_march_stories(count, section, photos):
    for n in range(count):
        ArticleFactory(
            section=section,
            published_at=at(2024, 3, 1 + n % 19, 9),
            authors=[AuthorFactory(), AuthorFactory()],
            tags=["Oil", f"Tag {n}"],
            lead_photo=ImageFactory() if photos else None,
        )


@pytest.mark.parametrize("url", ["/2024/", "/2024/03/", "/2024/03/01/"])
@pytest.mark.parametrize("photos", [False, True], ids=["text", "photos"])
def test_archives_run_a_fixed_number_of_queries(client, url, photos):
    section = SectionFactory()
    ArticleFactory(published_at=at(2024, 1, 1, 9))
    ArticleFactory(published_at=NOW - timedelta(hours=1))
    make_march_stories(2, section, photos)
    few = count_queries(client, url)
    make_march_stories(20, section, photos)
    assert count_queries(client, url) == few
    # Whether the period has stories, the periods before and after (a day's also the
    # months before and after), the page's cards and their bylines (and photos), the menu;
    # years and months, which of their months or days have stories.
    assert few == 7 + (url.count("/") == 4) + photos
