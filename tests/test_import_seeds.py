"""The import_seeds command: what an operator sees, and what lands in the database."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone
from reversion.models import Revision

from articles import search, story_batches
from articles.models import Article, Author, Byline, Section, Tag

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(settings.NEWSROOM_SEEDS_DIR) / "000_c0383c076b36fe93.txt"


def run(*args):
    """Run the command; return (exit code, stdout, stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


HEADERED = """Title: Oran hosts the Mediterranean Games
Dek: Athletes arrive from 26 countries.
Section: sport
Tags: Games, Oran
Byline: By Amina Benali, Karim Ziani and Leila Mansouri
Date: 2024-06-25T18:30:00+01:00
Language: en
Slug: oran-games
Status: published

Oran – The city opened its new stadium on Saturday.
Tickets sold out within hours.
"""


def test_the_sample_seed_becomes_a_published_story_in_the_algeria_section(client):
    code, out, _err = run()
    assert code == 0
    assert "1 file: 1 created" in out
    article = Article.objects.get()
    assert article.is_public
    assert article.dateline == "Algiers"
    assert article.section.slug == "algeria"
    assert {"Algeria", "Azerbaijan"} <= set(article.tags.names())
    assert article.source_path == "seeds/000_c0383c076b36fe93.txt"
    assert 0 < len(article.headline) <= 100
    assert not article.body.startswith("<p>Algiers")
    assert article.body.count("<p>") == len(
        [line for line in SAMPLE.read_text().splitlines() if line.strip()]
    )

    home = client.get("/").text
    assert article.headline in home
    page = client.get(article.get_absolute_url()).text
    assert '<span class="dateline" lang="en" dir="ltr">Algiers</span>' in page
    assert 'href="/section/algeria/">Algeria</a>' in page
    assert 'href="/tag/algeria/" rel="tag">Algeria</a>' in page
    assert 'href="/tag/azerbaijan/" rel="tag">Azerbaijan</a>' in page
    assert '<a href="/section/algeria/" rel="noopener noreferrer">our dedicated section</a>' in page


def test_running_twice_creates_nothing_new(tmp_path):
    write(tmp_path, "a.txt", HEADERED)
    run(tmp_path)
    first = Article.objects.get()
    code, out, _ = run(tmp_path)
    assert code == 0
    assert "0 created, 0 updated, 1 unchanged" in out
    assert Article.objects.count() == 1
    assert Article.objects.get().updated_at == first.updated_at
    assert Author.objects.count() == 3
    assert Tag.objects.filter(name__iexact="games").count() == 1


def test_headers_set_every_field(tmp_path):
    write(tmp_path, "a.txt", HEADERED)
    code, _out, err = run(tmp_path)
    assert code == 0, err
    article = Article.objects.with_related().get()
    assert article.headline == "Oran hosts the Mediterranean Games"
    assert article.dek == "Athletes arrive from 26 countries."
    assert article.slug == "oran-games"
    assert article.section.slug == "sport"
    assert article.dateline == "Oran"
    assert [a.name for a in article.byline_authors] == [
        "Amina Benali",
        "Karim Ziani",
        "Leila Mansouri",
    ]
    assert {"Games", "Oran"} <= set(article.tags.names())
    assert article.published_at == datetime(2024, 6, 25, 17, 30, tzinfo=UTC)
    assert article.get_absolute_url() == "/2024/06/25/oran-games/"


def test_a_changed_file_updates_its_story(tmp_path):
    path = write(tmp_path, "a.txt", HEADERED)
    run(tmp_path)
    original = Article.objects.get()
    write(tmp_path, "a.txt", HEADERED.replace("Tickets sold out", "Every ticket sold out"))
    code, out, _ = run(path)
    assert code == 0
    assert "1 updated" in out
    article = Article.objects.get()
    assert "Every ticket sold out" in article.body
    assert article.slug == original.slug
    assert article.published_at == original.published_at


def test_an_editors_change_wins_over_a_changed_file(tmp_path):
    write(tmp_path, "a.txt", HEADERED)
    run(tmp_path)
    article = Article.objects.get()
    article.headline = "Edited by the desk"
    article.save()
    write(tmp_path, "a.txt", HEADERED.replace("Tickets sold out", "Every ticket sold out"))
    code, out, _ = run(tmp_path)
    assert code == 0
    assert "an editor has changed the story since it was imported" in out
    assert "1 kept" in out
    article.refresh_from_db()
    assert article.headline == "Edited by the desk"
    assert "Every ticket sold out" not in article.body


def test_the_same_text_under_another_name_is_a_duplicate(tmp_path):
    write(tmp_path, "a.txt", HEADERED)
    write(tmp_path, "b.txt", HEADERED.replace("\n", "\r\n"))
    code, out, _ = run(tmp_path)
    assert code == 0
    assert Article.objects.count() == 1
    assert "b.txt: same text as" in out
    assert "1 duplicate" in out


BAD_FILES = {
    "empty.txt": (b"", "file is empty"),
    "blank.txt": (b"  \n\t\n", "only whitespace"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
    "undecodable.txt": (b"Title\n\nCaf\x81\x8d\x90 text\n", "not valid UTF-8"),
    "title-only.txt": (b"Just a title\n", "title but no body"),
    "unknown-section.txt": (b"Section: Astrology\n\nStars align.\n", "unknown section 'Astrology'"),
    "bad-date.txt": (b"Date: yesterday\n\nSomething happened.\n", "not an ISO 8601 date"),
}


def test_bad_files_are_skipped_with_reasons_and_a_failing_exit_code(tmp_path):
    for name, (content, _reason) in BAD_FILES.items():
        write(tmp_path, name, content)
    write(tmp_path, "good.txt", HEADERED)
    code, out, err = run(tmp_path)
    assert code == 1
    assert "Traceback" not in out + err
    for name, (_content, reason) in BAD_FILES.items():
        line = next(line for line in err.splitlines() if line.startswith(str(tmp_path / name)))
        assert reason in line, (name, line)
    assert (
        f"1 created, 0 updated, 0 unchanged, 0 kept, 0 duplicate, {len(BAD_FILES)} skipped" in out
    )
    assert f"{len(BAD_FILES)} of {len(BAD_FILES) + 1} files could not be imported" in err
    assert Article.objects.count() == 1


def test_oversized_file_is_skipped(tmp_path, settings):
    settings.NEWSROOM_IMPORT_MAX_BYTES = 1000
    write(tmp_path, "big.txt", "Title\n\n" + "word " * 400)
    code, _out, err = run(tmp_path)
    assert code == 1
    assert "over the" in err and "limit" in err
    assert not Article.objects.exists()


def test_missing_path_is_reported(tmp_path):
    code, _out, err = run(tmp_path / "nope.txt")
    assert code == 1
    assert "file not found" in err


def test_a_failing_file_leaves_nothing_half_written(tmp_path, monkeypatch):
    write(tmp_path, "a.txt", HEADERED)

    insert_rows = story_batches.insert_rows

    def explode_on_bylines(rows):
        if any(isinstance(row, Byline) for row in rows):
            raise RuntimeError("disk on fire")
        insert_rows(rows)

    monkeypatch.setattr(story_batches, "insert_rows", explode_on_bylines)
    with pytest.raises(RuntimeError):
        run(tmp_path)
    assert not Article.objects.exists()
    assert not Author.objects.exists()


def test_dry_run_writes_nothing(tmp_path):
    write(tmp_path, "a.txt", HEADERED.replace("Section: sport", "Section: Astrology"))
    code, out, _ = run(tmp_path, "--dry-run", "--create-sections")
    assert code == 0
    assert "Dry run, nothing written" in out
    assert "1 created" in out
    assert not Article.objects.exists()
    assert not Section.objects.filter(name="Astrology").exists()


def test_draft_section_author_and_date_options(tmp_path):
    write(tmp_path, "a.txt", "Quiet day in Tlemcen\n\nNothing much happened today.\n")
    code, _out, err = run(
        tmp_path, "--draft", "--section", "culture", "--author", "Desk", "--date", "2023-01-02"
    )
    assert code == 0, err
    article = Article.objects.with_related().get()
    assert article.status == Article.Status.DRAFT
    assert article.section.slug == "culture"
    assert [a.name for a in article.byline_authors] == ["Desk"]
    assert timezone.localtime(article.published_at).date().isoformat() == "2023-01-02"


def test_status_draft_header_is_honoured_unless_publish_is_given(tmp_path):
    draft = HEADERED.replace("Status: published", "Status: draft")
    write(tmp_path, "a.txt", draft)
    run(tmp_path)
    assert Article.objects.get().status == Article.Status.DRAFT
    Article.objects.all().delete()
    run(tmp_path, "--publish")
    assert Article.objects.get().status == Article.Status.PUBLISHED


def test_create_sections_makes_unknown_sections(tmp_path):
    write(tmp_path, "a.txt", HEADERED.replace("Section: sport", "Section: Astrology"))
    code, _out, _err = run(tmp_path, "--create-sections")
    assert code == 0
    assert Article.objects.get().section.name == "Astrology"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--section", "nowhere"], "No section with slug 'nowhere'"),
        (["--date", "soon"], "is not an ISO 8601 date"),
    ],
)
def test_bad_options_are_refused_before_anything_happens(tmp_path, args, message):
    write(tmp_path, "a.txt", HEADERED)
    with pytest.raises(CommandError, match=message):
        call_command("import_seeds", str(tmp_path), *args)
    assert not Article.objects.exists()


def test_existing_tag_names_found_in_the_text_are_applied(tmp_path):
    ArticleFactory(tags=["Sonatrach"])
    write(tmp_path, "a.txt", "Gas output rises\n\nSonatrach said output rose by 3%.\n")
    run(tmp_path)
    assert "Sonatrach" in Article.objects.get(source_path__endswith="a.txt").tags.names()


def test_two_stories_with_the_same_headline_get_their_own_slugs(tmp_path):
    write(tmp_path, "a.txt", "Storm hits the coast\n\nFirst report.\n")
    write(tmp_path, "b.txt", "Storm hits the coast\n\nSecond report.\n")
    run(tmp_path)
    slugs = sorted(Article.objects.values_list("slug", flat=True))
    assert slugs == ["storm-hits-the-coast", "storm-hits-the-coast-2"]


@pytest.mark.parametrize(
    ("encoded", "note"),
    [
        ("\ufeffCafé story\n\nThe café opened.\n".encode(), None),
        ("\ufeffCafé story\n\nThe café opened.\n".encode("utf-16"), None),
        ("Café story\r\n\r\nThe café opened.\r\n".encode("cp1252"), "Windows-1252"),
    ],
)
def test_encodings(tmp_path, encoded, note):
    write(tmp_path, "a.txt", encoded)
    code, out, err = run(tmp_path)
    assert code == 0, err
    article = Article.objects.get()
    assert article.headline == "Café story"
    assert "The café opened." in article.body
    if note:
        assert note in out


def test_hostile_text_is_escaped_not_executed(tmp_path, client):
    write(
        tmp_path, "a.txt", "Title <script>alert(1)</script>\n\nBody <img src=x onerror=alert(1)>\n"
    )
    run(tmp_path)
    article = Article.objects.get()
    assert "<script>" not in article.body and "<img" not in article.body
    html = client.get(article.get_absolute_url()).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_overlong_title_is_skipped_not_truncated(tmp_path):
    write(tmp_path, "a.txt", f"Title: {'Long ' * 60}\n\nBody text here.\n")
    code, _out, err = run(tmp_path)
    assert code == 1
    assert "title is 299 characters, over the 255 allowed" in err
    assert not Article.objects.exists()


def test_story_language_comes_from_the_header_or_the_text(tmp_path):
    write(tmp_path, "de.txt", "Language: de\nTitle: Gasgespräche\n\nDie Minister trafen sich.\n")
    write(tmp_path, "ar.txt", "الجزائر – استقبل الرئيس وزير الخارجية في الجزائر يوم الاثنين.\n")
    code, _out, err = run(tmp_path)
    assert code == 0, err
    assert dict(Article.objects.values_list("source_path", "language")) == {
        f"{(tmp_path / 'de.txt').as_posix()}": "de",
        f"{(tmp_path / 'ar.txt').as_posix()}": "ar",
    }


def test_a_batch_that_cannot_be_written_at_once_is_written_file_by_file(tmp_path, monkeypatch):
    """A database error in a batch's joint write costs only the file that causes it."""
    for name in ("a", "b", "c"):
        write(tmp_path, f"{name}.txt", f"Title: Story {name}\n\nOran – Report {name}.\n")
    index = search.search_index_update_many

    def refuse_story_b(articles):
        articles = list(articles)
        if any(article.headline == "Story b" for article in articles):
            raise DatabaseError("index is full")
        index(articles)

    monkeypatch.setattr("articles.story_batches.search_index_documents", refuse_story_b)
    monkeypatch.setattr("articles.search.search_index_update_many", refuse_story_b)
    code, out, err = run(tmp_path)
    assert code == 1
    assert "b.txt: skipped: database error, nothing written: index is full" in err
    assert "3 files: 2 created" in out
    assert sorted(Article.objects.values_list("headline", flat=True)) == ["Story a", "Story c"]
    assert Revision.objects.count() == 2


def test_a_slug_taken_while_the_batch_was_prepared_is_replaced(tmp_path, monkeypatch):
    ArticleFactory(slug="taken")
    write(tmp_path, "a.txt", "Storm hits the coast\n\nFirst report.\n")
    write(tmp_path, "b.txt", "Floods in the south\n\nSecond report.\n")
    monkeypatch.setattr(
        "articles.services.unique_slugs", lambda model, texts: ["taken", "taken-too"]
    )
    code, out, err = run(tmp_path)
    assert code == 0, err
    assert "2 created" in out
    assert set(Article.objects.values_list("slug", flat=True)) == {
        "taken",
        "storm-hits-the-coast",
        "floods-in-the-south",
    }


def test_new_stories_are_written_a_batch_at_a_time(tmp_path, django_assert_max_num_queries):
    for n in range(30):
        write(
            tmp_path, f"{n:02d}.txt", f"Title: Story {n}\nTags: Oran, Port\n\nOran – Report {n}.\n"
        )
    with django_assert_max_num_queries(40):
        code, out, err = run(tmp_path)
    assert code == 0, err
    assert "30 created" in out
    assert Revision.objects.count() == 30


def test_a_run_of_several_batches_reports_every_file_in_order(tmp_path, monkeypatch):
    monkeypatch.setattr("articles.seeding.BATCH_SIZE", 2)
    for n in range(5):
        write(tmp_path, f"{n}.txt", f"Title: Story {n}\n\nOran – Report {n}.\n")
    write(tmp_path, "5.txt", b"\x00\x01binary")
    write(tmp_path, "6.txt", "Title: Story 0\n\nOran – Report 0.\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_seeds", str(tmp_path), verbosity=2, stdout=out, stderr=err)
    lines = out.getvalue().replace(f"{tmp_path.resolve()}/", "").splitlines()
    assert lines[:6] == [
        *(f"{n}.txt: created" for n in range(5)),
        "6.txt: same text as 0.txt, not imported again",
    ]
    assert "5.txt: skipped: file looks binary, not text" in err.getvalue()
    assert "7 files: 5 created, 0 updated, 0 unchanged, 0 kept, 1 duplicate, 1 skipped." in (
        out.getvalue()
    )


def test_files_in_nested_folders_are_imported_in_the_order_of_their_paths(tmp_path):
    """Folders are read as they are walked, in the order their paths sort in."""
    names = ["b.txt", "a/z.txt", "a/b/c.txt", "a-b.txt", "a.txt", "A.txt", ".hidden.txt"]
    for n, name in enumerate(names):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write(tmp_path, name, f"Title: Story {n}\n\nOran – Report {n}.\n")
    write(tmp_path, "notes.md", "Title: Not a story\n\nOran – Nothing.\n")
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "again").symlink_to(tmp_path / "a", target_is_directory=True)
    out = StringIO()
    call_command("import_seeds", str(tmp_path), verbosity=2, stdout=out, stderr=StringIO())
    lines = out.getvalue().replace(f"{tmp_path.resolve()}/", "").splitlines()
    expected = sorted(tmp_path / name for name in names)
    assert lines[: len(names)] == [
        f"{path.relative_to(tmp_path).as_posix()}: created" for path in expected
    ]
    assert f"{len(names)} files: {len(names)} created" in lines[-1]


def test_debug_mode_does_not_keep_every_query_of_a_long_import(tmp_path, settings, monkeypatch):
    from django.db import connection

    monkeypatch.setattr("articles.management.commands.import_seeds.PROGRESS_EVERY", 2)
    settings.DEBUG = True
    for n in range(4):
        write(tmp_path, f"{n}.txt", f"Title: Story {n}\n\nOran – Report {n}.\n")
    code, out, err = run(tmp_path)
    assert code == 0, err
    assert "4 created" in out
    assert connection.queries == []


def section_row_estimate() -> float:
    """What PostgreSQL's planner believes of the sections table: -1 before any ANALYZE."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'articles_section'")
        return cursor.fetchone()[0]


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_large_import_refreshes_postgresql_s_statistics(tmp_path, monkeypatch, dry_run):
    from django.db import connection

    monkeypatch.setattr("articles.planner_statistics.ANALYZE_AFTER_STORIES", 2)
    for number in range(2):
        write(tmp_path, f"{number}.txt", HEADERED.replace("oran-games", f"story-{number}"))
    before = section_row_estimate() if connection.vendor == "postgresql" else None

    code, out, _ = run(tmp_path, *(["--dry-run"] if dry_run else []))

    assert code == 0
    analysed = connection.vendor == "postgresql" and not dry_run
    assert ("Database statistics refreshed" in out) is analysed
    if analysed:
        assert section_row_estimate() == Section.objects.count()
    elif connection.vendor == "postgresql":
        assert section_row_estimate() == before


def test_a_small_import_leaves_the_statistics_to_autovacuum(tmp_path):
    write(tmp_path, "one.txt", HEADERED)

    code, out, _ = run(tmp_path)

    assert code == 0 and "Database statistics" not in out
