"""Fill a throwaway database with made-up stories for the page benchmarks.

    NEWSROOM_SQLITE_PATH=/tmp/bench.sqlite3 .venv/bin/python bench/generate.py --stories 10000
    DATABASE_URL=postgres://.../bench .venv/bin/python bench/generate.py --stories 100000

Writes rows directly with bulk_create (this is load generation, not editing): stories
of about 600 words, sanitized as a save would, 3 to 6 tags each from a pool of 300
(a few tags on many stories, most on few), 8 sections, 40 authors, one or two bylines,
one story in five in French and one in twenty unpublished. Then rebuilds the search
index. Adds stories until the database holds ``--stories``; refuses a database holding
any story it did not make.
"""

import argparse
import itertools
import random
import time
from datetime import timedelta

from common import SLUG_PREFIX, refuse_real_database
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article, Author, Byline, Section, Tag, TaggedArticle
from articles.sanitize import sanitize_html

BATCH = 1000
SECTIONS = [
    "Algeria",
    "World",
    "Economy",
    "Politics",
    "Sport",
    "Culture",
    "Science",
    "Environment",
]
FIRST_NAMES = str.split("Amina Karim Leila Yacine Sofia Omar Nadia Samir Claire Hugo")
LAST_NAMES = str.split("Benali Haddad Martin Dubois Saidi Mansouri")
FUNCTION_WORDS = str.split("the of and to in a that is for on with as by at from was it said has")
CONTENT_WORDS = str.split("""
government minister election pipeline energy gas oil water school hospital market price
economy bank inflation budget parliament president court police football stadium festival
museum university student teacher farmer drought rain harbour port ship railway road
airport tourism hotel export import trade agreement summit border security army protest
strike union worker factory industry mining phosphate desert sahara algiers oran
constantine annaba tlemcen city region country people year week month report official
plan project company investment growth crisis talks deal council mayor village coast
river dam harvest wheat olive dates electricity solar wind grid network internet phone
mobile data law reform vote campaign party leader opposition coalition minister ministry
cabinet decree justice judge trial lawyer prison health doctor nurse vaccine clinic
children family women youth jobs wages housing rent construction cement steel car bus
train metro tram flight airline passenger visitor tourist culture music film book author
artist theatre exhibition heritage history team match goal coach player league cup
championship record science research laboratory climate weather heat flood storm fire
forest sea fish fishermen ship cargo container customs tax revenue debt loan currency
dinar euro dollar exports imports partner neighbour embassy ambassador foreign visit
meeting statement spokesman announced agreed signed opened closed rose fell increased
""")
TAG_STEMS = list(dict.fromkeys(CONTENT_WORDS))[:100]
COMMON_WORD = "government"  # pages.py searches for it; see its weight in vocabulary()


def vocabulary() -> tuple[list[str], list[float]]:
    """Words with Zipf-like cumulative weights: function words first, as in real prose."""
    words = FUNCTION_WORDS + CONTENT_WORDS
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(words))]
    return words, list(itertools.accumulate(weights))


def ensure_sections() -> list[Section]:
    for position, name in enumerate(SECTIONS):
        Section.objects.get_or_create(
            slug=slugify(name), defaults={"name": name, "position": position}
        )
    return list(Section.objects.filter(slug__in=[slugify(name) for name in SECTIONS]))


def ensure_authors() -> list[Author]:
    names = [f"{first} {last}" for first, last in itertools.product(FIRST_NAMES, LAST_NAMES)]
    Author.objects.bulk_create(
        [Author(name=name, slug=slugify(name)) for name in names[:40]], ignore_conflicts=True
    )
    return list(Author.objects.filter(slug__in=[slugify(name) for name in names[:40]]))


def ensure_tags() -> list[Tag]:
    rng = random.Random(2)
    names = [stem.capitalize() for stem in TAG_STEMS]
    while len(names) < 300:
        name = f"{rng.choice(TAG_STEMS).capitalize()} {rng.choice(TAG_STEMS)}"
        if name not in names:
            names.append(name)
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name)) for name in names], ignore_conflicts=True
    )
    by_slug = {tag.slug: tag for tag in Tag.objects.filter(slug__in=[slugify(n) for n in names])}
    return [by_slug[slugify(name)] for name in names]  # in pool order: the first are common


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.words, self.cumulative = vocabulary()

    def sentence(self, low: int, high: int) -> str:
        words = self.rng.choices(
            self.words, cum_weights=self.cumulative, k=self.rng.randint(low, high)
        )
        return " ".join(words).capitalize() + "."

    def body(self, sections: list[Section]) -> str:
        paragraphs = []
        words = 0
        while words < 600:
            sentences = [self.sentence(8, 25) for _n in range(self.rng.randint(2, 5))]
            if self.rng.random() < 0.2:
                section = self.rng.choice(sections)
                sentences.append(
                    f'Read more in <a href="/section/{section.slug}/">our {section.name} '
                    "section</a>."
                )
            text = " ".join(sentences)
            if self.rng.random() < 0.15:
                text = f"<strong>{text}</strong>"
            paragraphs.append(f"<p>{text}</p>")
            if self.rng.random() < 0.1:
                paragraphs.append(f"<h2>{self.sentence(3, 6)[:-1]}</h2>")
            words += text.count(" ") + 1
        # bulk_create bypasses save(): sanitize here so bodies are what a save would store.
        return sanitize_html("".join(paragraphs))


def generate(count: int, *, start: int) -> None:
    sections, authors, tags = ensure_sections(), ensure_authors(), ensure_tags()
    writer = Writer(seed=start)
    rng = writer.rng
    tag_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(tags))))
    now = timezone.now()
    for first in range(start, start + count, BATCH):
        numbers = range(first, min(first + BATCH, start + count))
        with transaction.atomic():
            stories = Article.objects.bulk_create(
                Article(
                    headline=writer.sentence(6, 12)[:-1],
                    slug=f"{SLUG_PREFIX}{n}",
                    dek=writer.sentence(15, 30),
                    body=writer.body(sections),
                    dateline=rng.choice(["Algiers", "Oran", "Paris", "Tunis", ""]),
                    section=rng.choice(sections),
                    # One in twenty is a draft or in review: public pages must skip them.
                    status=(
                        Article.Status.PUBLISHED
                        if n % 20
                        else rng.choice([Article.Status.DRAFT, Article.Status.REVIEW])
                    ),
                    # A story every ten minutes or so, the newest first.
                    published_at=now - timedelta(minutes=10 * n + rng.randint(0, 9)),
                    credit=rng.choice(["", "", "Staff and agencies"]),
                    language="fr" if n % 5 == 0 else "en",
                )
                for n in numbers
            )
            if stories[0].pk is None:  # a backend without RETURNING
                stories = list(Article.objects.filter(slug__in=[s.slug for s in stories]))
            tagged, bylines = [], []
            for story in stories:
                picked = set()
                wanted = rng.randint(3, 6)
                while len(picked) < wanted:
                    picked.add(rng.choices(tags, cum_weights=tag_weights)[0].pk)
                tagged += [
                    TaggedArticle(content_object=story, tag_id=pk, live_from=story.live_from)
                    for pk in picked
                ]
                for position, author in enumerate(rng.sample(authors, rng.choice([1, 1, 1, 2]))):
                    bylines.append(Byline(article=story, author=author, position=position))
            TaggedArticle.objects.bulk_create(tagged)
            Byline.objects.bulk_create(bylines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    refuse_real_database()
    existing = Article.objects.count()
    missing = args.stories - existing
    if missing <= 0:
        print(f"The database already holds {existing} stories; nothing to add.")
        return
    started = time.perf_counter()
    generate(missing, start=existing)
    print(f"Generated {missing} stories in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    call_command("rebuild_search_index")
    print(f"Rebuilt the search index in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
