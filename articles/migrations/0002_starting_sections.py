"""The starting set of sections. Editors rename, reorder or add to them in admin."""

from django.db import migrations

STARTING_SECTIONS = [
    ("News", "news", "The day's main stories."),
    ("Algeria", "algeria", "Politics, economy and society in Algeria."),
    ("Africa", "africa", "News from across the African continent."),
    ("World", "world", "International news."),
    ("Politics", "politics", "Governments, elections and diplomacy."),
    ("Economy", "economy", "Business, trade and public finance."),
    ("Energy", "energy", "Oil, gas, renewables and the energy transition."),
    ("Culture", "culture", "Books, film, music and heritage."),
    ("Sport", "sport", "Football and every other sport."),
    ("Technology", "technology", "Technology, science and the digital economy."),
]


def create_sections(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    for position, (name, slug, description) in enumerate(STARTING_SECTIONS, start=1):
        Section.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "position": position * 10},
        )


def remove_untouched_sections(apps, schema_editor):
    Section = apps.get_model("articles", "Section")
    Section.objects.filter(
        slug__in=[slug for _name, slug, _description in STARTING_SECTIONS], articles=None
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_sections, remove_untouched_sections)]
