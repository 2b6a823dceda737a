"""A small but complete public site for page-level checks (validity, accessibility, weight).

Every kind of public page gets something to show: a section with a description, tags,
an author with a biography, an English story with a lead photo, a byline, tags and a
correction, an Arabic story, an unpublished story with a share link, and a word that
search finds. Used by the HTML validation and page weight tests, the browser tests, and
the scripts in ``tools/``.
"""

import io
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageDraw

from articles.models import Article, Author, Section, Tag

from .factories import (
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
    PreviewLinkFactory,
    SectionFactory,
    saved_story,
)

SEARCH_WORD = "desalination"

STORY_BODY = """
<p>The plant on the coast east of Oran will supply 300,000 people with drinking water,
the water ministry said on Monday, after two years of building work.</p>
<p>It cost two billion dinars and turns sea water into drinking water by
<a href="https://en.wikipedia.org/wiki/Reverse_osmosis">reverse osmosis</a>.</p>
<h2>Why the west needs it</h2>
<p>Rainfall in the west of the country has fallen for a decade, and the dams that
supplied the city are <strong>at a third of their capacity</strong>.</p>
<blockquote><p>"We will not ration water this summer," the minister said.</p></blockquote>
<ul><li>300,000 people served</li><li>150,000 cubic metres a day</li></ul>
"""

ARABIC_BODY = """
<p>أعلنت وزارة الموارد المائية يوم الاثنين افتتاح محطة جديدة لتحلية مياه البحر شرق وهران،
ستزود ثلاثمئة ألف نسمة بمياه الشرب.</p>
<p>وبلغت كلفة المحطة ملياري دينار، وهي تعمل بتقنية التناضح العكسي.</p>
"""


def seaside_picture(size=(1200, 800)) -> bytes:
    """A JPEG of sky, sea and a sun, drawn with Pillow: a photo-like picture to show."""
    width, height = size
    picture = Image.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    horizon = height * 3 // 5
    for y in range(height):
        if y < horizon:  # sky, pale towards the horizon
            shade = y / horizon
            colour = (int(90 + 140 * shade), int(150 + 80 * shade), int(215 + 30 * shade))
        else:  # sea, darker towards the shore
            shade = (y - horizon) / (height - horizon)
            colour = (int(30 - 20 * shade), int(110 - 50 * shade), int(160 - 60 * shade))
        draw.line([(0, y), (width, y)], fill=colour)
    sun = (width * 2 // 3, horizon - height // 6, height // 10)
    draw.ellipse(
        [sun[0] - sun[2], sun[1] - sun[2], sun[0] + sun[2], sun[1] + sun[2]], fill=(255, 236, 170)
    )
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=80)
    return out.getvalue()


@dataclass
class SampleSite:
    story: Article
    arabic_story: Article
    draft: Article
    share_url: str
    section: Section
    tag: Tag
    author: Author

    def pages(self, language: str = settings.LANGUAGE_CODE) -> dict[str, str]:
        """Every kind of public page, by name, in the ``language`` interface."""
        with translation.override(language):
            home = reverse("articles:home")
            day = f"{timezone.localtime(self.story.published_at):%Y/%m/%d}".split("/")
            return {
                "home": home,
                "section": self.section.get_absolute_url(),
                "tag": self.tag.get_absolute_url(),
                "author": self.author.get_absolute_url(),
                "story": self.story.get_absolute_url(),
                "arabic-story": self.arabic_story.get_absolute_url(),
                "search": reverse("articles:search") + f"?q={SEARCH_WORD}",
                "search-form": reverse("articles:search"),
                "latest": reverse("articles:latest"),
                "archive-year": reverse("articles:archive-year", args=day[:1]),
                "archive-month": reverse("articles:archive-month", args=day[:2]),
                "archive-day": reverse("articles:archive-day", args=day),
                "corrections": reverse("articles:corrections"),
                "share-preview": self.share_url,
                "not-found": f"{home}no-such-page/",
            }


def build_sample_site() -> SampleSite:
    """Write the sample site's stories through the services, so search finds them."""
    now = timezone.now()
    section = SectionFactory(
        name="Economy",
        slug="economy",
        description="Business, energy and jobs across North Africa.",
    )
    reporter = AuthorFactory(
        name="Amina Benali",
        slug="amina-benali",
        bio="Amina Benali covers energy and water from Oran.",
    )
    photo = ImageFactory(
        alt_text="The new desalination plant on the coast east of Oran",
        caption="The plant's intake pipes reach 800 metres out to sea.",
        credit="Photo: APS",
        file=SimpleUploadedFile("plant.jpg", seaside_picture(), content_type="image/jpeg"),
    )
    story = saved_story(
        headline="Desalination plant opens in Oran",
        slug="desalination-plant-opens-in-oran",
        dek="The plant will supply drinking water to 300,000 people in the west.",
        dateline="Oran",
        body=STORY_BODY,
        section=section,
        lead_photo=photo,
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(hours=2),
        authors=[reporter],
        tags=["Algeria", "Water"],
    )
    CorrectionFactory(
        article=story, text="An earlier version gave the plant's cost in euros, not dinars."
    )
    arabic_story = saved_story(
        headline="افتتاح محطة لتحلية مياه البحر في وهران",
        slug="محطة-تحلية-وهران",
        dek="ستزود المحطة ثلاثمئة ألف نسمة بمياه الشرب.",
        dateline="وهران",
        body=ARABIC_BODY,
        section=section,
        language="ar",
        lead_photo=photo,
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(hours=3),
        authors=[reporter],
        tags=["Algeria"],
    )
    for number in range(3):
        saved_story(
            headline=f"Gas exports rise for the {('first', 'second', 'third')[number]} month",
            slug=f"gas-exports-rise-{number}",
            dek="Pipeline deliveries to Italy and Spain grew again.",
            body="<p>Exports of natural gas rose again, the energy ministry said.</p>",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=now - timedelta(days=number + 1),
            tags=["Algeria"],
        )
    link = PreviewLinkFactory(
        article__headline="Budget talks resume next week",
        article__section=section,
        article__authors=[reporter],
    )
    return SampleSite(
        story=story,
        arabic_story=arabic_story,
        draft=link.article,
        share_url=link.get_absolute_url(),
        section=section,
        tag=story.tags.get(name="Water"),
        author=reporter,
    )
