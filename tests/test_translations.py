"""Every interface string is translated, and the compiled catalogues match their sources."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$')


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr forms."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry = None
            continue
        entry = entry or {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            keyword, form, text = match.groups()
            field = ("msgstr", int(form or 0)) if keyword.startswith("msgstr") else (keyword,)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] = ast.literal_eval(text)
            else:
                entry[keyword] = ast.literal_eval(text)
        else:
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += value
            else:
                entry[field[0]] += value
    return entries


def expected_catalogue(entries: list[dict]) -> dict:
    """What gettext should read from the compiled file, keyed as GNUTranslations keys it."""
    catalogue = {}
    for entry in entries:
        msgid = entry["msgid"]
        if entry["msgctxt"] is not None:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if entry["msgid_plural"] is None:
            catalogue[msgid] = entry["msgstr"][0]
        else:
            for form, text in entry["msgstr"].items():
                catalogue[(msgid, form)] = text
    return catalogue


def test_french_and_arabic_catalogues_exist():
    assert {path.parts[-3] for path in CATALOGUES} >= {"fr", "ar"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parts[-3])
def test_every_entry_is_translated_and_none_is_fuzzy(po):
    entries = read_po(po)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "fuzzy" not in header["flags"]
    assert len(messages) > 100
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parts[-3])
def test_compiled_catalogue_matches_its_source(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    expected = expected_catalogue(read_po(po))
    assert {key: value for key, value in catalogue.items() if key != ""} == {
        key: value for key, value in expected.items() if key != ""
    }, f"{mo} is stale: run make messages"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: path.parts[-3])
def test_translations_keep_every_placeholder(po):
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
    for entry in read_po(po)[1:]:
        wanted = sorted(placeholder.findall(entry["msgid_plural"] or entry["msgid"]))
        for text in entry["msgstr"].values():
            assert sorted(placeholder.findall(text)) == wanted, entry["msgid"]
