"""The read-only JSON API: shapes, filters, pagination, published-only, headers, schema."""

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from articles.models import Article

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
    picture_upload,
)
from .queries import count_queries
from .xss_corpus import CORPUS

pytestmark = pytest.mark.django_db

API = "/api/v1"
LIST_URLS = [f"{API}/stories/", f"{API}/sections/", f"{API}/tags/", f"{API}/authors/"]
HIDDEN_KINDS = {
    "draft": lambda: {"draft": True},
    "in review": lambda: {"in_review": True},
    "scheduled": lambda: {"scheduled": True},
    "embargoed": lambda: {"embargo_until": timezone.now() + timedelta(days=1)},
}


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] in {"application/json; charset=utf-8", "application/json"}
    return response.json()


def walk(client, url, **params):
    """Every result of a list, following ``next`` links; also returns the pages' sizes."""
    results, sizes = [], []
    page = get_json(client, url, **params)
    while True:
        results += page["results"]
        sizes.append(len(page["results"]))
        if page["next"] is None:
            return results, sizes
        assert page["next"].startswith(f"http://testserver{url}?")
        page = get_json(client, page["next"])


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


@pytest.fixture
def section():
    return SectionFactory(name="Energy desk", slug="energy-desk")


@pytest.fixture
def author():
    return AuthorFactory(name="Amina Benali", slug="amina-benali", bio="Covers energy.")


# Shapes


def test_story_list_item_has_everything_an_app_shows(client, section, author):
    photo = ImageFactory(
        alt_text="Ministers at a table",
        caption="The signing",
        credit="Photo: APS",
        file=picture_upload(size=(1200, 800)),
    )
    article = ArticleFactory(
        headline="Gas talks",
        dek="Two ministers meet.",
        section=section,
        authors=[author, AuthorFactory(name="Karim Ziani", slug="karim-ziani")],
        tags=["Algeria", "Energy"],
        language="fr",
        published_at=datetime(2024, 3, 4, 10, 30, tzinfo=UTC),
        lead_photo=photo,
    )
    [item] = get_json(client, f"{API}/stories/")["results"]
    fallback = photo.renditions.get(width=960, format="jpeg")
    assert item == {
        "id": article.pk,
        # A French story's page is in the French edition of the site.
        "url": f"http://testserver/fr{article.get_absolute_url()}",
        "headline": "Gas talks",
        "dek": "Two ministers meet.",
        "section": {
            "slug": "energy-desk",
            "name": "Energy desk",
            "url": "http://testserver/section/energy-desk/",
        },
        "authors": [
            {
                "slug": "amina-benali",
                "name": "Amina Benali",
                "url": "http://testserver/author/amina-benali/",
            },
            {
                "slug": "karim-ziani",
                "name": "Karim Ziani",
                "url": "http://testserver/author/karim-ziani/",
            },
        ],
        "tags": [
            {"slug": "algeria", "name": "Algeria", "url": "http://testserver/tag/algeria/"},
            {"slug": "energy", "name": "Energy", "url": "http://testserver/tag/energy/"},
        ],
        "language": "fr",
        "published_at": "2024-03-04T10:30:00Z",
        "updated_at": "2024-03-04T10:30:00Z",
        "photo": {
            "url": f"http://testserver{fallback.file.url}",
            "alt": "Ministers at a table",
            "caption": "The signing",
            "credit": "Photo: APS",
            "width": 1200,
            "height": 800,
        },
    }


def test_updated_at_is_the_time_readers_see_as_updated(client):
    ArticleFactory(
        published_at=datetime(2024, 3, 4, 10, 0, tzinfo=UTC),
        revised_at=datetime(2024, 3, 5, 8, 15, tzinfo=UTC),
    )
    ArticleFactory(published_at=datetime(2024, 3, 1, tzinfo=UTC), lead_photo=None)
    revised, plain = get_json(client, f"{API}/stories/")["results"]
    assert revised["updated_at"] == "2024-03-05T08:15:00Z"
    assert plain["updated_at"] == plain["published_at"] == "2024-03-01T00:00:00Z"
    assert plain["photo"] is None


def test_story_detail_adds_body_dateline_credit_photo_sizes_and_corrections(client, section):
    photo = ImageFactory(alt_text="A port", file=picture_upload(size=(700, 350)))
    article = ArticleFactory(
        section=section,
        body="<p>Talks went <strong>well</strong>.</p>",
        dateline="Algiers",
        credit="Staff and agencies",
        lead_photo=photo,
    )
    CorrectionFactory(
        article=article,
        text="The date was wrong.",
        published_at=datetime(2024, 3, 5, 9, 0, tzinfo=UTC),
    )
    CorrectionFactory(
        article=article,
        kind="update",
        text="Talks resumed.",
        published_at=datetime(2024, 3, 6, 9, 0, tzinfo=UTC),
    )
    data = get_json(client, f"{API}/stories/{article.pk}/")
    listed = get_json(client, f"{API}/stories/")["results"][0]
    assert {key: data[key] for key in listed if key != "photo"} == {
        key: value for key, value in listed.items() if key != "photo"
    }
    assert data["body"] == "<p>Talks went <strong>well</strong>.</p>"
    assert data["dateline"] == "Algiers"
    assert data["credit"] == "Staff and agencies"
    assert data["corrections"] == [
        {"kind": "update", "text": "Talks resumed.", "published_at": "2024-03-06T09:00:00Z"},
        {
            "kind": "correction",
            "text": "The date was wrong.",
            "published_at": "2024-03-05T09:00:00Z",
        },
    ]
    assert data["photo"]["alt"] == "A port"
    assert (data["photo"]["width"], data["photo"]["height"]) == (700, 350)
    assert data["photo"]["renditions"] == [
        {"width": r.width, "format": r.format, "url": f"http://testserver{r.file.url}"}
        for r in photo.renditions.order_by("width", "format")
    ]
    assert {(r["width"], r["format"]) for r in data["photo"]["renditions"]} == {
        (320, "jpeg"),
        (320, "webp"),
        (640, "jpeg"),
        (640, "webp"),
        (700, "jpeg"),
        (700, "webp"),
    }


def test_sections_list_every_section_in_menu_order_with_detail(client):
    parent = SectionFactory(name="Africa desk", slug="africa-desk", position=1)
    SectionFactory(name="Maghreb", slug="maghreb", parent=parent, description="North Africa.")
    results, _sizes = walk(client, f"{API}/sections/", page_size=100)
    assert results[0]["slug"] == "africa-desk"
    assert {"news", "algeria", "maghreb"} <= {s["slug"] for s in results}
    assert get_json(client, f"{API}/sections/maghreb/") == {
        "slug": "maghreb",
        "name": "Maghreb",
        "url": "http://testserver/section/maghreb/",
        "description": "North Africa.",
        "parent": "africa-desk",
    }
    assert get_json(client, f"{API}/sections/africa-desk/")["parent"] is None


def test_tags_and_authors_list_and_detail(client, author):
    ArticleFactory(authors=[author], tags=["Oil", "Algeria"])
    assert get_json(client, f"{API}/tags/")["results"] == [
        {"slug": "algeria", "name": "Algeria", "url": "http://testserver/tag/algeria/"},
        {"slug": "oil", "name": "Oil", "url": "http://testserver/tag/oil/"},
    ]
    assert get_json(client, f"{API}/tags/oil/") == {
        "slug": "oil",
        "name": "Oil",
        "url": "http://testserver/tag/oil/",
    }
    expected = {
        "slug": "amina-benali",
        "name": "Amina Benali",
        "bio": "Covers energy.",
        "url": "http://testserver/author/amina-benali/",
    }
    assert get_json(client, f"{API}/authors/")["results"] == [expected]
    assert get_json(client, f"{API}/authors/amina-benali/") == expected


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/stories/999999/",
        f"{API}/stories/{10**30}/",
        f"{API}/sections/nope/",
        f"{API}/tags/nope/",
        f"{API}/authors/nope/",
    ],
)
def test_unknown_things_are_404(client, url):
    assert get_json(client, url, status=404) == {"detail": "Not Found"}


# Filters


def test_filter_by_section_includes_its_subsections(client, section):
    child = SectionFactory(name="Oil and gas", slug="oil-and-gas", parent=section)
    ArticleFactory(headline="Desk story", section=section, published_at=hours_ago(2))
    ArticleFactory(headline="Child story", section=child, published_at=hours_ago(1))
    ArticleFactory(headline="Elsewhere")

    def headlines(**params):
        return [s["headline"] for s in get_json(client, f"{API}/stories/", **params)["results"]]

    assert headlines(section="energy-desk") == ["Child story", "Desk story"]
    assert headlines(section="oil-and-gas") == ["Child story"]
    assert headlines(section="no-such-section") == []


def test_filter_by_tag_author_and_language_combine(client, author):
    ArticleFactory(headline="Oil in French", tags=["Oil"], authors=[author], language="fr")
    ArticleFactory(headline="Oil in English", tags=["Oil"], authors=[author], language="en")
    ArticleFactory(headline="Gas in French", tags=["Gas"], language="fr")
    ArticleFactory(headline="Oil by another", tags=["Oil"], language="fr")

    def headlines(**params):
        results = get_json(client, f"{API}/stories/", **params)["results"]
        return sorted(s["headline"] for s in results)

    assert headlines(tag="oil") == ["Oil by another", "Oil in English", "Oil in French"]
    assert headlines(author="amina-benali") == ["Oil in English", "Oil in French"]
    assert headlines(language="fr") == ["Gas in French", "Oil by another", "Oil in French"]
    assert headlines(tag="oil", author="amina-benali", language="fr") == ["Oil in French"]
    assert headlines(tag="nothing-here") == []


def test_filter_by_publication_time(client, settings):
    settings.TIME_ZONE = "Africa/Algiers"  # UTC+1
    ArticleFactory(headline="Early January", published_at=datetime(2024, 1, 10, tzinfo=UTC))
    ArticleFactory(headline="Late night", published_at=datetime(2024, 1, 14, 23, 30, tzinfo=UTC))
    ArticleFactory(headline="February", published_at=datetime(2024, 2, 5, tzinfo=UTC))

    def headlines(**params):
        results = get_json(client, f"{API}/stories/", **params)["results"]
        return [s["headline"] for s in results]

    assert headlines(published_after="2024-01-15T00:00:00Z") == ["February"]
    # Without an offset, the newsroom's time: 00:00 in Algiers is 23:00 UTC the day before.
    assert headlines(published_after="2024-01-15T00:00:00") == ["February", "Late night"]
    assert headlines(published_after="2024-01-15") == ["February", "Late night"]
    assert headlines(published_before="2024-01-14T23:30:00Z") == ["Early January"]
    assert headlines(
        published_after="2024-01-01T00:00:00+01:00", published_before="2024-02-01T00:00:00+01:00"
    ) == ["Late night", "Early January"]


BAD_FILTERS = [
    ("published_after", "yesterday"),
    ("published_after", "2024-02-30T10:00:00Z"),
    ("published_before", "2024-01-01T25:00:00"),
    ("published_after", "0001-01-01T00:00:00"),
    ("published_before", "9999-12-31T23:59:59-12:00"),
    ("published_after", "\x00"),
    ("published_after", "1700000000"),
    ("published_before", "0.5"),
    ("language", "xx"),
    ("language", "e" * 500),
    ("section", "\x00"),
    ("section", "energy desk"),
    ("tag", "<script>"),
    ("tag", "a" * 300),
    ("author", "../etc"),
    ("page_size", "0"),
    ("page_size", "-1"),
    ("page_size", "101"),
    ("page_size", "9" * 40),
    ("page_size", "ten"),
    ("page_size", "1.5"),
    ("cursor", "not-a-cursor"),
    ("cursor", "x" * 600),
    ("cursor", "\x00"),
]


@pytest.mark.parametrize(("name", "value"), BAD_FILTERS)
def test_bad_filter_values_are_refused_with_a_clear_message(client, name, value):
    ArticleFactory()
    detail = get_json(client, f"{API}/stories/", status=422, **{name: value})["detail"]
    assert detail[0]["loc"] == ["query", name]
    assert detail[0]["msg"]


def test_a_time_range_that_ends_before_it_starts_is_refused(client):
    detail = get_json(
        client,
        f"{API}/stories/",
        status=422,
        published_after="2024-02-01T00:00:00Z",
        published_before="2024-01-01T00:00:00Z",
    )["detail"]
    assert "published_after must be earlier than published_before" in detail[0]["msg"]


@pytest.mark.parametrize("url", LIST_URLS[1:])
@pytest.mark.parametrize(
    ("name", "value"), [("page_size", "0"), ("page_size", "1000"), ("cursor", "x")]
)
def test_other_lists_refuse_bad_paging_too(client, url, name, value):
    detail = get_json(client, url, status=422, **{name: value})["detail"]
    assert detail[0]["loc"] == ["query", name]


@pytest.mark.parametrize("url", LIST_URLS)
def test_unknown_parameters_are_ignored(client, url):
    ArticleFactory(tags=["Energy"], authors=[AuthorFactory()])
    expected = get_json(client, url)
    junk = {"limit": "-1", "offset": str(10**9), "page": "abc", "order": "x\x00"}
    assert get_json(client, url, **junk)["results"] == expected["results"]


@pytest.mark.parametrize("query", ["section=%ff%fe", "tag=%00", "cursor=%c3%28", "page_size=%ff"])
def test_undecodable_parameters_are_refused_not_crashed_on(client, query):
    response = client.get(f"{API}/stories/?{query}")
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][0] == "query"


@pytest.mark.parametrize(
    "url",
    [f"{API}/stories/abc/", f"{API}/stories/1.5/", f"{API}/tags/a%20b/", f"{API}/authors/%00/"],
)
def test_malformed_addresses_are_refused(client, url):
    assert get_json(client, url, status=422)["detail"][0]["loc"][0] == "path"


# Pagination


def test_walking_the_pages_gives_every_story_once_in_order(client, section):
    for hours in range(23):
        ArticleFactory(section=section, published_at=hours_ago(hours + 1))
    expected = list(Article.objects.published().values_list("pk", flat=True))
    results, sizes = walk(client, f"{API}/stories/", page_size=5, section=section.slug)
    assert [s["id"] for s in results] == expected
    assert sizes == [5, 5, 5, 5, 3]


def test_default_and_largest_page_sizes(client, settings):
    ArticleFactory.create_batch(settings.NEWSROOM_PAGE_SIZE + 1)
    first = get_json(client, f"{API}/stories/")
    assert len(first["results"]) == settings.NEWSROOM_PAGE_SIZE
    assert first["next"] is not None
    everything = get_json(client, f"{API}/stories/", page_size=100)
    assert len(everything["results"]) == settings.NEWSROOM_PAGE_SIZE + 1
    assert everything["next"] is None


def test_stories_published_at_the_same_moment_are_neither_lost_nor_repeated(client):
    moment = hours_ago(1)
    ArticleFactory.create_batch(7, published_at=moment)
    results, sizes = walk(client, f"{API}/stories/", page_size=3)
    assert [s["id"] for s in results] == sorted(
        Article.objects.values_list("pk", flat=True), reverse=True
    )
    assert sizes == [3, 3, 1]


def test_stories_published_during_a_walk_cause_no_duplicates_or_gaps(client):
    originals = [ArticleFactory(published_at=hours_ago(hours)).pk for hours in range(1, 11)]
    page = get_json(client, f"{API}/stories/", page_size=3)
    seen = [s["id"] for s in page["results"]]
    newest = ArticleFactory(published_at=hours_ago(0.5))  # before the cursor: already passed
    in_read_part = ArticleFactory(published_at=hours_ago(1.5))  # also passed
    oldest = ArticleFactory(published_at=hours_ago(20))  # still ahead
    while page["next"]:
        page = get_json(client, page["next"])
        seen += [s["id"] for s in page["results"]]
    assert len(seen) == len(set(seen))
    assert seen == [*originals, oldest.pk]
    assert newest.pk not in seen and in_read_part.pk not in seen


def test_next_link_keeps_the_filters(client, section):
    ArticleFactory.create_batch(3, section=section, tags=["Oil"])
    ArticleFactory.create_batch(3, tags=["Oil"])
    page = get_json(client, f"{API}/stories/", page_size=2, section=section.slug, tag="oil")
    query = parse_qs(urlsplit(page["next"]).query)
    assert query["section"] == [section.slug] and query["tag"] == ["oil"]
    assert query["page_size"] == ["2"]
    results, _sizes = walk(client, f"{API}/stories/", page_size=2, section=section.slug)
    assert len(results) == 3


def test_a_cursor_works_only_on_the_list_that_made_it(client):
    ArticleFactory.create_batch(3, tags=["A", "B", "C"], authors=[AuthorFactory()])
    story_cursor = parse_qs(
        urlsplit(get_json(client, f"{API}/stories/", page_size=1)["next"]).query
    )["cursor"][0]
    for url in LIST_URLS[1:]:
        detail = get_json(client, url, status=422, cursor=story_cursor)["detail"]
        assert detail[0]["loc"] == ["query", "cursor"]
    tampered = story_cursor[:-1] + ("B" if story_cursor.endswith("A") else "A")
    assert get_json(client, f"{API}/stories/", status=422, cursor=tampered)["detail"]


@pytest.mark.parametrize("url", LIST_URLS[1:])
def test_walking_sections_tags_and_authors(client, url):
    for n in range(7):
        ArticleFactory(
            tags=[f"Tag {n}"], authors=[AuthorFactory(name="Same name")], section=SectionFactory()
        )
    expected = [row["slug"] for row in get_json(client, url, page_size=100)["results"]]
    results, sizes = walk(client, url, page_size=3)
    assert [row["slug"] for row in results] == expected
    assert len(expected) == len(set(expected)) >= 7
    assert max(sizes) == 3


# Only published stories, ever


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_unpublished_stories_appear_nowhere(client, section, kind):
    visible = ArticleFactory(section=section, tags=["Shared"], authors=[AuthorFactory()])
    hidden = ArticleFactory(
        section=section,
        headline="Secret takeover",
        tags=["Shared", "Secret merger"],
        authors=[AuthorFactory(name="Hidden Reporter", slug="hidden-reporter")],
        **HIDDEN_KINDS[kind](),
    )
    CorrectionFactory(article=hidden, text="Secret correction")
    for url in LIST_URLS:
        results, _sizes = walk(client, url, page_size=100)
        text = json.dumps(results)
        assert "Secret" not in text and "Hidden" not in text, url
    for params, expected in [
        ({}, [visible.pk]),
        ({"section": section.slug}, [visible.pk]),
        ({"tag": "shared"}, [visible.pk]),
        ({"tag": "secret-merger"}, []),
        ({"author": "hidden-reporter"}, []),
    ]:
        results = get_json(client, f"{API}/stories/", **params)["results"]
        assert [s["id"] for s in results] == expected, params
    unknown = client.get(f"{API}/stories/{hidden.pk + 1000}/")
    for url in [
        f"{API}/stories/{hidden.pk}/",
        f"{API}/tags/secret-merger/",
        f"{API}/authors/hidden-reporter/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.content == unknown.content


def test_a_scheduled_story_appears_when_its_time_comes(client):
    publish_at = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(published_at=publish_at, tags=["Noon"])
    assert get_json(client, f"{API}/stories/")["results"] == []
    assert client.get(f"{API}/stories/{article.pk}/").status_code == 404
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert [s["id"] for s in get_json(client, f"{API}/stories/")["results"]] == [article.pk]
        assert get_json(client, f"{API}/stories/{article.pk}/")["id"] == article.pk
        assert get_json(client, f"{API}/tags/noon/")["slug"] == "noon"


def test_no_user_account_details_ever_leave(client):
    user = UserFactory(username="login-of-amina", email="amina.private@example.org")
    author = AuthorFactory(name="Amina Benali", slug="amina-benali", user=user)
    article = ArticleFactory(
        authors=[author], created_by=user, updated_by=user, published_by=user, tags=["Oil"]
    )
    CorrectionFactory(article=article, created_by=user)
    urls = [
        *LIST_URLS,
        f"{API}/stories/{article.pk}/",
        f"{API}/authors/amina-benali/",
        f"{API}/openapi.json",
    ]
    for url in urls:
        text = client.get(url).content.decode()
        for secret in ["login-of-amina", "amina.private", "example.org", "username", "email"]:
            assert secret not in text, (url, secret)
    assert set(get_json(client, f"{API}/authors/amina-benali/")) == {"slug", "name", "bio", "url"}


# Hostile text


def test_hostile_text_comes_back_as_data_and_the_body_as_stored_clean_html(client):
    hostile = "</script><script>alert(\"x\")</script> & 'quotes' \\ \u2028 <!--"
    article = ArticleFactory(
        headline=hostile,
        dek=hostile,
        credit=hostile,
        dateline=hostile[:100],
        tags=[hostile[:100]],
        body="".join(CORPUS.values()),
        authors=[AuthorFactory(name=hostile, bio=hostile)],
    )
    CorrectionFactory(article=article, text=hostile)
    stored = Article.objects.get(pk=article.pk).body
    response = client.get(f"{API}/stories/{article.pk}/")
    data = response.json()
    assert data["headline"] == data["dek"] == data["credit"] == hostile
    assert data["authors"][0]["name"] == hostile
    assert data["corrections"][0]["text"] == hostile
    assert data["body"] == stored
    assert "<script" not in stored.lower() and "onerror" not in stored.lower()
    for url in [f"{API}/stories/{article.pk}/", *LIST_URLS]:
        raw = client.get(url).content.decode()
        assert not {"<", ">", "&", "\u2028"} & set(raw), url


def test_text_in_any_script_comes_back_as_utf8(client):
    ArticleFactory(headline="لقاء في الجزائر", language="ar")
    response = client.get(f"{API}/stories/")
    assert "لقاء في الجزائر".encode() in response.content
    assert response.json()["results"][0]["language"] == "ar"


# Headers


@pytest.mark.parametrize("url", [*LIST_URLS, f"{API}/stories/{{pk}}/", f"{API}/openapi.json"])
def test_answers_are_cacheable_readable_from_any_site_and_state_their_language(client, url):
    article = ArticleFactory(tags=["Oil"], authors=[AuthorFactory()])
    response = client.get(url.format(pk=article.pk), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "application/json"
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60"}
    assert "Accept" in [part.strip() for part in response["Vary"].split(",")]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Language"] == "en"


def test_cache_time_and_language_come_from_settings(client, settings):
    settings.NEWSROOM_API_CACHE_SECONDS = 300
    settings.LANGUAGE_CODE = "fr"
    response = client.get(f"{API}/stories/")
    assert "max-age=300" in response["Cache-Control"]
    assert response["Content-Language"] == "fr"


def test_errors_carry_the_same_headers(client):
    response = client.get(f"{API}/stories/", {"page_size": "0"})
    assert response.status_code == 422
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Language"] == "en"


def test_pages_outside_the_api_are_not_opened_to_other_sites(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "head", "options"])
@pytest.mark.parametrize(
    "url",
    [
        *LIST_URLS,
        f"{API}/stories/1/",
        f"{API}/sections/news/",
        f"{API}/tags/oil/",
        f"{API}/authors/a/",
        f"{API}/openapi.json",
        f"{API}/docs",
    ],
)
def test_only_get_is_allowed(client, method, url):
    response = client.generic(method.upper(), url)
    assert response.status_code == 405
    assert response["Allow"] == "GET"


# The OpenAPI schema


@pytest.fixture
def openapi(client):
    return get_json(client, f"{API}/openapi.json")


def test_openapi_schema_lists_every_path_at_a_stable_address(openapi):
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["version"] == "1"
    assert {path: set(item) for path, item in openapi["paths"].items()} == {
        f"{API}/stories/": {"get"},
        f"{API}/stories/{{story_id}}/": {"get"},
        f"{API}/sections/": {"get"},
        f"{API}/sections/{{slug}}/": {"get"},
        f"{API}/tags/": {"get"},
        f"{API}/tags/{{slug}}/": {"get"},
        f"{API}/authors/": {"get"},
        f"{API}/authors/{{slug}}/": {"get"},
    }
    parameters = {p["name"] for p in openapi["paths"][f"{API}/stories/"]["get"]["parameters"]}
    assert parameters == {
        "section",
        "tag",
        "author",
        "language",
        "published_after",
        "published_before",
        "cursor",
        "page_size",
    }


def test_story_components_require_what_the_api_promises(openapi):
    schemas = openapi["components"]["schemas"]
    summary = {
        "id",
        "url",
        "headline",
        "dek",
        "section",
        "authors",
        "tags",
        "language",
        "published_at",
        "updated_at",
        "photo",
    }
    assert set(schemas["StorySummary"]["required"]) == summary
    detail = summary | {"body", "dateline", "credit", "corrections", "translations"}
    assert set(schemas["StoryDetail"]["required"]) == detail
    assert set(schemas["PagedStorySummary"]["required"]) == {"next", "results"}
    assert set(schemas["AuthorOut"]["properties"]) == {"slug", "name", "bio", "url"}


def resolve(openapi, schema):
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


JSON_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
    "null": type(None),
}


def check(openapi, value, schema, where="$"):
    """Fail unless ``value`` fits ``schema``; every key sent must be in the schema too."""
    schema = resolve(openapi, schema)
    for part in schema.get("allOf", []):
        check(openapi, value, part, where)
    if "anyOf" in schema:
        fits = 0
        for option in schema["anyOf"]:
            try:
                check(openapi, value, option, where)
                fits += 1
            except AssertionError:
                pass
        assert fits, f"{where}: fits none of {schema['anyOf']}"
    kind = schema.get("type")
    if kind:
        assert isinstance(value, JSON_TYPES[kind]), f"{where}: {value!r} is not {kind}"
        assert kind == "boolean" or not isinstance(value, bool), where
    if "enum" in schema:
        assert value in schema["enum"], where
    if schema.get("format") == "date-time":
        datetime.fromisoformat(value)
    if kind == "object":
        properties = schema.get("properties", {})
        assert set(schema.get("required", [])) <= set(value), f"{where}: missing keys"
        assert set(value) <= set(properties), (
            f"{where}: undocumented {set(value) - set(properties)}"
        )
        for key, item in value.items():
            check(openapi, item, properties[key], f"{where}.{key}")
    if kind == "array":
        for index, item in enumerate(value):
            check(openapi, item, schema["items"], f"{where}[{index}]")


def test_every_answer_fits_the_schema(client, openapi, section, author):
    article = ArticleFactory(
        section=SectionFactory(parent=section),
        authors=[author],
        tags=["Oil"],
        lead_photo=ImageFactory(),
        revised_at=timezone.now(),
    )
    CorrectionFactory(article=article)
    ArticleFactory(section=section, lead_photo=None)
    addresses = {
        f"{API}/stories/": (f"{API}/stories/", {"page_size": 1}),
        f"{API}/stories/{{story_id}}/": (f"{API}/stories/{article.pk}/", {}),
        f"{API}/sections/": (f"{API}/sections/", {"page_size": 3}),
        f"{API}/sections/{{slug}}/": (f"{API}/sections/{article.section.slug}/", {}),
        f"{API}/tags/": (f"{API}/tags/", {}),
        f"{API}/tags/{{slug}}/": (f"{API}/tags/oil/", {}),
        f"{API}/authors/": (f"{API}/authors/", {}),
        f"{API}/authors/{{slug}}/": (f"{API}/authors/{author.slug}/", {}),
    }
    assert set(addresses) == set(openapi["paths"])
    for path, (url, params) in addresses.items():
        responses = openapi["paths"][path]["get"]["responses"]
        schema = responses["200"]["content"]["application/json"]["schema"]
        check(openapi, get_json(client, url, **params), schema, url)


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/stories/{story_id}/", "/stories/0/"),
        ("/sections/{slug}/", "/sections/none/"),
        ("/tags/{slug}/", "/tags/none/"),
        ("/authors/{slug}/", "/authors/none/"),
    ],
)
def test_not_found_fits_the_schema(client, openapi, path, url):
    responses = openapi["paths"][API + path]["get"]["responses"]
    schema = responses["404"]["content"]["application/json"]["schema"]
    check(openapi, get_json(client, API + url, status=404), schema)


def test_docs_page_loads_nothing_from_other_sites(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html
    assert "//" not in html.replace('"/api/v1/openapi.json"', "")


# Queries


def add_stories(count, section, author):
    for _ in range(count):
        article = ArticleFactory(
            section=section,
            authors=[author, AuthorFactory()],
            tags=["Oil", f"Tag {Article.objects.count()}"],
            lead_photo=ImageFactory(),
        )
        CorrectionFactory.create_batch(2, article=article)
    ArticleFactory(section=SectionFactory(), draft=True, tags=["Draft only"])


@pytest.mark.parametrize(
    ("url", "params", "most"),
    [
        (f"{API}/stories/", {}, 4),
        (f"{API}/stories/", {"section": "energy-desk", "tag": "oil", "author": "amina-benali"}, 4),
        (f"{API}/sections/", {}, 1),
        (f"{API}/tags/", {}, 1),
        (f"{API}/authors/", {}, 1),
    ],
)
def test_lists_run_a_fixed_number_of_queries(client, section, author, url, params, most):
    add_stories(2, section, author)
    few = count_queries(client, url, **params)
    add_stories(15, section, author)
    assert count_queries(client, url, **params) == few <= most
    next_page = get_json(client, url, page_size=5, **params)["next"]
    assert count_queries(client, next_page) == few


def test_story_detail_runs_a_fixed_number_of_queries(client, section, author):
    small = ArticleFactory(section=section, lead_photo=ImageFactory())
    big = ArticleFactory(
        section=section,
        authors=[AuthorFactory() for _ in range(5)],
        tags=[f"Tag {n}" for n in range(10)],
        lead_photo=ImageFactory(file=picture_upload(size=(2000, 1000))),
    )
    CorrectionFactory.create_batch(4, article=big)
    few = count_queries(client, f"{API}/stories/{small.pk}/")
    # One of them finds the published translations.
    assert count_queries(client, f"{API}/stories/{big.pk}/") == few <= 6


def test_story_detail_lists_only_published_translations(client):
    original = ArticleFactory(headline="Gas talks")
    french = ArticleFactory(headline="Pourparlers", language="fr", translation_of=original)
    ArticleFactory(headline="محادثات", language="ar", translation_of=original, draft=True)
    detail = get_json(client, f"{API}/stories/{original.pk}/")
    assert detail["translations"] == [
        {
            "id": french.pk,
            "url": f"http://testserver/fr{french.get_absolute_url()}",
            "headline": "Pourparlers",
            "language": "fr",
        }
    ]
    back = get_json(client, f"{API}/stories/{french.pk}/")
    assert [item["id"] for item in back["translations"]] == [original.pk]
