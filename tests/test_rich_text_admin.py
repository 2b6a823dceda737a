"""The story body in admin: the prose editor, served from our own static files."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse

from articles.models import Article
from articles.sanitize import EDITOR_EXTENSIONS

from .factories import ArticleFactory, AuthorFactory
from .test_admin import article_form_data
from .test_sanitize import assert_clean_body, assert_clean_page
from .xss_corpus import PageAudit, corpus_cases

pytestmark = pytest.mark.django_db

EDITOR_FILES = [
    "django_prose_editor/editor.js",
    "django_prose_editor/configurable.js",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "django_prose_editor/material-icons.css",
]


def admin_pages(article):
    return {
        "add": reverse("admin:articles_article_add"),
        "change": reverse("admin:articles_article_change", args=[article.pk]),
    }


def is_same_origin(url: str) -> bool:
    return (url.startswith("/") and not url.startswith("//")) or url.startswith(
        "http://testserver/"
    )


@pytest.mark.parametrize("page", ["add", "change"])
def test_body_is_edited_with_the_prose_editor(editor_client, page):
    article = ArticleFactory(body="<p>Already <strong>written</strong>.</p>")
    response = editor_client.get(admin_pages(article)[page])
    assert response.status_code == 200
    textareas = [
        attrs for tag, attrs in PageAudit(response.text).elements if attrs.get("name") == "body"
    ]
    assert len(textareas) == 1
    config = json.loads(textareas[0]["data-django-prose-editor-configurable"])
    assert EDITOR_EXTENSIONS.items() <= config["extensions"].items()
    assert config["js_modules"] == []
    if page == "change":
        assert "&lt;p&gt;Already &lt;strong&gt;written&lt;/strong&gt;.&lt;/p&gt;" in response.text


def test_editor_assets_come_from_our_static_files(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    audit = PageAudit(response.text)
    scripts = [attrs["src"] for tag, attrs in audit.elements if tag == "script" and "src" in attrs]
    styles = [attrs["href"] for tag, attrs in audit.elements if tag == "link"]
    for path in EDITOR_FILES:
        assert static(path) in scripts + styles, path
        assert finders.find(path), path
    assert finders.find("django_prose_editor/material-icons.woff2")


@pytest.mark.parametrize("page", ["add", "change"])
def test_admin_story_pages_load_nothing_from_other_sites(editor_client, page):
    response = editor_client.get(admin_pages(ArticleFactory())[page])
    audit = PageAudit(response.text)
    urls = [attrs["src"] for tag, attrs in audit.elements if tag == "script" and "src" in attrs]
    urls += [attrs["href"] for tag, attrs in audit.elements if tag == "link"]
    assert urls
    assert [url for url in urls if not is_same_origin(url)] == []
    import_map = re.search(r'<script type="importmap"[^>]*>(.*?)</script>', response.text, re.S)
    mapped = json.loads(import_map[1])["imports"].values()
    assert mapped
    assert [url for url in mapped if not is_same_origin(url)] == []


def test_editor_html_is_stored_as_written(editor_client):
    body = (
        "<h2>What happened</h2><p><strong>Oran</strong> – the <em>port</em> "
        '<a href="/section/algeria/" rel="noopener noreferrer">reopened</a>.</p>'
        '<figure><img src="/media/photos/port.jpg" alt="The port" width="800" height="600">'
        "<figcaption>The port on Monday</figcaption></figure>"
    )
    response = editor_client.post(
        reverse("admin:articles_article_add"), article_form_data(body=body)
    )
    assert response.status_code == 302
    assert Article.objects.get(slug="written-in-admin").body == body


@corpus_cases(nul=False)
def test_hostile_body_posted_to_the_add_form_never_reaches_readers(editor_client, payload):
    response = editor_client.post(
        reverse("admin:articles_article_add"),
        article_form_data(body=f"<p>Before</p>{payload}"),
    )
    assert response.status_code == 302
    article = Article.objects.get(slug="written-in-admin")
    assert_clean_body(article.body)
    assert_clean_page(Client(), article)


@corpus_cases(nul=False)
def test_hostile_body_posted_to_the_change_form_never_reaches_readers(editor_client, payload):
    article = ArticleFactory(slug="written-in-admin")
    data = article_form_data(article, body=f"<p>Before</p>{payload}")
    data["bylines-0-author"] = AuthorFactory().pk
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body.startswith("<p>Before</p>")
    assert_clean_body(article.body)
    assert_clean_page(Client(), article)


@corpus_cases(nul=True)
def test_a_body_with_a_nul_byte_is_refused_by_the_admin_form(editor_client, payload):
    article = ArticleFactory(slug="written-in-admin", body="<p>Unchanged</p>")
    data = article_form_data(article, body=f"<p>Before</p>{payload}")
    for url in admin_pages(article).values():
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert "Null characters are not allowed." in response.text
    article.refresh_from_db()
    assert article.body == "<p>Unchanged</p>"
    assert Article.objects.count() == 1
