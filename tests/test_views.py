from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from .queries import count_queries

pytestmark = pytest.mark.django_db

HIDDEN_KINDS = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "scheduled": {"scheduled": True},
}


@pytest.fixture
def section():
    return SectionFactory(name="Energy desk", slug="energy-desk")


@pytest.fixture
def author():
    return AuthorFactory(name="Amina Benali", slug="amina-benali")


def public_urls(article):
    return [
        reverse("articles:home"),
        reverse("articles:latest"),
        article.section.get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "oil"}),
        article.byline_authors[0].get_absolute_url(),
    ]


def test_published_story_is_on_every_list_and_has_its_page(client, section, author):
    article = ArticleFactory(
        headline="Pipeline deal signed", section=section, authors=[author], tags=["Oil"]
    )
    for url in public_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Pipeline deal signed" in response.text, url
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert '<h1 class="story-headline" lang="en" dir="ltr">Pipeline deal signed</h1>' in page.text


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_unpublished_story_shows_nowhere(client, section, author, kind):
    visible = ArticleFactory(section=section, authors=[author], tags=["Oil"])
    hidden = ArticleFactory(
        headline="Secret embargoed story",
        section=section,
        authors=[author],
        tags=["Oil"],
        **HIDDEN_KINDS[kind],
    )
    for url in public_urls(visible):
        response = client.get(url)
        assert response.status_code == 200
        assert "Secret embargoed story" not in response.text, url
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_scheduled_story_appears_when_its_time_comes(client, section):
    publish_at = timezone.now() + timedelta(hours=2)
    article = ArticleFactory(headline="At noon sharp", section=section, published_at=publish_at)
    assert "At noon sharp" not in client.get("/").text
    assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(publish_at + timedelta(seconds=1)):
        assert "At noon sharp" in client.get("/").text
        assert client.get(article.get_absolute_url()).status_code == 200


def test_story_page_shows_everything_a_reader_needs(client, section):
    reporters = [AuthorFactory(name="Amina Benali"), AuthorFactory(name="Karim Ziani")]
    article = ArticleFactory(
        headline="Gas talks",
        dek="Two ministers meet.",
        dateline="Algiers",
        body="<p>Talks went well.</p>",
        section=section,
        authors=reporters,
        tags=["Algeria", "Azerbaijan"],
    )
    html = client.get(article.get_absolute_url()).text
    assert "Two ministers meet." in html
    assert '<span class="dateline" lang="en" dir="ltr">Algiers</span>' in html
    assert f'href="{reporters[0].get_absolute_url()}" rel="author">Amina Benali</a> and ' in html
    assert f'href="{section.get_absolute_url()}">Energy desk</a>' in html
    assert 'href="/tag/algeria/" rel="tag">Algeria</a>' in html
    assert 'href="/tag/azerbaijan/" rel="tag">Azerbaijan</a>' in html
    assert "<p>Talks went well.</p>" in html
    published = timezone.localtime(article.published_at)
    assert f'datetime="{published:%Y-%m-%dT%H:%M:%S%z}"' in html


def test_story_url_with_the_wrong_date_redirects_permanently(client):
    article = ArticleFactory(slug="moved-story")
    response = client.get("/2001/01/01/moved-story/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_story_url_carries_the_local_publication_date(settings):
    settings.TIME_ZONE = "Africa/Algiers"  # UTC+1: 23:30 UTC is the next day locally
    article = ArticleFactory(
        slug="late-night", published_at=datetime(2024, 3, 4, 23, 30, tzinfo=UTC)
    )
    assert article.get_absolute_url() == "/2024/03/05/late-night/"


@pytest.mark.parametrize("page", ["0", "abc", "999", "-1", "1.5", "%00"])
def test_bad_page_numbers_give_404(client, section, page):
    ArticleFactory.create_batch(3, section=section)
    for url in ["/latest/", section.get_absolute_url()]:
        assert client.get(url, {"page": page}).status_code == 404


def test_lists_are_paginated(client, section, settings):
    ArticleFactory.create_batch(25, section=section)
    first = client.get(section.get_absolute_url())
    assert first.context["page_obj"].paginator.num_pages == 2
    assert 'rel="next"' in first.text
    second = client.get(section.get_absolute_url(), {"page": 2})
    assert second.status_code == 200
    assert len(second.context["articles"]) == 5


def test_unknown_section_tag_and_author_give_404(client):
    for url in ["/section/nope/", "/tag/nope/", "/author/nope/", "/2024/01/01/nope/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find that page" in response.text


def test_home_shows_newest_story_of_each_section_not_already_in_latest(client, monkeypatch):
    monkeypatch.setattr("articles.views.HOME_LATEST_COUNT", 1)
    energy = SectionFactory(name="Energy X", slug="energy-x")
    sport = SectionFactory(name="Sport X", slug="sport-x")
    hours_ago = lambda hours: timezone.now() - timedelta(hours=hours)  # noqa: E731
    ArticleFactory(headline="Old energy", section=energy, published_at=hours_ago(30))
    ArticleFactory(headline="New energy", section=energy, published_at=hours_ago(3))
    ArticleFactory(headline="Old cup", section=sport, published_at=hours_ago(20))
    ArticleFactory(headline="Cup final", section=sport, published_at=hours_ago(1))
    ArticleFactory(headline="Draft sport", section=sport, draft=True, published_at=hours_ago(2))
    context = client.get("/").context
    assert [a.headline for a in context["latest"]] == ["Cup final"]
    assert [a.headline for a in context["section_leads"]] == ["New energy", "Old cup"]


def test_home_cards_of_both_lists_carry_their_own_bylines(client, monkeypatch):
    monkeypatch.setattr("articles.views.HOME_LATEST_COUNT", 1)
    energy = SectionFactory(name="Energy X", slug="energy-x")
    hours_ago = lambda hours: timezone.now() - timedelta(hours=hours)  # noqa: E731
    ArticleFactory(
        section=energy,
        published_at=hours_ago(5),
        authors=[AuthorFactory(name="Amina Benali"), AuthorFactory(name="Karim Saadi")],
    )
    ArticleFactory(section=energy, published_at=hours_ago(1), authors=[])
    context = client.get("/").context
    assert [card.byline for card in context["latest"]] == [""]
    assert [card.byline for card in context["section_leads"]] == ["By Amina Benali and Karim Saadi"]


def test_story_page_does_not_repeat_a_standfirst_that_is_the_lead(client):
    lead = "The minister arrived on Monday."
    repeated = ArticleFactory(dek=lead, body=f"<p>{lead} More text.</p>")
    distinct = ArticleFactory(dek="A summary.", body=f"<p>{lead}</p>")
    linked = ArticleFactory(
        dek="Algiers & Oran agree.",
        body='<p><a href="/section/x/" title="a > b">Algiers</a> &amp; <em>Oran</em> agree.</p>',
    )
    assert 'class="story-dek"' not in client.get(repeated.get_absolute_url()).text
    assert 'class="story-dek"' not in client.get(linked.get_absolute_url()).text
    assert (
        '<p class="story-dek" lang="en" dir="ltr">A summary.</p>'
        in client.get(distinct.get_absolute_url()).text
    )


def test_subsection_stories_show_on_the_parent_section(client):
    parent = SectionFactory(name="Africa desk", slug="africa-desk")
    child = SectionFactory(name="Maghreb", slug="maghreb", parent=parent)
    ArticleFactory(headline="Tunis story", section=child)
    assert "Tunis story" in client.get(parent.get_absolute_url()).text


def test_staff_preview_shows_a_draft_marked_noindex(editor_client, client):
    article = ArticleFactory(headline="Work in progress", draft=True)
    response = editor_client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: readers cannot see this story yet." in response.text
    assert '<meta name="robots" content="noindex, nofollow">' in response.text


def test_story_in_arabic_renders_right_to_left(client):
    article = ArticleFactory(headline="لقاء في الجزائر", language="ar", slug="liqa")
    html = client.get(article.get_absolute_url()).text
    assert '<h1 class="story-headline" lang="ar" dir="rtl">لقاء في الجزائر</h1>' in html


def list_urls(section, author):
    return {
        "home": "/",
        "latest": "/latest/",
        "section": section.get_absolute_url(),
        "tag": "/tag/oil/",
        "author": author.get_absolute_url(),
    }


def make_stories(count, section, author, photos=False):
    for _ in range(count):
        ArticleFactory(
            section=section,
            authors=[author, AuthorFactory()],
            tags=["Oil", f"Tag {Article.objects.count()}"],
            lead_photo=ImageFactory() if photos else None,
        )


# The list's object (section, tag or author), the page's cards, their bylines, the menu;
# the home page reads its two lists' cards and bylines; Latest, the years with stories.
LIST_QUERIES = {"home": 4, "latest": 4, "section": 4, "tag": 4, "author": 4}


@pytest.mark.parametrize("page", ["home", "latest", "section", "tag", "author"])
def test_list_pages_run_a_fixed_number_of_queries(client, section, author, page, monkeypatch):
    monkeypatch.setattr("articles.views.HOME_LATEST_COUNT", 2)  # so home has section leads too
    other = SectionFactory()
    make_stories(2, section, author)
    ArticleFactory(section=other)
    url = list_urls(section, author)[page]
    few = count_queries(client, url)
    make_stories(15, section, author)
    ArticleFactory.create_batch(3, section=SectionFactory())
    assert count_queries(client, url) == few == LIST_QUERIES[page]


@pytest.mark.parametrize("page", ["latest", "section", "tag", "author"])
def test_deep_pages_run_as_many_queries_as_the_first(client, section, author, page, monkeypatch):
    monkeypatch.setattr("articles.views.StoryListView.paginate_by", 2)
    make_stories(11, section, author)
    url = list_urls(section, author)[page]
    assert count_queries(client, url, page=6) == count_queries(client, url) == LIST_QUERIES[page]


@pytest.mark.parametrize("page", ["tag", "author"])
def test_tags_and_authors_on_many_stories_list_the_same_stories(
    client, section, author, page, monkeypatch
):
    """Read by walking the whole list (a common tag) or from the tag's own stories."""
    monkeypatch.setattr("articles.views.StoryListView.paginate_by", 2)
    make_stories(5, section, author)
    ArticleFactory(section=section, authors=[author], tags=["Oil"], draft=True)
    ArticleFactory(section=section, authors=[AuthorFactory()], tags=["Gas"])
    url = list_urls(section, author)[page]

    def pages():
        return [
            [card.headline for card in client.get(url, {"page": n}).context["articles"]]
            for n in (1, 2, 3)
        ]

    few = pages()
    assert [len(headlines) for headlines in few] == [2, 2, 1]
    assert client.get(url, {"page": 4}).status_code == 404
    monkeypatch.setattr("articles.list_subjects.COMMON_LINKS", 3)
    assert pages() == few
    assert client.get(url, {"page": 4}).status_code == 404
    assert count_queries(client, url, page=2) == LIST_QUERIES[page]


@pytest.mark.parametrize("page", ["tag", "author"])
def test_a_rare_tag_s_or_author_s_list_shows_only_public_stories_newest_first(
    client, section, author, page, monkeypatch
):
    """Read from the tag's (or author's) links, in the order of the whole list."""
    monkeypatch.setattr("articles.views.StoryListView.paginate_by", 2)
    now = timezone.now()

    def story(headline, hours_ago, **kwargs):
        return ArticleFactory(
            headline=headline,
            section=section,
            authors=[author],
            tags=["Oil"],
            published_at=now - timedelta(hours=hours_ago),
            **kwargs,
        )

    story("Oldest", 50)
    # Published long ago, its embargo lifted an hour ago: its place is its publication's.
    story("Embargo lifted", 40, embargo_until=now - timedelta(hours=1))
    story("Middle", 30, language="fr")
    story("Newest", 2)
    story("Draft", 1, draft=True)
    story("In review", 1, in_review=True)
    story("Scheduled", -5)
    story("Embargoed", 3, embargoed=True)
    ArticleFactory(headline="Not this tag or author", section=section)
    url = list_urls(section, author)[page]

    def headlines(**params):
        return [card.headline for card in client.get(url, params).context["articles"]]

    assert [headlines(page=n) for n in (1, 2)] == [
        ["Newest", "Middle"],
        ["Embargo lifted", "Oldest"],
    ]
    assert client.get(url, {"page": 3}).status_code == 404
    assert headlines(language="fr") == ["Middle"]
    monkeypatch.setattr("articles.list_subjects.COMMON_LINKS", 3)  # now walked, as common
    assert [headlines(page=n) for n in (1, 2)] == [
        ["Newest", "Middle"],
        ["Embargo lifted", "Oldest"],
    ]
    assert client.get(url, {"page": 3}).status_code == 404


@pytest.mark.parametrize("page", ["home", "latest", "section", "tag", "author"])
def test_list_pages_with_photos_run_a_fixed_number_of_queries(
    client, section, author, page, monkeypatch
):
    monkeypatch.setattr("articles.views.HOME_LATEST_COUNT", 2)
    other = SectionFactory()
    make_stories(2, section, author, photos=True)
    ArticleFactory(section=other, lead_photo=ImageFactory())
    url = list_urls(section, author)[page]
    few = count_queries(client, url)
    make_stories(15, section, author, photos=True)
    ArticleFactory.create_batch(3, section=SectionFactory(), lead_photo=ImageFactory())
    response = client.get(url)
    assert response.text.count('loading="lazy"') >= 2
    assert count_queries(client, url) == few
    # One more a list of cards: the photos' sizes.
    assert few == LIST_QUERIES[page] + (2 if page == "home" else 1)


def test_story_page_runs_a_fixed_number_of_queries(client, section):
    small = ArticleFactory(section=section, authors=[AuthorFactory()], tags=["One"])
    big = ArticleFactory(
        section=section,
        authors=[AuthorFactory() for _ in range(5)],
        tags=[f"Tag {n}" for n in range(10)],
    )
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, big.get_absolute_url()
    )
    # Three of them find the related stories and their bylines (tests/test_related.py),
    # one the published translations.
    assert count_queries(client, big.get_absolute_url()) <= 9
    with_photo = ArticleFactory(section=section, lead_photo=ImageFactory())
    assert count_queries(client, with_photo.get_absolute_url()) <= 10


def test_starting_sections_exist_with_news_first():
    names = list(Section.objects.filter(parent=None).values_list("name", flat=True))
    assert names[:2] == ["News", "Algeria"]
    for name in [
        "Africa",
        "World",
        "Politics",
        "Economy",
        "Energy",
        "Culture",
        "Sport",
        "Technology",
    ]:
        assert name in names
