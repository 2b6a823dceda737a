"""Search at /search/: what readers find, what they never find, and queries that cannot break it."""

import html
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import services, staging
from articles.models import Article
from articles.search import backend_for, search
from articles.search.text import highlight

from .factories import SectionFactory, admin_form_data, saved_story
from .queries import count_queries

pytestmark = pytest.mark.django_db

URL = reverse("articles:search")


def found(query, **filters):
    """Headlines of the published stories the search page lists for ``query``."""
    response = search_page(q=query, **filters)
    headlines = re.findall(
        r'<h2 class="card-headline"[^>]*><a href="[^"]*">([^<]*)</a>', response.text
    )
    return [html.unescape(headline) for headline in headlines]


def search_page(**params):
    from django.test import Client

    response = Client().get(URL, params)
    assert response.status_code == 200
    return response


def story(headline, body="", **fields):
    """A published story written through the services, so the search index has it."""
    fields.setdefault("dek", "")
    return saved_story(headline=headline, body=f"<p>{body}</p>" if body else "", **fields)


def test_page_has_a_labelled_search_form_and_stays_out_of_search_engines(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.text
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta name="description" content="News from Algeria' in page
    assert '<form class="search-form" role="search"' in page
    assert '<label for="id_q">Search for</label>' in page
    assert '<input type="search" name="q" id="id_q"' in page
    assert '<select name="section" id="id_section">' in page
    assert 'type="date" name="date_from"' in page and 'type="date" name="date_to"' in page
    assert "Type one or more words to search for." in page


def test_every_page_links_to_search_from_the_header(client):
    page = client.get(reverse("articles:home")).text
    assert f'<a class="site-search-link" href="{URL}">Search stories</a>' in page


def test_headline_match_outranks_body_match():
    story("Rainfall records in the south", body="The pipeline was mentioned once.")
    story("Pipeline reaches the coast", body="Work finished this week.")
    story("Standfirst match", dek="The pipeline question again.")
    assert found("pipeline") == [
        "Pipeline reaches the coast",
        "Standfirst match",
        "Rainfall records in the south",
    ]


def test_results_show_count_section_date_and_a_highlighted_snippet():
    section = SectionFactory(name="Energy desk", slug="energy-desk")
    published = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    article = story(
        "Gas deal signed",
        body="Ministers signed a pipeline agreement in Algiers on Monday.",
        section=section,
        published_at=published,
    )
    page = search_page(q="pipeline").text
    assert "1 story found for “pipeline”." in page
    assert f'<a href="{article.get_absolute_url()}">Gas deal signed</a>' in page
    assert '<a href="/section/energy-desk/">Energy desk</a>' in page
    assert '<time datetime="2024-03-05T10:00:00+0100">5 March 2024</time>' in page
    assert "Ministers signed a <mark>pipeline</mark> agreement in Algiers on Monday." in page


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("L'École nationale", "ecole"), ("ecole nationale", "ÉCOLE"), ("NAÏVE plans", "naive")],
)
def test_accents_and_case_do_not_matter_either_way(stored, typed):
    story(f"{stored} reopens")
    assert found(typed) == [f"{stored} reopens"]


def test_accented_match_is_highlighted_as_written():
    story("Schools", body="Une École à Paris.", language="fr")
    assert "Une <mark>École</mark> à Paris." in search_page(q="ecole").text


def test_quoted_phrase_matches_only_those_words_together():
    story("Green energy plan", body="A plan for green energy.")
    story("Energy goes green", body="Energy policy turned green.")
    assert found('"green energy"') == ["Green energy plan"]
    assert sorted(found("green energy")) == ["Energy goes green", "Green energy plan"]


def test_minus_leaves_words_and_phrases_out():
    story("Pipeline and gas", body="Gas flows.")
    story("Pipeline and oil", body="Oil flows.")
    story("Pipeline of natural gas", body="Natural gas.")
    assert found("pipeline -gas") == ["Pipeline and oil"]
    assert sorted(found('pipeline -"natural gas"')) == ["Pipeline and gas", "Pipeline and oil"]


def test_section_filter_includes_subsections():
    sport = SectionFactory(name="Sport", slug="sport")
    football = SectionFactory(name="Football", slug="football", parent=sport)
    story("Stadium opens in Oran", section=football)
    story("Stadium plans in Algiers", section=SectionFactory(name="Cities", slug="cities"))
    assert found("stadium", section="sport") == ["Stadium opens in Oran"]
    assert found("stadium", section="football") == ["Stadium opens in Oran"]
    assert len(found("stadium")) == 2


def test_unknown_section_is_a_form_error_not_a_crash():
    story("Stadium opens")
    page = search_page(q="stadium", section="nowhere").text
    assert "Select a valid choice." in page
    assert "stories found" not in page


def test_date_range_uses_whole_days_in_the_newsrooms_time_zone():
    # 23:30 in Algiers on 1 March is 22:30 UTC: it belongs to 1 March.
    story("Late night vote", published_at=datetime(2024, 3, 1, 22, 30, tzinfo=UTC))
    story("Morning vote", published_at=datetime(2024, 3, 10, 8, 0, tzinfo=UTC))
    assert found("vote", date_to="2024-03-01") == ["Late night vote"]
    assert found("vote", date_from="2024-03-02") == ["Morning vote"]
    assert found("vote", date_from="2024-03-01", date_to="2024-03-10") == [
        "Morning vote",
        "Late night vote",
    ]
    assert found("vote", date_from="2024-03-02", date_to="2024-03-09") == []


def test_backwards_or_malformed_dates_are_explained():
    story("Vote counted")
    assert (
        "The end date is before the start date."
        in search_page(q="vote", date_from="2024-03-10", date_to="2024-03-01").text
    )
    assert "Enter a valid date." in search_page(q="vote", date_from="2024-02-31").text


def test_results_are_paginated_keeping_the_query(client):
    section = SectionFactory(slug="news")
    start = timezone.now() - timedelta(days=30)
    for n in range(25):
        story(f"Budget story {n}", section=section, published_at=start + timedelta(hours=n))
    first = client.get(URL, {"q": "budget", "section": "news"})
    assert "25 stories found for “budget”." in first.text
    assert first.text.count('class="card search-result"') == 20
    assert 'href="?q=budget&amp;section=news&amp;page=2" rel="next"' in first.text
    second = client.get(URL, {"q": "budget", "section": "news", "page": 2})
    assert second.text.count('class="card search-result"') == 5
    assert "Budget story 0<" in second.text
    assert 'href="?q=budget&amp;section=news&amp;page=1" rel="prev"' in second.text
    for page in ["3", "0", "abc"]:
        assert client.get(URL, {"q": "budget", "page": page}).status_code == 404


def test_snippet_finds_a_word_far_into_a_long_story(client):
    opening = " ".join(f"Paragraph {n} says nothing new." for n in range(200))
    story("Long read", body=f"{opening} At last the lighthouse keeper spoke.")
    story("Short read", body="The lighthouse stands. " + "Waves break. " * 300)
    page = client.get(URL, {"q": "lighthouse keeper"}).text
    assert re.search(r"the <mark>lighthouse</mark> <mark>keeper</mark> spoke", page)
    assert "Short read" not in page
    page = client.get(URL, {"q": "lighthouse"}).text
    assert "<mark>lighthouse</mark> stands. Waves break." in page


def test_snippets_and_headlines_cannot_inject_markup(client):
    story(
        "<b>Bold</b> pipeline claims",
        body="Reader wrote &lt;script&gt;alert(1)&lt;/script&gt; near the pipeline.",
        dek='"><img src=x onerror=alert(2)>',
    )
    story("Pipeline script", body="<script>alert(3)</script>Real text about the pipeline.")
    page = client.get(URL, {"q": "pipeline"}).text
    assert "&lt;b&gt;Bold&lt;/b&gt; pipeline claims" in page
    # SQLite shows the tag-like text escaped; PostgreSQL's snippets leave it out.
    assert re.search(
        r"Reader wrote +(&lt;script&gt;)?alert\(1\)(&lt;/script&gt;)? +"
        r"near the <mark>pipeline</mark>\.",
        page,
    )
    assert "Real text about the <mark>pipeline</mark>." in page
    assert "<script" not in page
    assert "<b>" not in page
    assert "<img" not in page
    assert "alert(3)" not in page


def test_highlight_escapes_everything_but_its_own_marks():
    assert highlight("a <i>\x02b&c\x03 \x03d \x02e") == (
        "a &lt;i&gt;<mark>b&amp;c</mark> d <mark>e</mark>"
    )


HIDDEN = {
    "draft": {"status": Article.Status.DRAFT},
    "in review": {"status": Article.Status.REVIEW},
    "scheduled": {"published_at": timezone.now() + timedelta(days=1)},
    "embargoed": {"embargo_until": timezone.now() + timedelta(days=1)},
}


@pytest.mark.parametrize("kind", HIDDEN)
def test_unpublished_stories_are_never_found_or_counted(kind):
    story("Pipeline public", body="Open pipeline news.")
    story("Pipeline secret", body="Secret pipeline plans.", **HIDDEN[kind])
    page = search_page(q="pipeline").text
    assert "1 story found for “pipeline”." in page
    assert "secret" not in page.lower()
    assert found("secret") == []
    assert search("pipeline").count() == 1


def test_new_edited_unpublished_republished_and_deleted_stories(editor):
    article = story("Harbour expansion approved", body="Cranes arrive in spring.")
    assert found("cranes") == ["Harbour expansion approved"]

    article.headline = "Harbour expansion delayed"
    article.body = "<p>Tugboats wait outside.</p>"
    services.article_save(article=article, user=editor)
    assert found("cranes") == []
    assert found("approved") == []
    assert found("tugboats") == ["Harbour expansion delayed"]

    services.article_unpublish(article=article, user=editor)
    assert found("tugboats") == []

    later = timezone.now() + timedelta(hours=2)
    services.article_publish(article=article, user=editor, at=later)
    assert found("tugboats") == []
    article.published_at = timezone.now() - timedelta(minutes=1)
    services.article_publish(article=article, user=editor, at=article.published_at)
    assert found("tugboats") == ["Harbour expansion delayed"]

    services.article_delete(article=Article.objects.get(pk=article.pk), user=editor)
    assert found("tugboats") == []


def test_restored_revision_is_searchable_again(editor):
    article = story("Bridge opens", body="Lanterns line the bridge.")
    first = Version.objects.get_for_object(article).get()
    article.body = "<p>Traffic flows.</p>"
    services.article_save(article=article, user=editor)
    assert found("lanterns") == []
    services.article_restore(article=article, version=first, user=editor)
    assert found("lanterns") == ["Bridge opens"]


def test_admin_edit_delete_and_recover_keep_search_in_step(editor_client):
    article = story("Dam project", body="Turbines ordered.")
    change_url = reverse("admin:articles_article_change", args=[article.pk])
    form = editor_client.get(change_url)
    data = admin_form_data(form, body="<p>Generators ordered.</p>")
    assert editor_client.post(change_url, data).status_code == 302
    assert found("turbines") == []
    assert found("generators") == ["Dam project"]

    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert found("generators") == []

    deleted = Version.objects.get_deleted(Article).get()
    recover_url = reverse("admin:articles_article_recover", args=[deleted.pk])
    form = editor_client.get(recover_url)
    assert found("generators") == []  # showing the recovery form changes nothing
    assert editor_client.post(recover_url, admin_form_data(form)).status_code == 302
    assert found("generators") == ["Dam project"]


def test_published_pending_change_is_found_by_its_new_words(editor):
    article = story("Port reopens", body="Ships return.")
    staged = staging.staged_edit_save(
        article=article,
        user=editor,
        values={
            "headline": "Port reopens after storm",
            "dek": "",
            "body": "<p>Ferries return.</p>",
            "dateline": "",
            "credit": "",
        },
    )
    assert found("ferries") == []
    staging.staged_edit_publish(staged=staged, user=editor)
    assert found("ferries") == ["Port reopens after storm"]
    assert found("ships") == []


def test_imported_stories_are_found(tmp_path):
    seed = tmp_path / "oran.txt"
    seed.write_text(
        "Title: Oran hosts the Mediterranean Games\nLanguage: en\n\n"
        "Oran – The city opened its new stadium on Saturday.\n"
    )
    call_command("import_seeds", str(seed), stdout=StringIO(), stderr=StringIO())
    assert found("mediterranean stadium") == ["Oran hosts the Mediterranean Games"]


def test_rebuild_command_indexes_every_story_afresh():
    story("Lighthouse restored", body="The lamp shines again.")
    story("Draft lighthouse", status=Article.Status.DRAFT)
    backend_for(connection).clear()
    assert found("lighthouse") == []
    out = StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 2 stories." in out.getvalue()
    assert found("lighthouse") == ["Lighthouse restored"]
    quiet = StringIO()
    call_command("rebuild_search_index", verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""
    dry = StringIO()
    call_command("rebuild_search_index", "--dry-run", stdout=dry)
    assert "Would index 2 stories; nothing written." in dry.getvalue()


HOSTILE = [
    '"',
    '"unclosed',
    "NEAR(",
    "NEAR(a b)",
    "*",
    "-",
    "- -",
    "AND OR NOT",
    "a:b",
    "headline:pipeline",
    "^pipeline",
    "pipe*",
    "(pipeline",
    "pipeline)",
    "'; DROP TABLE articles_article; --",
    "\\",
    "x" * 10_000,
    "pipeline\x00",
    "\x00",
    "\ufffd\ufffd",
    "🛢️ pipeline",
    "🛢️",
    "خط أنابيب",
    "!!!???",
    "   ",
    "&lt;mark&gt;",
    "\x02pipeline\x03",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_get_a_page_not_an_error(client, query):
    story("Pipeline news", body="Pipeline text.")
    response = client.get(URL, {"q": query, "page": "1"})
    assert response.status_code == 200
    assert '<form class="search-form" role="search"' in response.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type one or more words to search for."),
        ("   ", "Type one or more words to search for."),
        ("x" * 201, "Your search is 201 characters long; searches can be at most 200."),
        ("?!* …", "Your search has no words to look for."),
        ("-pipeline", "Your search has no words to look for."),
        ("pipe\x00line", "Null characters are not allowed."),
    ],
)
def test_unsearchable_queries_are_explained(client, query, message):
    page = client.get(URL, {"q": query}).text
    assert message in page
    assert "found for" not in page


def test_operators_are_searched_as_plain_words():
    story("Near and far", body="Stories from near and far away.")
    assert found("NEAR( far*") == ["Near and far"]


def test_arabic_query_finds_arabic_story():
    story("مشروع خط الأنابيب", body="وقعت الحكومة اتفاق خط الأنابيب.", language="ar")
    assert found("الأنابيب") == ["مشروع خط الأنابيب"]


def test_results_page_runs_a_fixed_number_of_queries(client):
    section = SectionFactory(slug="news")
    for n in range(3):
        story(f"Budget story {n}", section=section)
    few = count_queries(client, URL, q="budget")
    for n in range(3, 30):
        story(f"Budget story {n}", section=section)
    many = count_queries(client, URL, q="budget")
    assert few == many
    assert many <= 6


def test_a_very_common_word_ranks_only_the_latest_matches(client, monkeypatch):
    monkeypatch.setattr("articles.search.MATCH_LIMIT", 3)
    start = timezone.now() - timedelta(days=30)
    story("Harbour news", body="The harbour reopened.", published_at=start)
    for n in range(1, 5):
        story(
            f"Story {n}",
            body=f"Ships left the harbour, report {n}.",
            published_at=start + timedelta(days=n),
        )
    story("Harbour, again", body="Harbour works.", published_at=start + timedelta(days=5))
    response = client.get(URL, {"q": "harbour"})
    assert (
        "More than 3 stories found for “harbour”: the latest 3 are shown, best match first."
        in response.text
    )
    # The headline match among the newest comes first; older stories are not listed.
    assert found("harbour") == ["Harbour, again", "Story 4", "Story 3"]
    assert "Page 1 of" not in response.text
    assert client.get(URL, {"q": "harbour", "page": 2}).status_code == 404


def test_a_word_found_in_fewer_stories_than_the_limit_is_counted_exactly(client, monkeypatch):
    monkeypatch.setattr("articles.search.MATCH_LIMIT", 3)
    story("Dam opens", body="The dam holds water.")
    story("Dam closes", body="The dam is shut.")
    response = client.get(URL, {"q": "dam"})
    assert "2 stories found for “dam”." in response.text
    assert "More than" not in response.text
