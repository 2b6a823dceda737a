"""Tests for articles.places: which countries a story mentions, main country first."""

from pathlib import Path

import pytest

from articles.places import find_places

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "000_c0383c076b36fe93.txt"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks were held in Algeria.", ["Algeria"]),
        ("The Azerbaijani minister spoke.", ["Azerbaijan"]),
        ("An Algerian delegation arrived.", ["Algeria"]),
        ("Several Algerians were present.", ["Algeria"]),
        ("French officials declined to comment.", ["France"]),
        ("The minister flew to Algiers.", ["Algeria"]),
        ("ALGIERS AND BAKU SIGN A DEAL", ["Algeria", "Azerbaijan"]),
        ("Algeria\u2019s president and Azerbaijan's minister met.", ["Algeria", "Azerbaijan"]),
        ("the Algeria-Azerbaijan relationship", ["Algeria", "Azerbaijan"]),
    ],
)
def test_names_demonyms_and_capitals(text, expected):
    assert find_places(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow and the Russian Federation", ["Russia"]),
        ("Iran, Islamic Republic of Iran", ["Iran"]),
        ("Syria and the Syrian Arab Republic", ["Syria"]),
        ("Tanzania", ["Tanzania"]),
        ("Viet Nam, also written Vietnam", ["Vietnam"]),
        ("South Korea and the Republic of Korea", ["South Korea"]),
        ("Bolivia", ["Bolivia"]),
        ("Venezuela", ["Venezuela"]),
        ("Moldova", ["Moldova"]),
        ("Laos", ["Laos"]),
        ("Côte d'Ivoire, Ivory Coast and the Ivorian capital", ["Ivory Coast"]),
        ("Turkey, Türkiye, Turkish and TURKEY", ["Turkey"]),
        ("the U.S., the USA and the United States of America", ["United States"]),
        ("Britain and the UK", ["United Kingdom"]),
    ],
)
def test_canonical_short_names(text, expected):
    assert find_places(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guinea-Bissau held elections.", ["Guinea-Bissau"]),
        ("Equatorial Guinea exports oil.", ["Equatorial Guinea"]),
        ("Papua New Guinea is in the Pacific.", ["Papua New Guinea"]),
        ("Guinea and Guinea-Bissau", ["Guinea", "Guinea-Bissau"]),
        ("Nigeria is Africa's most populous country.", ["Nigeria"]),
        ("Niger borders Nigeria.", ["Niger", "Nigeria"]),
        ("A Nigerien official met a Nigerian one.", ["Niger", "Nigeria"]),
        ("South Sudan became independent.", ["South Sudan"]),
        ("Sudan and South Sudan share a border.", ["Sudan", "South Sudan"]),
        ("the Democratic Republic of the Congo", ["Democratic Republic of the Congo"]),
        ("DR Congo and the Republic of the Congo", ["Democratic Republic of the Congo", "Congo"]),
        (
            "Kinshasa faces Brazzaville across the river.",
            ["Democratic Republic of the Congo", "Congo"],
        ),
        ("Primaries in New Jersey and New Mexico", []),
        ("Latin America and South American markets", []),
        ("The Gulf of Guinea and the Niger Delta", []),
    ],
)
def test_longer_names_win_over_the_names_inside_them(text, expected):
    assert find_places(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Chad Smith scored twice.", []),
        ("Jordan Peterson gave a lecture.", []),
        ("He read the Washington Post.", []),
        ("Chad and Niger signed a pact.", ["Chad", "Niger"]),
        ("Jordan's King Abdullah met the Chad President.", ["Jordan", "Chad"]),
        ("Officials in Jordan said so.", ["Jordan"]),
        ("We ate turkey and fine china, and sat in a jordan chair.", []),
    ],
)
def test_first_names_and_lowercase_words_do_not_count(text, expected):
    assert find_places(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "L'Algérie et le Maroc ont signé un accord avec la Tunisie.",
            ["Algeria", "Morocco", "Tunisia"],
        ),
        ("Alger accueille une délégation de la Tunisie.", ["Algeria", "Tunisia"]),
        ("استقبل رئيس الجزائر وزير خارجية أذربيجان", ["Algeria", "Azerbaijan"]),
        ("وصل الوزير إلى تونس قادما من المغرب", ["Tunisia", "Morocco"]),
        ("العلاقات بين تونس والجزائر بالمغرب", ["Tunisia", "Algeria", "Morocco"]),
    ],
)
def test_french_and_arabic_names(text, expected):
    assert find_places(text) == expected


def test_most_mentioned_country_comes_first():
    text = "Morocco hosted talks. Algeria sent a minister; Algerian experts and Algiers agreed."
    assert find_places(text) == ["Algeria", "Morocco"]


def test_ties_are_broken_by_first_mention():
    assert find_places("Egypt and Libya; Libya and Egypt.") == ["Egypt", "Libya"]


def test_dateline_country_comes_first_even_when_mentioned_less():
    text = "Azerbaijan and Azerbaijan and Algeria."
    assert find_places(text, dateline="Algiers") == ["Algeria", "Azerbaijan"]


def test_dateline_country_is_included_even_when_not_in_text():
    assert find_places("The minister spoke to reporters.", dateline="PARIS (AFP)") == ["France"]


@pytest.mark.parametrize(
    ("dateline", "main"),
    [
        ("CONSTANTINE, Nov 3 (APS)", "Algeria"),
        ("Oran", "Algeria"),
        ("ALGIERS (Reuters)", "Algeria"),
        ("Paris, 3 novembre (AFP)", "France"),
        ("Kingston, Jamaica", "Jamaica"),
        ("الجزائر", "Algeria"),
        ("NEW YORK", "United States"),
    ],
)
def test_dateline_places(dateline, main):
    assert find_places("Nothing here.", dateline=dateline)[0] == main


def test_unknown_dateline_falls_back_to_the_most_mentioned():
    text = "Tunisia and Tunisia and Libya."
    assert find_places(text, dateline="Energy Cooperation") == ["Tunisia", "Libya"]


def test_no_places():
    assert find_places("") == []
    assert find_places("A story about nothing in particular.") == []


def test_sample_ranks_algeria_then_azerbaijan():
    places = find_places(SAMPLE.read_text(encoding="utf-8"), dateline="Algiers")
    assert places[:2] == ["Algeria", "Azerbaijan"]
    assert "Armenia" in places
