"""schema.org data for story pages, as plain dictionaries (rendered by ``json_ld``)."""

from django.conf import settings
from django.http import HttpRequest

from .models import Article


def news_article(article: Article, request: HttpRequest) -> dict:
    """A ``NewsArticle`` with authors, credit, section, keywords and corrections."""
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline,
        "url": absolute(article.get_absolute_url()),
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "inLanguage": article.language,
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "author": [
            {"@type": "Person", "name": author.name, "url": absolute(author.get_absolute_url())}
            for author in article.byline_authors
        ],
        "publisher": {"@type": "Organization", "name": settings.NEWSROOM_NAME},
    }
    if article.dek:
        data["description"] = article.dek
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
        data["dateModified"] = (article.revised_at or article.published_at).isoformat()
    if article.credit:
        data["creditText"] = article.credit
    if article.dateline:
        data["locationCreated"] = {"@type": "Place", "name": article.dateline}
    if article.lead_photo:
        data["image"] = absolute(article.lead_photo.file.url)
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": correction.text,
            "datePublished": correction.published_at.isoformat(),
        }
        for correction in article.corrections.all()
    ]
    if corrections:
        data["correction"] = corrections
    return data
