"""JSON-LD on story pages: parseable, complete, and never able to close its script element."""

import json
import re

import pytest

from .factories import ArticleFactory, AuthorFactory, CorrectionFactory

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(client, article):
    html = client.get(article.get_absolute_url()).text
    blocks = [json.loads(block) for block in JSON_LD.findall(html)]
    assert [block["@type"] for block in blocks] == ["NewsArticle", "BreadcrumbList"]
    return blocks[0]


def test_story_page_carries_a_news_article(client):
    article = ArticleFactory(
        headline="Gas talks",
        dek="Two ministers meet.",
        dateline="Algiers",
        credit="Staff and agencies",
        authors=[AuthorFactory(name="Amina Benali", slug="amina-benali")],
        tags=["Algeria", "Energy"],
    )
    CorrectionFactory(article=article, text="The minister's name was misspelt.")
    data = json_ld(client, article)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Gas talks"
    assert data["description"] == "Two ministers meet."
    assert data["author"] == [
        {"@type": "Person", "name": "Amina Benali", "url": "http://testserver/author/amina-benali/"}
    ]
    assert data["creditText"] == "Staff and agencies"
    assert data["locationCreated"]["name"] == "Algiers"
    assert data["keywords"] == ["Algeria", "Energy"]
    assert data["articleSection"] == article.section.name
    assert data["correction"][0]["text"] == "The minister's name was misspelt."
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["url"] == "http://testserver" + article.get_absolute_url()


def test_text_cannot_close_the_script_element(client):
    hostile = "</script><script>alert(1)</script><!--"
    article = ArticleFactory(headline=hostile, dek=hostile, credit=hostile, tags=[hostile])
    html = client.get(article.get_absolute_url()).text
    blocks = JSON_LD.findall(html)
    assert len(blocks) == 2
    for block in blocks:
        assert "</script" not in block and "<" not in block
    assert json.loads(blocks[0])["headline"] == hostile
