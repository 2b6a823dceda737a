"""The site in English (/), French (/fr/) and Arabic (/ar/), and stories in any language."""

import json
import re
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from articles import services, views
from articles.models import Article

from .factories import ArticleFactory, SectionFactory
from .queries import count_queries

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2024, 3, 5, 9, 30, tzinfo=UTC)


def html_element(html, tag):
    """The attributes of the first ``<tag ...>`` of a page."""
    match = re.search(rf"<{tag}\b([^>]*)>", html)
    return dict(re.findall(r'(\w[-\w]*)="([^"]*)"', match.group(1)))


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.fixture
def section():
    return SectionFactory(name="Maghreb", slug="maghreb")


@pytest.mark.parametrize(
    ("url", "lang", "direction", "words"),
    [
        ("/", "en", "ltr", ["Skip to content", "Search stories", "All the latest news"]),
        ("/fr/", "fr", "ltr", ["Aller au contenu", "Rechercher des articles", "Toute l’actualité"]),
        ("/ar/", "ar", "rtl", ["انتقل إلى المحتوى", "ابحث في المقالات", "كل آخر الأخبار"]),
    ],
)
def test_each_interface_language_has_its_own_address_and_words(client, url, lang, direction, words):
    ArticleFactory()
    response = client.get(url)
    assert response.status_code == 200
    assert html_element(response.text, "html") == {"lang": lang, "dir": direction}
    assert response["Content-Language"] == lang
    for text in words:
        assert text in response.text


def test_every_list_and_page_exists_in_each_language(client, section):
    story = ArticleFactory(section=section, tags=["Oil"])
    for path in ["/latest/", "/section/maghreb/", "/tag/oil/", story.get_absolute_url()]:
        for prefix, heading in [("/fr", "Rubriques"), ("/ar", "الأقسام")]:
            response = client.get(prefix + path)
            assert response.status_code == 200, prefix + path
            assert f'aria-label="{heading}"' in response.text


def test_a_browser_preference_never_changes_an_address_s_language(client):
    response = client.get("/", headers={"Accept-Language": "ar,fr;q=0.9"})
    assert html_element(response.text, "html") == {"lang": "en", "dir": "ltr"}
    response = client.get("/fr/", headers={"Accept-Language": "ar"})
    assert html_element(response.text, "html") == {"lang": "fr", "dir": "ltr"}


def test_the_site_s_own_language_has_no_prefix_and_others_none_of_their_own(client):
    assert reverse("articles:home") == "/"
    assert reverse("articles:section", kwargs={"slug": "maghreb"}) == "/section/maghreb/"
    with translation.override("ar"):
        assert reverse("articles:home") == "/ar/"
    assert client.get("/en/").status_code == 404
    assert client.get("/de/").status_code == 404


def test_language_switcher_links_to_this_page_in_every_language(client, section):
    ArticleFactory(section=section)
    html = client.get("/fr/section/maghreb/?page=1").text
    switcher = html[html.index('<nav class="language-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    links = re.findall(
        r'<a href="([^"]+)" hreflang="(\w+)" lang="(\w+)" dir="(\w+)"([^>]*)>([^<]+)', switcher
    )
    assert links == [
        ("/section/maghreb/?page=1", "en", "en", "ltr", "", "English"),
        ("/fr/section/maghreb/?page=1", "fr", "fr", "ltr", ' aria-current="page"', "français"),
        ("/ar/section/maghreb/?page=1", "ar", "ar", "rtl", "", "العربيّة"),
    ]


def test_switcher_on_a_missing_page_offers_each_language_s_home(client):
    html = client.get("/fr/no-such-page/").text
    assert '<a href="/" hreflang="en"' in html
    assert '<a href="/ar/" hreflang="ar"' in html


def test_switcher_on_a_story_keeps_its_address_in_every_language(client):
    story = ArticleFactory(slug="gas-talks", published_at=PUBLISHED)
    html = client.get(f"/fr{story.get_absolute_url()}").text
    assert '<a href="/2024/03/05/gas-talks/" hreflang="en"' in html
    assert '<a href="/ar/2024/03/05/gas-talks/" hreflang="ar"' in html


def test_switcher_on_a_missing_story_keeps_the_address_it_was_asked_for(client):
    response = client.get("/ar/2024/03/05/no-such-story/")
    assert response.status_code == 404
    assert '<a href="/2024/03/05/no-such-story/" hreflang="en"' in response.text
    assert '<a href="/fr/2024/03/05/no-such-story/" hreflang="fr"' in response.text


def test_lists_name_their_versions_in_every_language(client, section):
    ArticleFactory(section=section)
    html = client.get("/ar/section/maghreb/").text
    assert alternates(html) == {
        "en": "http://testserver/section/maghreb/",
        "fr": "http://testserver/fr/section/maghreb/",
        "ar": "http://testserver/ar/section/maghreb/",
        "x-default": "http://testserver/section/maghreb/",
    }
    assert '<link rel="canonical" href="http://testserver/ar/section/maghreb/">' in html


def test_story_keeps_its_language_and_direction_inside_another_interface(client):
    story = ArticleFactory(headline="Gas talks", dek="Ministers meet.", dateline="Algiers")
    html = client.get(f"/ar{story.get_absolute_url()}").text
    assert html_element(html, "html") == {"lang": "ar", "dir": "rtl"}
    assert '<h1 class="story-headline" lang="en" dir="ltr">Gas talks</h1>' in html
    assert '<p class="story-dek" lang="en" dir="ltr">Ministers meet.</p>' in html
    assert '<span class="dateline" lang="en" dir="ltr">Algiers</span>' in html
    assert '<div class="story-body" lang="en" dir="ltr">' in html
    # The site's words around it stay Arabic.
    assert '<nav class="site-nav" aria-label="الأقسام">' in html


def test_arabic_story_reads_right_to_left_in_the_english_interface(client):
    story = ArticleFactory(headline="لقاء في الجزائر", language="ar", slug="liqa")
    html = client.get(story.get_absolute_url()).text
    assert html_element(html, "html") == {"lang": "en", "dir": "ltr"}
    assert '<h1 class="story-headline" lang="ar" dir="rtl">لقاء في الجزائر</h1>' in html
    assert '<div class="story-body" lang="ar" dir="rtl">' in html
    assert "Skip to content" in html


def test_cards_mark_headlines_in_another_language_than_the_page(client):
    ArticleFactory(headline="Gas talks", dek="In English.")
    ArticleFactory(headline="لقاء في الجزائر", dek="بالعربية.", language="ar", slug="liqa")
    english = client.get("/latest/").text
    assert '<h2 class="card-headline" lang="ar" dir="rtl"><a href="' in english
    assert '<p class="card-dek" lang="ar" dir="rtl">بالعربية.</p>' in english
    assert re.search(r'<h2 class="card-headline"><a href="[^"]+">Gas talks</a>', english)
    arabic = client.get("/ar/latest/").text
    assert re.search(
        r'<h2 class="card-headline" lang="en" dir="ltr"><a href="/ar/[^"]+">Gas', arabic
    )
    assert re.search(r'<h2 class="card-headline"><a href="/ar/[^"]+">لقاء في الجزائر</a>', arabic)


@pytest.fixture
def translated(section):
    """An English story, its published French translation and an Arabic draft of it."""
    original = ArticleFactory(
        headline="Gas talks", slug="gas-talks", section=section, published_at=PUBLISHED
    )
    french = ArticleFactory(
        headline="Pourparlers sur le gaz",
        slug="pourparlers-gaz",
        language="fr",
        section=section,
        translation_of=original,
        published_at=PUBLISHED,
    )
    arabic = ArticleFactory(
        headline="محادثات الغاز",
        slug="muhadathat",
        language="ar",
        section=section,
        translation_of=original,
        published_at=PUBLISHED,
        draft=True,
    )
    return original, french, arabic


def test_story_links_its_published_translations_in_their_own_names(client, translated):
    original, _french, _arabic = translated
    html = client.get(original.get_absolute_url()).text
    nav = html[html.index('<nav class="story-translations"') :]
    nav = nav[: nav.index("</nav>")]
    assert "Read this story in" in nav
    assert re.findall(
        r'<a href="([^"]+)" hreflang="(\w+)" lang="(\w+)" dir="(\w+)">([^<]+)</a>', nav
    ) == [("/fr/2024/03/05/pourparlers-gaz/", "fr", "fr", "ltr", "français")]
    assert "محادثات" not in html and "/ar/2024/03/05/muhadathat/" not in html


def test_story_names_itself_and_its_translations_for_search_engines(client, translated):
    original, french, _arabic = translated
    expected = {
        "en": "http://testserver/2024/03/05/gas-talks/",
        "fr": "http://testserver/fr/2024/03/05/pourparlers-gaz/",
        "x-default": "http://testserver/2024/03/05/gas-talks/",
    }
    assert alternates(client.get(original.get_absolute_url()).text) == expected
    french_page = client.get(f"/fr{french.get_absolute_url()}").text
    assert alternates(french_page) == expected
    assert '<link rel="canonical" href="http://testserver/fr/2024/03/05/pourparlers-gaz/">' in (
        french_page
    )
    news_article = json.loads(
        re.search(
            r'<script type="application/ld\+json">(\{"@context[^<]*NewsArticle[^<]*)</script>',
            french_page,
        ).group(1)
    )
    assert news_article["mainEntityOfPage"] == expected["fr"]
    assert news_article["inLanguage"] == "fr"
    assert "Lire cet article en" in french_page
    assert '<a href="/2024/03/05/gas-talks/" hreflang="en" lang="en" dir="ltr">English</a>' in (
        french_page
    )


def test_a_story_without_translations_links_none(client, section):
    story = ArticleFactory(section=section)
    html = client.get(story.get_absolute_url()).text
    assert "story-translations" not in html


def test_translation_links_cost_the_same_queries_however_many(client, section):
    alone = ArticleFactory(section=section)
    original = ArticleFactory(section=section)
    french = ArticleFactory(section=section, language="fr", translation_of=original)
    one = count_queries(client, original.get_absolute_url())
    for code in ["ar", "es", "de"]:
        ArticleFactory(section=section, language=code, translation_of=original)
    assert count_queries(client, original.get_absolute_url()) == one
    assert count_queries(client, french.get_absolute_url()) == one
    # A story no other translates, and which translates none, does not ask.
    assert count_queries(client, alone.get_absolute_url()) == one - 1


def test_a_story_cannot_translate_itself_or_a_translation(translated):
    original, french, arabic = translated
    original.translation_of = original
    with pytest.raises(ValidationError, match="translation of itself"):
        original.full_clean()
    arabic.translation_of = french
    with pytest.raises(ValidationError, match="itself a translation"):
        arabic.full_clean()
    original.translation_of = ArticleFactory()
    with pytest.raises(ValidationError, match="it is the original"):
        original.full_clean()


def test_admin_picks_the_original_with_an_autocomplete(editor_client, translated):
    _original, french, _arabic = translated
    html = editor_client.get(reverse("admin:articles_article_change", args=[french.pk])).text
    field = re.search(r'<select name="translation_of"[^>]*>', html).group(0)
    assert "admin-autocomplete" in field
    assert "Gas talks" in html


@pytest.mark.parametrize("path", ["/section/maghreb/", "/tag/oil/"])
def test_lists_filter_by_story_language(client, section, path):
    ArticleFactory(headline="Gas talks", section=section, tags=["Oil"])
    ArticleFactory(headline="Pourparlers", language="fr", section=section, tags=["Oil"])
    html = client.get(path, {"language": "fr"}).text
    assert "Pourparlers" in html and "Gas talks" not in html
    assert f'<link rel="canonical" href="http://testserver{path}?language=fr">' in html
    filters = html[html.index('<nav class="language-filter"') :]
    filters = filters[: filters.index("</nav>")]
    assert f'<a href="{path}">All languages</a>' in filters
    assert (
        f'<a href="{path}?language=fr" hreflang="fr" lang="fr" dir="ltr" aria-current="page">'
        in filters
    )
    everything = client.get(path).text
    assert "Pourparlers" in everything and "Gas talks" in everything


@pytest.mark.parametrize("value", ["xx", "<script>", "fr" * 40, "FR"])
def test_unknown_story_language_is_not_found_never_an_error(client, section, value):
    ArticleFactory(section=section)
    assert client.get("/section/maghreb/", {"language": value}).status_code == 404


def test_filtered_pages_keep_their_filter_and_cost_the_same_queries(client, section, monkeypatch):
    monkeypatch.setattr(views.StoryListView, "paginate_by", 2)
    for n in range(5):
        ArticleFactory(section=section, language="fr", slug=f"fr-{n}")
    ArticleFactory(section=section)
    html = client.get("/section/maghreb/", {"language": "fr"}).text
    assert 'href="?language=fr&amp;page=2" rel="next"' in html
    page_two = client.get("/section/maghreb/", {"language": "fr", "page": 2}).text
    assert "?language=fr&amp;page=3" in page_two
    assert count_queries(client, "/section/maghreb/", language="fr") == count_queries(
        client, "/section/maghreb/"
    )


@pytest.mark.parametrize(
    ("prefix", "date"),
    [("", "5 March 2024"), ("/fr", "5 mars 2024"), ("/ar", "5 مارس 2024")],
)
def test_dates_are_written_in_the_page_s_language(client, section, prefix, date):
    story_path = ArticleFactory(section=section, published_at=PUBLISHED).get_absolute_url()
    card = client.get(f"{prefix}/section/maghreb/").text
    assert f'<time datetime="2024-03-05T10:30:00+0100">{date}</time>' in card
    page = client.get(prefix + story_path).text
    assert f'<time datetime="2024-03-05T10:30:00+0100">{date}' in page


def test_an_old_address_redirects_within_the_reader_s_language(client, section, editor):
    story = ArticleFactory(section=section, slug="old-slug", published_at=PUBLISHED)
    story.slug = "new-slug"
    services.article_save(article=story, user=editor)
    response = client.get("/fr/2024/03/05/old-slug/")
    assert response.status_code == 301
    assert response["Location"] == "/fr/2024/03/05/new-slug/"


def test_robots_txt_keeps_crawlers_out_of_search_and_previews_in_every_language(client):
    text = client.get("/robots.txt").text
    for path in ["/search/", "/preview/", "/fr/search/", "/ar/preview/"]:
        assert f"Disallow: {path}\n" in text


def test_story_pages_published_filter_is_the_one_definition(translated):
    original, french, _arabic = translated
    assert list(Article.objects.published().translations_of(original)) == [french]
    assert list(Article.objects.published().translations_of(french)) == [original]


def test_admin_speaks_the_editor_s_language(editor_client):
    url = reverse("admin:articles_article_add")
    french = editor_client.get(url, headers={"Accept-Language": "fr"}).text
    assert '<html lang="fr" dir="ltr">' in french
    assert "Classement" in french and "traduction de" in french.lower()
    arabic = editor_client.get(url, headers={"Accept-Language": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "ترجمة لـ" in arabic
    english = editor_client.get(url).text
    assert "Placement" in english and "Translation of" in english


def test_admin_actions_and_messages_are_translated(editor_client):
    draft = ArticleFactory(draft=True)
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        headers={"Accept-Language": "fr"},
        follow=True,
    )
    assert "Publier les articles sélectionnés" in response.text
    assert "1 article publié." in response.text


def test_story_history_names_each_save_in_the_editor_s_language(editor_client, editor):
    story = ArticleFactory(draft=True)
    services.article_publish(article=story, user=editor)
    url = reverse("admin:articles_article_history", args=[story.pk])
    assert "<td>Published</td>" in editor_client.get(url).text
    french = editor_client.get(url, headers={"Accept-Language": "fr"}).text
    assert "<td>Publié</td>" in french
    arabic = editor_client.get(url, headers={"Accept-Language": "ar"}).text
    assert "<td>منشور</td>" in arabic


def test_the_pager_speaks_the_reader_s_language(client, settings):
    ArticleFactory.create_batch(settings.NEWSROOM_PAGE_SIZE + 1)
    french = client.get("/fr/latest/", {"page": 2}).text
    assert "<span>Page 2</span>" in french and "Articles plus récents" in french
    arabic = client.get("/ar/latest/", {"page": 2}).text
    assert "<span>الصفحة 2</span>" in arabic
