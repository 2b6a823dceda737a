import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline

from .factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def changelist_queries(client, **params):
    client.get(CHANGELIST, params)  # warm per-process caches; count the steady state
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries), response


def test_article_list_shows_status_section_authors_tags_and_date(editor_client):
    ArticleFactory(
        headline="Budget vote",
        section=SectionFactory(name="Politics desk"),
        authors=[AuthorFactory(name="Amina Benali"), AuthorFactory(name="Karim Ziani")],
        tags=["Parliament", "Budget"],
    )
    _count, response = changelist_queries(editor_client)
    html = response.text
    for text in ["Budget vote", "Published", "Politics desk", "Amina Benali, Karim Ziani"]:
        assert text in html
    assert "Budget, Parliament" in html or "Parliament, Budget" in html


def test_article_list_runs_a_fixed_number_of_queries(editor_client):
    ArticleFactory.create_batch(2, authors=[AuthorFactory()], tags=["One", "Two"])
    few, _ = changelist_queries(editor_client)
    for n in range(20):
        ArticleFactory(authors=[AuthorFactory(), AuthorFactory()], tags=[f"Tag {n}", "Shared"])
    many, _ = changelist_queries(editor_client)
    assert many == few


@pytest.mark.parametrize(
    "params",
    [{"status__exact": "draft"}, {"q": "Budget"}, {"language__exact": "en"}],
)
def test_article_list_filters_and_search(editor_client, params):
    ArticleFactory(headline="Budget vote", draft=True)
    ArticleFactory(headline="Cup final")
    _count, response = changelist_queries(editor_client, **params)
    assert "Budget vote" in response.text


def test_filters_by_section_tag_and_author(editor_client):
    author = AuthorFactory()
    wanted = ArticleFactory(headline="Wanted story", authors=[author], tags=["Gas"])
    ArticleFactory(headline="Other story", authors=[AuthorFactory()], tags=["Oil"])
    for params in [
        {"section__id__exact": wanted.section_id},
        {"tags__id__exact": wanted.tags.get().pk},
        {"bylines__author__id__exact": author.pk},
    ]:
        _count, response = changelist_queries(editor_client, **params)
        assert "Wanted story" in response.text, params
        assert "Other story" not in response.text, params


def test_bulk_publish_and_return_to_draft(editor_client, editor):
    drafts = ArticleFactory.create_batch(2, draft=True, published_at=None)
    response = editor_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
        follow=True,
    )
    assert "2 stories published." in response.text
    for article in Article.objects.filter(pk__in=[a.pk for a in drafts]):
        assert article.is_public
        assert article.updated_by == editor
    response = editor_client.post(
        CHANGELIST,
        {"action": "return_to_draft", "_selected_action": [drafts[0].pk]},
        follow=True,
    )
    assert "1 story returned to draft." in response.text
    assert Article.objects.get(pk=drafts[0].pk).status == Article.Status.DRAFT


def article_form_data(article=None, **overrides):
    """The admin form's POST for a new story, or for changing ``article`` when given."""
    data = {
        "headline": "Written in admin",
        "slug": "written-in-admin",
        "dek": "",
        "body": "<p>Hello <script>alert(1)</script><b onclick='x()'>world</b></p>",
        "section": SectionFactory().pk,
        "tags": "Algeria, Energy",
        "dateline": "Oran",
        "language": "en",
        "status": "published",
        "published_at_0": "",
        "published_at_1": "",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": AuthorFactory(name="Leila M").pk,
        "bylines-0-position": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    if article is not None:
        data.update(
            headline=article.headline,
            slug=article.slug,
            section=article.section_id,
            status=article.status,
            base_version=article.version,
        )
        if article.published_at is not None:
            published = timezone.localtime(article.published_at)
            data.update(
                published_at_0=published.strftime("%Y-%m-%d"),
                published_at_1=published.strftime("%H:%M:%S"),
            )
    data.update(overrides)
    return data


def test_editor_writes_and_publishes_a_story_in_admin(editor_client, editor, client):
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data())
    assert response.status_code == 302, response.context["adminform"].errors
    article = Article.objects.get(slug="written-in-admin")
    assert article.body == "<p>Hello <strong>world</strong></p>"
    assert sorted(article.tags.names()) == ["Algeria", "Energy"]
    assert [a.name for a in article.authors.all()] == ["Leila M"]
    assert article.created_by == editor
    assert article.is_public
    assert "Written in admin" in client.get("/").text


def test_duplicate_slug_is_refused_with_a_clear_message(editor_client):
    ArticleFactory(slug="written-in-admin")
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data())
    assert response.status_code == 200
    assert "Article with this Slug already exists." in response.text
    assert Article.objects.filter(slug="written-in-admin").count() == 1


def test_imported_story_shows_its_source_file_read_only(editor_client):
    article = ArticleFactory(source_path="seeds/000_sample.txt")
    response = editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "seeds/000_sample.txt" in response.text
    assert 'name="source_path"' not in response.text
    assert "View on site" in response.text


def test_new_story_defaults_to_the_news_section(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    form = response.context["adminform"].form
    assert (
        form.initial["section"]
        == Article._meta.get_field("section").related_model.objects.get(slug="news").pk
    )


@pytest.mark.parametrize("model", ["section", "author", "tag"])
def test_section_author_and_tag_admin_lists(editor_client, model):
    ArticleFactory(authors=[AuthorFactory()], tags=["Gas"])
    response = editor_client.get(reverse(f"admin:articles_{model}_changelist"))
    assert response.status_code == 200


def test_author_autocomplete_for_bylines(editor_client):
    AuthorFactory(name="Amina Benali")
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "amina",
            "app_label": "articles",
            "model_name": "byline",
            "field_name": "author",
        },
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["text"] == "Amina Benali"


def test_byline_order_is_kept():
    first, second = AuthorFactory(name="Zed"), AuthorFactory(name="Abe")
    article = ArticleFactory(authors=[first, second])
    assert [a.name for a in Article.objects.with_related().get(pk=article.pk).byline_authors] == [
        "Zed",
        "Abe",
    ]
    assert Byline.objects.filter(article=article).count() == 2


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
