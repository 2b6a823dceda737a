"""Story cards: the same card, word for word, on every list and under a story."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from articles.models import Article
from articles.views import cards_by_id

from .factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
LONG_DEK = " ".join(f"word{n}" for n in range(50))


@pytest.fixture(autouse=True)
def frozen(settings):
    settings.TIME_ZONE = "Africa/Algiers"
    with time_machine.travel(PUBLISHED + timedelta(days=2), tick=False):
        yield


@pytest.fixture
def section():
    return SectionFactory(name="Energy desk", slug="energy-desk")


@pytest.fixture
def story(section):
    return ArticleFactory(
        headline="Gas & oil talks",
        slug="gas-talks",
        dek=LONG_DEK,
        section=section,
        authors=[
            AuthorFactory(name="Amina Benali", slug="amina-benali"),
            AuthorFactory(name="Karim O'Neill"),
            AuthorFactory(name="Nadia Saidi"),
        ],
        credit="Staff & agencies",
        tags=["Pipelines"],
        published_at=PUBLISHED,
    )


def card_of(html: str, headline: str) -> str:
    """The card whose headline is ``headline``, its whitespace between tags removed."""
    for card in re.findall(r'<article class="card">.*?</article>', html, re.S):
        if headline in card:
            return re.sub(r">\s+<", "><", card)
    raise AssertionError(f"No card for {headline!r}")


def expected_card(level: int) -> str:
    dek = " ".join(f"word{n}" for n in range(40))
    return (
        '<article class="card">'
        '<p class="card-section"><a href="/section/energy-desk/">Energy desk</a></p>'
        f'<h{level} class="card-headline"><a href="/2024/03/05/gas-talks/">'
        f"Gas &amp; oil talks</a></h{level}>"
        f'<p class="card-dek">{dek} …</p>'
        '<p class="card-meta"><span class="byline">'
        "By Amina Benali, Karim O&#x27;Neill and Nadia Saidi</span> &middot; "
        '<span class="credit">Staff &amp; agencies</span> &middot; '
        '<time datetime="2024-03-05T10:30:00+0100">5 March 2024</time></p>'
        "</article>"
    )


@pytest.mark.parametrize(
    ("url", "level"),
    [
        ("/", 3),
        ("/latest/", 2),
        ("/section/energy-desk/", 2),
        ("/tag/pipelines/", 2),
        ("/author/amina-benali/", 2),
        ("/2024/", 2),
        ("/2024/03/", 2),
        ("/2024/03/05/", 2),
    ],
)
def test_every_list_shows_the_whole_card(client, story, url, level):
    response = client.get(url)
    assert response.status_code == 200
    assert card_of(response.text, "Gas &amp; oil talks") == expected_card(level)


def test_a_related_story_has_the_same_card_as_on_lists(client, story, section):
    other = ArticleFactory(section=section, tags=["Pipelines"], published_at=PUBLISHED)
    html = client.get(other.get_absolute_url()).text
    assert card_of(html, "Gas &amp; oil talks") == expected_card(3)


def test_cards_without_byline_leave_out_a_long_credit(client, section):
    ArticleFactory(
        headline="Agency copy",
        section=section,
        dek="",
        credit="Additional reporting by our correspondents in Oran",
        published_at=PUBLISHED,
    )
    ArticleFactory(
        headline="Two reporters",
        section=section,
        authors=[AuthorFactory(name="Amina Benali"), AuthorFactory(name="Karim Ziani")],
        published_at=PUBLISHED,
    )
    html = client.get("/section/energy-desk/").text
    assert card_of(html, "Agency copy").endswith(
        '<p class="card-meta"><time datetime="2024-03-05T10:30:00+0100">5 March 2024</time>'
        "</p></article>"
    )
    assert "card-dek" not in card_of(html, "Agency copy")
    assert '<span class="byline">By Amina Benali and Karim Ziani</span>' in card_of(
        html, "Two reporters"
    )


@pytest.mark.parametrize(
    ("prefix", "by", "label"),
    [
        ("", "By Amina Benali, Karim O&#x27;Neill and Nadia Saidi", "5 March 2024"),
        ("/fr", "Par Amina Benali, Karim O&#x27;Neill et Nadia Saidi", "5 mars 2024"),
    ],
)
def test_cards_speak_the_page_s_language_whatever_was_shown_before(
    client, story, prefix, by, label
):
    for other in ("/fr", "", "/ar"):
        client.get(f"{other}/latest/")  # dates and bylines already written in other languages
    html = client.get(f"{prefix}/latest/").text
    card = card_of(html, "Gas &amp; oil talks")
    assert f'<span class="byline">{by}</span>' in card
    assert f">{label}</time>" in card
    assert f'href="{prefix}/2024/03/05/gas-talks/"' in card


def test_a_card_with_a_photo_shows_it_small_and_lazily(client, section):
    photo = ImageFactory(alt_text="Ministers at a table")
    ArticleFactory(headline="With a photo", section=section, lead_photo=photo)
    card = card_of(client.get("/section/energy-desk/").text, "With a photo")
    assert re.search(
        r'<picture class="card-photo"><source type="image/webp" srcset="[^"]+" '
        r'sizes="\(min-width: 40rem\) 10rem, 7.5rem"><img src="[^"]+"',
        card,
    )
    assert 'alt="Ministers at a table" loading="lazy" decoding="async"></picture>' in card


def test_cards_read_by_id_ask_again_whether_each_story_is_public(story, section):
    unpublished = ArticleFactory(headline="Pulled story", section=section)
    Article.objects.filter(pk=unpublished.pk).update(status=Article.Status.DRAFT)

    cards = cards_by_id([story.pk, unpublished.pk])

    assert [card.headline for card in cards] == ["Gas & oil talks"]


@pytest.mark.parametrize(
    ("dek", "shown"),
    [
        ("Gas  talks\nresume  today.", "Gas talks resume today."),
        (" ".join(f"w{n}" for n in range(40)), " ".join(f"w{n}" for n in range(40))),
        (" ".join(f"w{n}" for n in range(41)), " ".join(f"w{n}" for n in range(40)) + " …"),
    ],
)
def test_a_card_shows_the_standfirst_s_first_forty_words(client, section, dek, shown):
    ArticleFactory(headline="Standfirst story", dek=dek, section=section)
    card = card_of(client.get(section.get_absolute_url()).text, "Standfirst story")
    assert f'<p class="card-dek">{shown}</p>' in card
