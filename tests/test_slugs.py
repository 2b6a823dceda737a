"""Slugs: a taken one gets the first free number, and none ever holds a zero-width
character or a bidirectional control, made or typed."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Author, Section, Tag

from .factories import ArticleFactory, admin_form_data, saved_story

pytestmark = pytest.mark.django_db

INVISIBLE = [
    *map(chr, range(0x200B, 0x2010)),
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
]
HIDDEN = "".join(INVISIBLE)


def test_the_characters_are_the_ones_meant():
    assert len(INVISIBLE) == 14 and INVISIBLE[0] == "\u200b" and INVISIBLE[-1] == "\u2069"


@pytest.mark.parametrize("model", [Article, Section, Author])
def test_made_slugs_leave_invisible_characters_out(model):
    assert services.unique_slug(model, f"Oil{HIDDEN} deal\u202e in Oran") == "oil-deal-in-oran"
    assert services.unique_slug(model, HIDDEN, fallback="story") == "story"


def test_a_story_headline_tags_and_byline_give_clean_slugs():
    story = saved_story(headline=f"Gas {HIDDEN}deal", slug="", tags=[f"Alg{HIDDEN}eria"])
    services.article_set_authors(
        article=story, authors=services.authors_by_name([f"Amina{HIDDEN} Haddad"])
    )
    assert story.slug == "gas-deal"
    assert [tag.slug for tag in story.tags.all()] == ["algeria"]
    assert [author.slug for author in story.authors.all()] == ["amina-haddad"]


TYPED = f"energy{INVISIBLE[0]}-\u202edesk{INVISIBLE[-1]}"


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Section, {"name": "Energy desk", "position": "1", "description": ""}),
        (Author, {"name": "Energy desk", "bio": ""}),
        (Tag, {"name": "Energy desk"}),
    ],
)
def test_a_slug_typed_in_admin_loses_its_invisible_characters(editor_client, model, data):
    url = reverse(f"admin:articles_{model._meta.model_name}_add")
    response = editor_client.post(url, {**data, "slug": TYPED})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert model.objects.get(name="Energy desk").slug == "energy-desk"


def test_a_story_slug_typed_in_admin_loses_its_invisible_characters(editor_client):
    story = saved_story(headline="Energy desk")
    url = reverse("admin:articles_article_change", args=[story.pk])
    response = editor_client.post(url, admin_form_data(editor_client.get(url), slug=TYPED))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.slug == "energy-desk"


def test_a_slug_of_nothing_but_invisible_characters_is_refused(editor_client):
    url = reverse("admin:articles_section_add")
    response = editor_client.post(url, {"name": "Invisible desk", "position": "1", "slug": HIDDEN})
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors
    assert not Section.objects.filter(name="Invisible desk").exists()


def test_a_taken_headline_slug_gets_the_first_free_number(django_assert_max_num_queries):
    ArticleFactory(slug="storm")
    ArticleFactory(slug="storm-surge")  # a longer slug, not a numbered form of "storm"
    for n in range(2, services.SLUG_CANDIDATES + 3):
        ArticleFactory(slug=f"storm-{n}")
    ArticleFactory(slug=f"storm-{services.SLUG_CANDIDATES + 4}")
    with django_assert_max_num_queries(2):  # the numbers are looked up a batch at a time
        assert services.unique_slug(Article, "Storm") == f"storm-{services.SLUG_CANDIDATES + 3}"
    story = saved_story(headline="Storm", slug="")
    assert story.slug == f"storm-{services.SLUG_CANDIDATES + 3}"
    assert services.unique_slug(Article, "Storm", exclude_pk=story.pk) == story.slug
    assert services.unique_slug(Article, "Surge") == "surge"
