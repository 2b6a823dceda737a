"""Related stories under a story: shared tags first, then the section's newest."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from articles import services, story_rows
from articles.models import Article
from articles.story_rows import related_stories

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from .queries import count_queries

pytestmark = pytest.mark.django_db

HIDDEN_KINDS = {
    "draft": {"draft": True},
    "in review": {"in_review": True},
    "scheduled": {"scheduled": True},
    "embargoed": {"embargoed": True},
}


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def related_headlines(article):
    tag_ids = list(article.tags.values_list("pk", flat=True))
    return [story.headline for story in related_stories(article, tag_ids)]


@pytest.fixture
def section():
    return SectionFactory(name="Energy desk", slug="energy-desk")


@pytest.fixture
def story(section):
    return ArticleFactory(headline="Gas deal", section=section, tags=["Gas", "Oil", "Algeria"])


def test_more_shared_tags_rank_higher_whatever_the_date(story):
    ArticleFactory(headline="One shared, newest", tags=["Gas"], published_at=hours_ago(2))
    ArticleFactory(
        headline="Three shared, oldest", tags=["Gas", "Oil", "Algeria"], published_at=hours_ago(90)
    )
    ArticleFactory(
        headline="Two shared", tags=["Oil", "Algeria", "Sport"], published_at=hours_ago(50)
    )
    ArticleFactory(headline="Nothing shared", tags=["Sport"], published_at=hours_ago(1))
    assert related_headlines(story) == ["Three shared, oldest", "Two shared", "One shared, newest"]


def test_equal_shares_are_ordered_newest_first(story):
    ArticleFactory(headline="Older", tags=["Gas", "Oil"], published_at=hours_ago(30))
    ArticleFactory(headline="Newer", tags=["Gas", "Algeria"], published_at=hours_ago(3))
    ArticleFactory(headline="Middle", tags=["Oil", "Algeria"], published_at=hours_ago(10))
    assert related_headlines(story) == ["Newer", "Middle", "Older"]


def test_at_most_five_and_never_the_story_itself(story):
    for n in range(8):
        ArticleFactory(headline=f"Shared {n}", tags=["Gas"], published_at=hours_ago(n + 2))
    assert related_headlines(story) == [f"Shared {n}" for n in range(5)]


def test_the_section_s_newest_fill_the_list(story, section):
    ArticleFactory(headline="Shares a tag, other section", tags=["Gas"], published_at=hours_ago(80))
    for n in range(6):
        ArticleFactory(headline=f"Same section {n}", section=section, published_at=hours_ago(n + 2))
    ArticleFactory(headline="Other section, newest", published_at=hours_ago(1))
    assert related_headlines(story) == [
        "Shares a tag, other section",
        *(f"Same section {n}" for n in range(4)),
    ]


def test_a_story_sharing_tags_in_the_same_section_is_listed_once(story, section):
    ArticleFactory(headline="Both", section=section, tags=["Gas"], published_at=hours_ago(5))
    ArticleFactory(headline="Section only", section=section, published_at=hours_ago(2))
    assert related_headlines(story) == ["Both", "Section only"]


def test_the_list_fills_up_when_the_section_s_newest_already_share_tags(story, section):
    for n in range(3):
        ArticleFactory(
            headline=f"Shared {n}", section=section, tags=["Gas"], published_at=hours_ago(n + 1)
        )
    for n in range(4):
        ArticleFactory(headline=f"Older {n}", section=section, published_at=hours_ago(n + 10))
    assert related_headlines(story) == ["Shared 0", "Shared 1", "Shared 2", "Older 0", "Older 1"]


def test_a_story_without_tags_gets_its_section_s_newest(section):
    untagged = ArticleFactory(section=section)
    ArticleFactory(headline="Neighbour", section=section, published_at=hours_ago(3))
    ArticleFactory(headline="Tagged elsewhere", tags=["Gas"], published_at=hours_ago(2))
    assert related_headlines(untagged) == ["Neighbour"]


@pytest.mark.parametrize("kind", HIDDEN_KINDS)
def test_unpublished_stories_are_never_related(client, story, section, kind):
    ArticleFactory(
        headline="Hidden story",
        section=section,
        tags=["Gas", "Oil", "Algeria"],
        **HIDDEN_KINDS[kind],
    )
    ArticleFactory(headline="Visible story", tags=["Gas"], published_at=hours_ago(30))
    assert related_headlines(story) == ["Visible story"]
    html = client.get(story.get_absolute_url()).text
    assert "Visible story" in html
    assert "Hidden story" not in html


def test_story_page_shows_related_stories_as_cards(client, story):
    reporter = AuthorFactory(name="Karim Ziani")
    related = ArticleFactory(
        headline="Pipeline opens", dek="Gas flows north.", tags=["Gas"], authors=[reporter]
    )
    html = client.get(story.get_absolute_url()).text
    assert '<h2 id="related-heading" class="block-heading">Related stories</h2>' in html
    aside = html[html.index('<aside class="related"') :]
    assert f'<a href="{related.get_absolute_url()}">Pipeline opens</a></h3>' in aside
    assert "Gas flows north." in aside
    assert "Karim Ziani" in aside


def test_no_related_block_when_nothing_is_related(client):
    lonely = ArticleFactory(section=SectionFactory(), tags=["Lonely"])
    assert 'class="related"' not in client.get(lonely.get_absolute_url()).text


def add_related_stories(count, section, tags, photos):
    for n in range(count):
        ArticleFactory(
            section=section if n % 2 else SectionFactory(),
            tags=[tags[n % len(tags)], f"Own tag {Article.objects.count()}"],
            authors=[AuthorFactory(), AuthorFactory()],
            lead_photo=ImageFactory() if photos else None,
        )


@pytest.mark.parametrize("photos", [False, True], ids=["text", "photos"])
def test_related_stories_take_one_query(story, section, photos, django_assert_num_queries):
    # As on the story page, the story's tags are already read; the page reads the cards'
    # bylines and photo sizes together with the story's own.
    tag_ids = list(story.tags.values_list("pk", flat=True))
    add_related_stories(2, section, ["Gas"], photos)
    with django_assert_num_queries(1):
        assert len(related_stories(story, tag_ids)) == 2
    add_related_stories(12, section, ["Gas", "Oil", "Algeria"], photos)
    with django_assert_num_queries(1):
        assert len(related_stories(story, tag_ids)) == 5


@pytest.mark.parametrize("photos", [False, True], ids=["text", "photos"])
def test_story_page_runs_a_fixed_number_of_queries_as_content_grows(client, section, photos):
    photo = ImageFactory() if photos else None
    few_tags = ArticleFactory(
        section=section, tags=["Gas"], authors=[AuthorFactory()], lead_photo=photo
    )
    many_tags = ArticleFactory(
        section=section,
        tags=[f"Tag {n}" for n in range(10)],
        authors=[AuthorFactory() for _ in range(4)],
        lead_photo=photo,
    )
    add_related_stories(2, section, ["Gas", "Tag 3"], photos)
    few = count_queries(client, many_tags.get_absolute_url())
    assert count_queries(client, few_tags.get_absolute_url()) == few
    add_related_stories(15, section, ["Gas", "Tag 3", "Tag 7"], photos)
    assert count_queries(client, many_tags.get_absolute_url()) == few
    assert count_queries(client, few_tags.get_absolute_url()) == few


@pytest.fixture
def neighbour(story):
    return ArticleFactory(headline="Neighbour", tags=["Gas", "Oil"], published_at=hours_ago(5))


@pytest.mark.parametrize("change", ["unpublish", "delete", "schedule", "embargo"])
def test_a_story_taken_off_the_site_leaves_related_lists_at_once(
    client, settings, story, neighbour, change, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 300
    assert "Neighbour" in client.get(story.get_absolute_url()).text
    with django_capture_on_commit_callbacks(execute=True):
        if change == "unpublish":
            services.article_unpublish(article=neighbour)
        elif change == "delete":
            services.article_delete(article=neighbour)
        elif change == "schedule":
            services.article_publish(article=neighbour, at=timezone.now() + timedelta(hours=2))
        else:
            neighbour.embargo_until = timezone.now() + timedelta(hours=2)
            services.article_save(article=neighbour)
    assert "Neighbour" not in client.get(story.get_absolute_url()).text
    assert related_headlines(story) == []


def test_a_scheduled_story_joins_related_lists_when_its_time_comes(story):
    ArticleFactory(headline="Tomorrow", tags=["Gas"], published_at=timezone.now() + timedelta(1))
    ArticleFactory(headline="Lifted", tags=["Oil"], embargo_until=timezone.now() + timedelta(2))
    assert related_headlines(story) == []
    with time_machine.travel(timezone.now() + timedelta(days=1, hours=1)):
        assert related_headlines(story) == ["Tomorrow"]
    with time_machine.travel(timezone.now() + timedelta(days=2, hours=1)):
        assert related_headlines(story) == ["Tomorrow", "Lifted"]


def test_a_story_published_again_comes_back(story, neighbour):
    services.article_unpublish(article=neighbour)
    assert related_headlines(story) == []
    services.article_publish(article=neighbour)
    assert related_headlines(story) == ["Neighbour"]


def test_tag_links_that_disagree_with_their_story_never_show_it(story, neighbour):
    # Links written by hand, around the services: the story itself still decides.
    Article.objects.filter(pk=neighbour.pk).update(status=Article.Status.DRAFT)
    assert related_headlines(story) == []


def test_only_each_tag_s_newest_stories_are_ranked(story, monkeypatch):
    monkeypatch.setattr(story_rows, "RELATED_PER_TAG", 3)
    ArticleFactory(
        headline="Old, three shared", tags=["Gas", "Oil", "Algeria"], published_at=hours_ago(90)
    )
    for n in range(3):
        ArticleFactory(headline=f"Gas {n}", tags=["Gas"], published_at=hours_ago(n + 1))
        ArticleFactory(headline=f"Oil {n}", tags=["Oil"], published_at=hours_ago(n + 10))
        ArticleFactory(headline=f"Algeria {n}", tags=["Algeria"], published_at=hours_ago(n + 20))
    assert "Old, three shared" not in related_headlines(story)
    ArticleFactory(headline="New, two shared", tags=["Gas", "Algeria"], published_at=hours_ago(15))
    # Out of Gas's newest three, but among Algeria's: its two shared tags are counted.
    assert related_headlines(story)[0] == "New, two shared"


def test_ties_for_the_last_places_are_decided_by_publication_time(story):
    ArticleFactory(
        headline="Three shared", tags=["Gas", "Oil", "Algeria"], published_at=hours_ago(90)
    )
    for hours in (5, 20, 10, 30, 15):
        ArticleFactory(
            headline=f"Two shared, {hours}h", tags=["Gas", "Oil"], published_at=hours_ago(hours)
        )
    # Readers saw it only an hour ago, but it was published before the others.
    ArticleFactory(
        headline="Two shared, embargo lifted late",
        tags=["Oil", "Algeria"],
        published_at=hours_ago(25),
        embargo_until=hours_ago(1),
    )
    for hours in (1, 2, 3):
        ArticleFactory(
            headline=f"One shared, {hours}h", tags=["Gas"], published_at=hours_ago(hours)
        )
    assert related_headlines(story) == [
        "Three shared",
        "Two shared, 5h",
        "Two shared, 10h",
        "Two shared, 15h",
        "Two shared, 20h",
    ]


def test_fewer_candidates_than_places_are_all_ranked(story):
    ArticleFactory(headline="Two shared", tags=["Gas", "Oil"], published_at=hours_ago(9))
    ArticleFactory(headline="One shared", tags=["Algeria"], published_at=hours_ago(1))
    assert related_headlines(story) == ["Two shared", "One shared"]
