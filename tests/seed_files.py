"""Made-up seed files, and a check that every story imported from them is whole."""

from pathlib import Path

from django.db import connection
from reversion.models import Version

from articles.models import Article, Byline, TaggedArticle

SECTIONS = ["News", "Sport", "Economy"]


def write_seed_files(folder: Path, count: int, *, start: int = 0) -> list[Path]:
    """``count`` headed files with a byline, two tags and three paragraphs each."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        text = (
            f"Title: Harbour report number {n}\n"
            f"Section: {SECTIONS[n % len(SECTIONS)]}\n"
            f"Tags: Topic {n % 40}, Port\n"
            f"Byline: Reporter {n % 12}\n"
            "Date: 2024-03-04T09:30:00+01:00\n\n"
            f"Oran – Ships waited outside the harbour on day {n}.\n\n"
            "Dockers said the new cranes would cut the wait by half.\n\n"
            f"The port authority expects {n} more ships this year.\n"
        )
        path = folder / f"{n:06d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def indexed_story_ids() -> set[int]:
    table, column = (
        ("articles_search_fts", "rowid")
        if connection.vendor == "sqlite"
        else ("articles_search_document", "article_id")
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return {row[0] for row in cursor.fetchall()}


def incomplete_stories() -> list[str]:
    """Imported stories that lack a body, a byline, tags, a revision or their search entry."""
    with_byline = set(Byline.objects.values_list("article_id", flat=True))
    with_tags = set(TaggedArticle.objects.values_list("content_object_id", flat=True))
    with_revision = {
        int(pk) for pk in Version.objects.get_for_model(Article).values_list("object_id", flat=True)
    }
    indexed = indexed_story_ids()
    problems = []
    for pk, headline, body in Article.objects.exclude(source_path="").values_list(
        "pk", "headline", "body"
    ):
        missing = [
            part
            for part, present in [
                ("body", "Dockers said" in body),
                ("byline", pk in with_byline),
                ("tags", pk in with_tags),
                ("revision", pk in with_revision),
                ("search entry", pk in indexed),
            ]
            if not present
        ]
        if missing:
            problems.append(f"{headline}: no {', '.join(missing)}")
    return problems
