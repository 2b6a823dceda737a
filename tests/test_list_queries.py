"""List pages' queries compiled once per process: the same stories, sections, tags and
authors the ORM would read, with the current time and the request's values each time."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.card_query import card_stories
from articles.context_processors import menu_sections, publication
from articles.list_subjects import author_by_slug, section_by_slug, tag_by_slug
from articles.models import Article, Section
from articles.plain_queries import byline_rows
from articles.prepared import PreparedQuery

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_card_stories_match_what_the_orm_reads():
    section = SectionFactory()
    stories = ArticleFactory.create_batch(3, section=section, lead_photo=ImageFactory())
    ids = Article.objects.published().values("pk")

    read = card_stories(ids)

    expected = list(Article.objects.published().for_cards())
    assert [s.pk for s in read] == [s.pk for s in expected] == [s.pk for s in stories[::-1]]
    for mine, theirs in zip(read, expected, strict=True):
        assert [getattr(mine, name) for name in ("headline", "slug", "published_at")] == [
            getattr(theirs, name) for name in ("headline", "slug", "published_at")
        ]
        assert mine.published_at.tzinfo is not None
        assert mine.section == theirs.section and mine.section.name == section.name
        assert mine.lead_photo.file.url == theirs.lead_photo.file.url
        assert len(mine.lead_photo.renditions.all()) == len(theirs.lead_photo.renditions.all())


def test_card_stories_ask_the_time_at_each_run_not_when_compiled():
    story = ArticleFactory(scheduled=True)
    card_stories([story.pk])  # compiles the query now, before the story is due

    assert card_stories([story.pk]) == []
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert [s.pk for s in card_stories([story.pk])] == [story.pk]


def test_card_stories_of_no_ids_are_none():
    ArticleFactory()

    assert card_stories([]) == []
    assert card_stories(Article.objects.none().values("pk")) == []


def test_card_stories_leave_out_drafts_and_embargoed_stories():
    shown = ArticleFactory()
    hidden = [ArticleFactory(draft=True), ArticleFactory(embargoed=True)]

    read = card_stories([shown.pk, *(s.pk for s in hidden)])

    assert [s.pk for s in read] == [shown.pk]


def test_card_stories_in_another_order_with_their_photos_in_one_more_query():
    first = ArticleFactory(section=SectionFactory(position=1), lead_photo=ImageFactory())
    second = ArticleFactory(section=SectionFactory(position=2))
    ids = Article.objects.published().values("pk")

    with CaptureQueriesContext(connection) as queries:
        read = card_stories(ids, order_by=("section__position", "section__name"))
        assert read[0].lead_photo.renditions.all()

    assert [s.pk for s in read] == [first.pk, second.pk]
    assert read[1].lead_photo is None
    assert len(queries) == 2


def test_a_prepared_query_refuses_a_marker_it_does_not_hold():
    query = PreparedQuery(Article.objects.filter(slug="marker").values_list("pk"))

    assert query.places("marker") == [0]
    with pytest.raises(ValueError, match="not among"):
        query.places("other")


def test_a_prepared_query_runs_with_new_values():
    stories = ArticleFactory.create_batch(2)
    query = PreparedQuery(Article.objects.filter(slug="marker").values_list("pk", "headline"))

    rows = query.rows({0: stories[1].slug})

    assert rows == [[stories[1].pk, stories[1].headline]]


def test_list_subjects_found_by_slug_with_what_their_lists_need(client):
    parent = SectionFactory(name="World", slug="world")
    child = SectionFactory(name="Maghreb", slug="maghreb", parent=parent)
    author = AuthorFactory(slug="amina")
    ArticleFactory(section=child, authors=[author], tags=["Gas"])

    world, maghreb = section_by_slug("world"), section_by_slug("maghreb")
    tag = tag_by_slug("gas")

    assert (world.name, world.parent, world.has_children) == ("World", None, True)
    assert (maghreb.parent.name, maghreb.has_children) == ("World", False)
    assert (tag.name, tag.common) == ("Gas", False)
    assert (author_by_slug("amina").pk, author_by_slug("amina").common) == (author.pk, False)
    for url in ("/section/nowhere/", "/tag/nowhere/", "/author/nobody/"):
        assert client.get(url).status_code == 404


def test_bylines_come_in_byline_order():
    first, second = AuthorFactory(name="Zineb"), AuthorFactory(name="Amel")
    story = ArticleFactory(authors=[first, second])
    other = ArticleFactory(authors=[second])

    rows = byline_rows([story.pk, other.pk])

    assert sorted(rows, key=lambda row: row[0] != story.pk) == [
        (story.pk, first.pk, "Zineb", first.slug),
        (story.pk, second.pk, "Amel", second.slug),
        (other.pk, second.pk, "Amel", second.slug),
    ]
    assert byline_rows([]) == []


def test_the_menu_lists_top_sections_in_order_with_their_addresses(client):
    later = SectionFactory(name="Sport", slug="sport", position=2)
    SectionFactory(name="Energy", slug="energy", position=1)
    SectionFactory(name="Gas", slug="gas", parent=later)

    menu = [(s.name, s.url) for s in menu_sections()]

    assert menu == [(s.name, s.get_absolute_url()) for s in Section.objects.filter(parent=None)]
    assert menu.index(("Energy", "/section/energy/")) < menu.index(("Sport", "/section/sport/"))
    assert "Gas" not in [name for name, _url in menu]
    page = client.get("/fr/section/sport/").text
    assert '<a href="/fr/section/sport/" aria-current="page">Sport</a>' in page
    assert '<a href="/fr/section/energy/">Energy</a>' in page
    assert "/section/gas/" not in page.split('class="site-nav"')[1].split("</nav>")[0]


def test_the_menu_is_read_only_by_pages_that_show_it(rf):
    request = rf.get("/")
    top = Section.objects.filter(parent=None).count()

    with CaptureQueriesContext(connection) as queries:
        context = publication(request)
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert len(context["nav_sections"]) == top
    assert len(queries) == 1
