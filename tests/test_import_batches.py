"""Writing imported stories in batches: the same rows, revisions and text as one by one."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import reversion
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_init
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.signals import post_revision_commit, pre_revision_commit

from articles.bulk_rows import insert_rows
from articles.importer import MentionFinder, find_mentions
from articles.models import (
    Article,
    ArticleRedirect,
    AuditEvent,
    Author,
    Byline,
    Section,
    Tag,
    TaggedArticle,
)
from articles.revision_batches import revisions_create
from articles.search.text import plain_text
from articles.seed_text import search_body

from .factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def story_rows() -> list:
    """A story with text that JSON must escape, a time with microseconds, bylines, tags."""
    article = ArticleFactory(
        headline='Café « Oran » — "quotes" \\ and ünïcode العربية',
        body="<p>Line\u2028one &amp; <strong>two</strong></p>",
        published_at=datetime(2024, 3, 4, 9, 30, 15, 123456, tzinfo=UTC),
        tags=["Gas", "Énergie"],
    )
    for position, name in enumerate(["Amina Benali", "Karim Ziani"]):
        Byline.objects.create(article=article, author=AuthorFactory(name=name), position=position)
    return [
        article,
        *Byline.objects.filter(article=article),
        *TaggedArticle.objects.filter(content_object=article),
    ]


def recorded(revision: Revision) -> set[tuple]:
    return {
        (
            version.content_type_id,
            version.object_id,
            version.db,
            version.format,
            version.serialized_data,
            version.object_repr,
        )
        for version in revision.version_set.all()
    }


def test_a_batch_revision_holds_byte_for_byte_what_reversion_records():
    rows = story_rows()
    with reversion.create_revision():
        reversion.set_comment("By reversion")
        for row in rows:
            reversion.add_to_revision(row)
    by_reversion = Revision.objects.get(comment="By reversion")

    revisions_create([("In a batch", rows)])

    in_a_batch = Revision.objects.get(comment="In a batch")
    assert in_a_batch.user is None
    assert len(recorded(in_a_batch)) == len(rows) == 5
    assert recorded(in_a_batch) == recorded(by_reversion)


def test_revision_signal_receivers_get_each_revision_with_its_versions():
    rows = story_rows()
    received = []

    def receiver(sender, revision, versions, **kwargs):
        received.append((revision.comment, sorted(version.object_repr for version in versions)))

    pre_revision_commit.connect(receiver)
    post_revision_commit.connect(receiver)
    try:
        revisions_create([("First", rows[:1]), ("Second", rows[1:3])])
    finally:
        pre_revision_commit.disconnect(receiver)
        post_revision_commit.disconnect(receiver)

    headline = rows[0].headline
    assert received == [
        ("First", [headline]),
        ("Second", ["Amina Benali", "Karim Ziani"]),
        ("First", [headline]),
        ("Second", ["Amina Benali", "Karim Ziani"]),
    ]
    assert Version.objects.count() == 3


def test_receivers_of_a_new_bylines_or_tag_links_init_signal_still_get_each(tmp_path):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(sender.__name__)

    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(
            f"Title: Story {n}\nTags: Gas, Oil\nByline: Amina Benali\n\nOran – Report {n}.\n"
        )
    post_init.connect(receiver, sender=TaggedArticle)
    post_init.connect(receiver, sender=Byline)
    try:
        out, _err = run(tmp_path)
    finally:
        post_init.disconnect(receiver, sender=TaggedArticle)
        post_init.disconnect(receiver, sender=Byline)
    assert "3 created" in out
    assert Byline.objects.count() == 3 and TaggedArticle.objects.count() >= 6
    assert seen.count("Byline") == Byline.objects.count()
    assert seen.count("TaggedArticle") == TaggedArticle.objects.count()


def test_inserted_rows_get_their_keys_and_read_back_as_saved():
    section = SectionFactory()
    new_section = Section(name="Weather", slug="weather")
    new_section.save()
    articles = [
        Article(headline=f"Story {n}", slug=f"story-{n}", section=section, body="<p>x</p>")
        for n in range(3)
    ]
    articles.append(Article(headline="Storm", slug="storm", section=new_section, body="<p>y</p>"))

    insert_rows(articles)

    assert all(article.pk is not None and not article._state.adding for article in articles)
    saved = Article.objects.in_bulk([article.pk for article in articles])
    assert [saved[article.pk].headline for article in articles] == [
        "Story 0",
        "Story 1",
        "Story 2",
        "Storm",
    ]
    assert saved[articles[3].pk].section == new_section
    assert saved[articles[0].pk].created_at is not None  # auto_now_add filled as on save
    assert saved[articles[0].pk].uid == articles[0].uid


def test_inserted_rows_hold_what_bulk_create_writes():
    """Every kind of value (text, keys, empty keys, datetimes with and without a time
    zone offset, integers, UUIDs, JSON) lands in the row as ``bulk_create`` writes it."""
    section, editor = SectionFactory(), UserFactory()
    paris = timezone.get_fixed_timezone(60)

    def stories():
        return [
            Article(
                headline='Café « Oran » — "quotes"',
                slug=f"story-{n}",
                section=section,
                body="<p>x</p>",
                published_at=datetime(2024, 3, 4, 9, 30, 15, 123456, tzinfo=paris),
                embargo_until=None if n else datetime(2024, 3, 5, tzinfo=UTC),
                published_by=editor if n else None,
                version=n + 3,
            )
            for n in range(2)
        ]

    def events(suffix):
        return [
            AuditEvent(action="publish", object_id=f"{n}{suffix}", details={"n": [n, "é"]})
            for n in range(2)
        ]

    def rows(model, pks):
        """The rows as the database holds them, not as Django reads them back."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table} WHERE id IN ({', '.join(map(str, pks))})")
            names = [column[0] for column in cursor.description]
            found = sorted(cursor.fetchall())
        unique = {"id", "slug", "object_id", "uid", "created_at", "updated_at", "at"}
        return [
            {name: value for name, value in zip(names, row, strict=True) if name not in unique}
            for row in found
        ]

    inserted, created = stories(), Article.objects.bulk_create(stories())
    for n, article in enumerate(inserted):
        article.slug = f"inserted-{n}"
    insert_rows(inserted)
    assert rows(Article, [a.pk for a in inserted]) == rows(Article, [a.pk for a in created])
    saved = Article.objects.get(pk=inserted[0].pk)
    assert saved.published_at == datetime(2024, 3, 4, 8, 30, 15, 123456, tzinfo=UTC)
    assert saved.embargo_until == datetime(2024, 3, 5, tzinfo=UTC)
    assert saved.uid == inserted[0].uid

    logged, bulk = events("a"), AuditEvent.objects.bulk_create(events("b"))
    insert_rows(logged)
    assert rows(AuditEvent, [e.pk for e in logged]) == rows(AuditEvent, [e.pk for e in bulk])
    assert AuditEvent.objects.get(pk=logged[1].pk).details == {"n": [1, "é"]}


def test_rows_sharing_a_time_hold_what_bulk_create_writes():
    """Times are adapted once per batch: the same time on many rows, and the same instant
    written in two time zones, still land as ``bulk_create`` writes them."""
    paris, new_york = timezone.get_fixed_timezone(60), timezone.get_fixed_timezone(-300)
    shared = datetime(2024, 3, 4, 9, 30, 15, 123456, tzinfo=paris)
    times = [shared, shared, shared.astimezone(new_york), datetime(2024, 3, 5, tzinfo=UTC)]
    stories = [ArticleFactory(), ArticleFactory()]
    tags = [Tag.objects.create(name=f"Topic {n}", slug=f"topic-{n}") for n in range(len(times))]

    def links(story):
        return [
            TaggedArticle(content_object=story, tag=tag, live_from=when)
            for tag, when in zip(tags, times, strict=True)
        ]

    TaggedArticle.objects.bulk_create(links(stories[1]))
    insert_rows(links(stories[0]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT live_from FROM articles_taggedarticle WHERE content_object_id = %s ORDER BY id",
            [stories[0].pk],
        )
        stored = cursor.fetchall()
        cursor.execute(
            "SELECT live_from FROM articles_taggedarticle WHERE content_object_id = %s ORDER BY id",
            [stories[1].pk],
        )
        assert cursor.fetchall() == stored
    read = TaggedArticle.objects.filter(content_object=stories[0]).order_by("pk")
    assert [link.live_from for link in read] == times


def test_stories_imported_from_files_are_found_by_their_source():
    wanted = ArticleFactory(source_path="seeds/a.txt")
    ArticleFactory(source_path="seeds/b.txt")
    ArticleFactory(source_path="")
    assert list(Article.objects.imported_from(["seeds/a.txt", "seeds/c.txt"])) == [wanted]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_stories_are_found_by_source_through_the_index_not_a_scan():
    plan = Article.objects.imported_from(["seeds/a.txt"]).explain()
    assert "USING INDEX unique_article_source_path" in plan


def test_rows_that_already_have_keys_are_inserted_with_them():
    authors = [Author(pk=900 + n, name=f"Writer {n}", slug=f"writer-{n}") for n in range(2)]
    insert_rows(authors)
    saved = sorted(Author.objects.values_list("pk", "name"))
    assert saved == [(900, "Writer 0"), (901, "Writer 1")]


def test_the_mention_finder_finds_what_find_mentions_finds():
    names = ["Gas", "gas", "Oran", "U.S.", "...", "", "  ", "Mediterranean Games", "Games", "Gas"]
    texts = [
        "Gas prices rose in Oran.",
        "The U.S. and the Mediterranean Games; games of gas.",
        "Nothing here ... at all",
        "oran-gas",
        "",
    ]
    finder = MentionFinder(names)
    for text in texts:
        assert finder(text) == find_mentions(text, names), text


def test_a_long_list_of_tag_names_is_found_in_many_texts_as_whole_words_in_any_case():
    names = [f"Topic {n}" for n in range(600)] + ["Gas", "Oil", "U.S."]
    finder = MentionFinder(names)
    for _round in range(2):
        assert finder("topic 599 and TOPIC 7: gas, not oil-rich U.S.A.") == [
            "Topic 7",
            "Topic 599",
            "Gas",
            "Oil",
        ]
        assert finder("Topic 59x, Gasoline, the U.S. and xOil") == ["U.S."]


@pytest.mark.parametrize(
    "body",
    [
        "<p>One &amp; two &lt;three&gt;</p>\n<p>Four\xa0\xa0five “six”</p>",
        '<p>See <a href="/section/a-b/" rel="noopener noreferrer">our section</a>.</p>',
        "<p>Tabs\tand\x0bcontrols</p><p></p>",
        "",
    ],
)
def test_the_search_text_of_an_imported_body_is_what_the_parser_makes(body):
    assert search_body(body) == plain_text(body)


def test_tags_and_sections_made_by_earlier_batches_count_in_files_read_ahead(tmp_path, monkeypatch):
    """The parsing process reads the next batch before this one is written: a tag or a
    section this batch creates must still be found in the stories of the next ones."""
    monkeypatch.setattr("articles.seeding.BATCH_SIZE", 2)
    (tmp_path / "0.txt").write_text(
        "Title: Sonatrach results\nSection: Energy\nTags: Sonatrach\n\nOran – Profits rose.\n"
    )
    (tmp_path / "1.txt").write_text("Title: Quiet day\n\nOran – Nothing happened.\n")
    for n in range(2, 6):
        (tmp_path / f"{n}.txt").write_text(
            f"Title: Report {n}\n\nOran – Sonatrach said output rose by {n}%. "
            "Read more on Energy in our dedicated section.\n"
        )

    run(tmp_path, "--create-sections")

    for n in range(2, 6):
        article = Article.objects.get(headline=f"Report {n}")
        assert "Sonatrach" in article.tags.names()
        assert 'href="/section/energy/" rel="noopener noreferrer">our dedicated section<' in (
            article.body
        )


def test_an_old_address_a_new_story_takes_over_stops_redirecting(tmp_path, client):
    moved = ArticleFactory(slug="storm-moved")
    ArticleRedirect.objects.create(old_path="/2024/03/04/storm/", article=moved)
    (tmp_path / "a.txt").write_text(
        "Title: Storm\nDate: 2024-03-04T12:00:00+00:00\n\nOran – Wind.\n"
    )

    run(tmp_path)

    assert not ArticleRedirect.objects.exists()
    response = client.get("/2024/03/04/storm/")
    assert response.status_code == 200
    assert "Wind." in response.text


def test_files_named_through_a_relative_path_or_a_link_are_remembered_by_their_real_path(
    tmp_path, monkeypatch
):
    folder = tmp_path / "seeds"
    folder.mkdir()
    (folder / "a.txt").write_text("Title: Story a\n\nOran – Report a.\n")
    (tmp_path / "linked").symlink_to(folder)
    (tmp_path / "b.txt").symlink_to(folder / "a.txt")
    monkeypatch.chdir(tmp_path)

    run(Path("linked"))
    out, _err = run(Path("seeds") / "a.txt", Path("b.txt"))

    assert Article.objects.get().source_path == (folder / "a.txt").resolve().as_posix()
    assert "2 files: 0 created, 0 updated, 2 unchanged" in out


def test_stories_imported_together_each_get_their_own_identifier_and_audit_record(tmp_path):
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text(f"Title: Story {n}\nTags: Gas\n\nOran – Report {n}.\n")
    out, _err = run(tmp_path)
    assert "3 created" in out
    stories = list(Article.objects.order_by("pk"))
    assert len({story.uid for story in stories}) == 3
    assert {(story.version, story.status, story.credit) for story in stories} == {
        (1, Article.Status.PUBLISHED, "")
    }
    events = AuditEvent.objects.order_by("pk")
    assert [(e.action, e.object_id, e.object_label) for e in events] == [
        ("publish", str(story.pk), story.headline) for story in stories
    ]
    assert {(e.actor_id, e.actor_name, e.address) for e in events} == {(None, "", None)}
    assert [e.details for e in events] == [
        {"published_at": story.published_at.isoformat()} for story in stories
    ]
