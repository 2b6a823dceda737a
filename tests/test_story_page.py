"""What a story page costs: the same few queries whatever the story and the newsroom hold."""

import pytest

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
)
from .queries import count_queries

pytestmark = pytest.mark.django_db

# The story (with its section, photo, tags, bylines, whether it has translations or
# corrections, and the menu's sections), and the related stories (ranked in the same
# query, with their bylines).
STORY_PAGE_QUERIES = 2


def newsroom(section, *, stories, photos=False):
    """``stories`` published stories sharing tags, with bylines and (optionally) photos."""
    for n in range(stories):
        ArticleFactory(
            section=section if n % 2 else SectionFactory(),
            tags=["Gas", f"Tag {n % 7}", f"Own {n}"],
            authors=[AuthorFactory() for _ in range(n % 3 + 1)],
            lead_photo=ImageFactory() if photos and n % 2 else None,
        )


def test_a_story_page_runs_two_queries_however_big_the_newsroom(client):
    section = SectionFactory()
    story = ArticleFactory(
        section=section, tags=["Gas", "Tag 1", "Tag 2"], authors=[AuthorFactory()]
    )
    newsroom(section, stories=3)
    assert count_queries(client, story.get_absolute_url()) == STORY_PAGE_QUERIES
    newsroom(section, stories=30)
    assert count_queries(client, story.get_absolute_url()) == STORY_PAGE_QUERIES


def test_corrections_add_one_query_however_many(client):
    section = SectionFactory()
    story = ArticleFactory(section=section, tags=["Gas"], authors=[AuthorFactory()])
    newsroom(section, stories=6)
    CorrectionFactory(article=story)
    assert count_queries(client, story.get_absolute_url()) == STORY_PAGE_QUERIES + 1
    CorrectionFactory.create_batch(5, article=story)
    assert count_queries(client, story.get_absolute_url()) == STORY_PAGE_QUERIES + 1


def test_photos_add_one_query_for_all_their_sizes(client):
    section = SectionFactory()
    story = ArticleFactory(section=section, tags=["Gas"], lead_photo=ImageFactory())
    newsroom(section, stories=6, photos=True)
    assert count_queries(client, story.get_absolute_url()) == STORY_PAGE_QUERIES + 1


def test_translations_add_one_query_however_many(client):
    section = SectionFactory()
    original = ArticleFactory(section=section, tags=["Gas"])
    for language in ["fr", "ar"]:
        ArticleFactory(section=section, tags=["Gas"], language=language, translation_of=original)
    newsroom(section, stories=6)
    assert count_queries(client, original.get_absolute_url()) == STORY_PAGE_QUERIES + 1


def test_a_story_without_tags_or_neighbours_runs_no_more(client):
    lonely = ArticleFactory(section=SectionFactory())
    assert count_queries(client, lonely.get_absolute_url()) <= STORY_PAGE_QUERIES


def test_tags_keep_one_order_in_the_page_and_its_metadata(client):
    ArticleFactory(tags=["Zinc", "Oil", "Gas"])
    story = ArticleFactory(tags=["Gas", "Algeria", "Zinc", "Oil"])
    html = client.get(story.get_absolute_url()).text
    footer = html[html.index('<footer class="story-tags">') :]
    # The oldest tag first, whatever order the story's own were given in.
    order = ["Zinc", "Oil", "Gas", "Algeria"]
    positions = [footer.index(f'rel="tag">{name}</a>') for name in order]
    assert positions == sorted(positions)
    properties = [html.index(f'<meta property="article:tag" content="{name}">') for name in order]
    assert properties == sorted(properties)
    assert '"keywords": ["Zinc", "Oil", "Gas", "Algeria"]' in html


def test_bylines_keep_their_order_and_text_on_the_story_and_its_related_cards(client):
    section = SectionFactory()
    names = ['Zoé "Zed" O’Brien', "نور الهدى", "Ana & Bo <i>"]
    authors = [AuthorFactory(name=name) for name in names]
    # Given in byline order, whatever order the authors were created in.
    story = ArticleFactory(section=section, tags=["Gas"], authors=authors[::-1])
    ArticleFactory(section=section, tags=["Gas"], authors=authors[1:], headline="Next door")
    html = client.get(story.get_absolute_url()).text
    assert (
        '<span class="byline">By '
        f'<a href="{authors[2].get_absolute_url()}" rel="author">Ana &amp; Bo &lt;i&gt;</a>, '
        f'<a href="{authors[1].get_absolute_url()}" rel="author">نور الهدى</a> and '
        f'<a href="{authors[0].get_absolute_url()}" rel="author">'
        "Zoé &quot;Zed&quot; O’Brien</a></span>"
    ) in html
    related = html[html.index('<aside class="related"') :]
    assert '<span class="byline">By نور الهدى and Ana &amp; Bo &lt;i&gt;</span>' in related
