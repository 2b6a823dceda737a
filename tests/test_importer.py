"""Tests for articles.importer: plain-text files in, ParsedArticle (or SkipFile) out."""

import codecs
import hashlib
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from articles.importer import (
    ParsedArticle,
    SkipFile,
    body_html,
    decode_bytes,
    derive_headline,
    find_mentions,
    links_sections,
    parse_bytes,
    split_dateline,
    text_words,
)

SAMPLE = Path(__file__).resolve().parent.parent / "seeds" / "000_c0383c076b36fe93.txt"
SAMPLE_HEADLINE = (
    "President Abdelmadjid Tebboune received Azerbaijani Foreign Minister Jeyhun Bayramov"
)
LEAD = "Algiers \u2013 President Tebboune received the minister in Algiers on Monday."
ARABIC_LEAD = "الجزائر \u2013 استقبل رئيس الجمهورية وزير الخارجية الأذربيجاني يوم الاثنين."
ARABIC_SECOND = "وتناول اللقاء العلاقات بين الجزائر وأذربيجان."


def parse(text: str) -> ParsedArticle:
    return parse_bytes(text.encode("utf-8"))


def skip_reason(data: bytes, **kwargs) -> str:
    with pytest.raises(SkipFile) as excinfo:
        parse_bytes(data, **kwargs)
    return str(excinfo.value)


# --- The sample seed ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="module")
def sample(sample_bytes) -> ParsedArticle:
    return parse_bytes(sample_bytes)


def test_sample_headline_is_derived_from_the_lead_sentence(sample):
    assert sample.headline == SAMPLE_HEADLINE
    assert sample.headline_derived is True


def test_sample_dek_is_the_whole_lead_sentence(sample):
    assert sample.dek.startswith(SAMPLE_HEADLINE + " and his accompanying delegation")
    assert sample.dek.endswith("between Algeria and Azerbaijan.")
    assert not sample.dek.startswith("Algiers")


def test_sample_dateline_is_removed_from_the_first_paragraph(sample):
    assert sample.dateline == "Algiers"
    assert sample.paragraphs[0].startswith("President Abdelmadjid Tebboune")
    assert not sample.paragraphs[0].startswith("Algiers")


def test_sample_has_one_paragraph_per_non_empty_line(sample, sample_bytes):
    lines = [line for line in sample_bytes.decode("utf-8").splitlines() if line.strip()]
    assert len(sample.paragraphs) == len(lines)
    assert sample.paragraphs[-1].startswith("DZWatch will continue")


def test_sample_places_start_with_algeria_then_azerbaijan(sample):
    assert sample.places[:2] == ("Algeria", "Azerbaijan")
    assert sample.main_country == "Algeria"


def test_sample_metadata(sample):
    assert sample.language == "en"
    assert sample.encoding == "utf-8"
    assert sample.legacy_encoding is False
    assert (sample.section, sample.tags, sample.bylines) == ("", (), ())
    assert (sample.slug, sample.status, sample.published_at) == ("", "", None)
    assert sample.warnings == ()


def test_sample_links_the_dedicated_section_once_and_escapes_markup(sample):
    paragraphs = [*sample.paragraphs, "<script>alert('x')</script> was posted in Algeria."]
    html = body_html(paragraphs, section_links={"Algeria": "/section/algeria/"})
    assert html.count("<a ") == 1
    assert (
        "For more information about Algeria, check "
        '<a href="/section/algeria/">our dedicated section</a>.' in html
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert html.count("<p>") == len(paragraphs)


def test_sample_without_section_links_has_no_links(sample):
    assert "<a " not in body_html(sample.paragraphs)
    assert "<a " not in body_html(sample.paragraphs, section_links={"Morocco": "/m/"})


def test_sample_is_frozen(sample):
    with pytest.raises(AttributeError):
        sample.headline = "changed"


# --- Content hash ------------------------------------------------------------------------


def test_content_hash_ignores_line_endings_bom_and_trailing_whitespace(sample, sample_bytes):
    text = sample_bytes.decode("utf-8")
    variants = [
        text.replace("\n", "\r\n").encode("utf-8"),
        text.replace("\n", "\r").encode("utf-8"),
        codecs.BOM_UTF8 + sample_bytes,
        ("\n\n" + text.replace("\n", "   \n") + "\n\n\n").encode("utf-8"),
        text.encode("utf-16"),
    ]
    for variant in variants:
        assert parse_bytes(variant).content_hash == sample.content_hash


def test_content_hash_is_sha256_of_the_normalised_text(sample, sample_bytes):
    normalised = sample_bytes.decode("utf-8").strip("\n")
    assert sample.content_hash == hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def test_content_hash_changes_with_the_text(sample, sample_bytes):
    changed = sample_bytes.replace(b"Monday", b"Tuesday")
    assert parse_bytes(changed).content_hash != sample.content_hash


# --- Format (b): a title line ------------------------------------------------------------


def test_title_line_then_one_paragraph_per_line():
    article = parse("Algeria and Azerbaijan deepen ties\n\nFirst paragraph.\nSecond paragraph.\n")
    assert article.headline == "Algeria and Azerbaijan deepen ties"
    assert article.headline_derived is False
    assert article.dek == ""
    assert article.paragraphs == ("First paragraph.", "Second paragraph.")


def test_title_line_then_blank_separated_one_line_paragraphs():
    article = parse("\n\n  \nA title\n\nFirst paragraph.\n\nSecond paragraph.\n\nThird one.")
    assert article.headline == "A title"
    assert article.paragraphs == ("First paragraph.", "Second paragraph.", "Third one.")


def test_hard_wrapped_blocks_are_joined():
    text = (
        "A title\n\n"
        "The first paragraph is wrapped\nat a fixed width   \nby an old editor.\n\n"
        "The second one\nis wrapped too.\n\n"
        "The third is short.\n"
    )
    assert parse(text).paragraphs == (
        "The first paragraph is wrapped at a fixed width by an old editor.",
        "The second one is wrapped too.",
        "The third is short.",
    )


def test_markdown_title():
    article = parse("## Algeria signs a deal\n\nThe deal was signed on Monday.")
    assert article.headline == "Algeria signs a deal"
    assert article.paragraphs == ("The deal was signed on Monday.",)


def test_title_line_with_dateline_led_body():
    article = parse("Tebboune receives Bayramov\n\n" + LEAD + "\nMore text.")
    assert article.headline == "Tebboune receives Bayramov"
    assert article.headline_derived is False
    assert article.dateline == "Algiers"
    assert article.paragraphs[0] == "President Tebboune received the minister in Algiers on Monday."


def test_dateline_led_first_line_is_not_taken_for_a_title():
    article = parse(LEAD + "\n\nSecond paragraph.")
    assert article.headline_derived is True
    assert article.headline == "President Tebboune received the minister in Algiers on Monday"
    assert article.dateline == "Algiers"


def test_first_sentence_followed_by_blank_line_is_not_a_title():
    article = parse("The minister arrived on Monday.\n\nHe left on Tuesday.")
    assert article.headline_derived is True
    assert article.paragraphs == ("The minister arrived on Monday.", "He left on Tuesday.")


def test_single_sentence_file_is_a_one_paragraph_article():
    article = parse("Algiers - The minister arrived on Monday.")
    assert article.headline == "The minister arrived on Monday"
    assert article.paragraphs == ("The minister arrived on Monday.",)


def test_symbol_only_lines_are_dropped():
    article = parse("A title\n\nFirst part.\n\n* * *\n\nSecond part.")
    assert article.paragraphs == ("First part.", "Second part.")


# --- Format (c): headers -----------------------------------------------------------------

FULL_HEADERS = """\
Title: Algeria and Azerbaijan sign energy deal
Dek: The agreement covers gas and training.
Section: Algeria
Tags: Energy, diplomacy; energy , Gas,
Byline: By Amina Ben, Karim Z. and Leila M.
Date: 2024-03-04T10:30:00+01:00
Language: English
Slug: Algeria & Azerbaijan: Energy Deal!
Status: Published

ALGIERS (APS) \u2013 The two countries signed the deal on Monday.
A second paragraph.
"""


def test_every_header():
    article = parse(FULL_HEADERS)
    assert article.headline == "Algeria and Azerbaijan sign energy deal"
    assert article.headline_derived is False
    assert article.dek == "The agreement covers gas and training."
    assert article.section == "Algeria"
    assert article.tags == ("Energy", "diplomacy", "Gas")
    assert article.bylines == ("Amina Ben", "Karim Z.", "Leila M.")
    assert article.published_at == datetime(2024, 3, 4, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert article.language == "en"
    assert article.slug == "algeria-azerbaijan-energy-deal"
    assert article.status == "published"
    assert article.dateline == "ALGIERS (APS)"
    assert article.paragraphs == (
        "The two countries signed the deal on Monday.",
        "A second paragraph.",
    )
    assert article.places[:2] == ("Algeria", "Azerbaijan")
    assert article.warnings == ()


def test_header_aliases_and_key_case():
    text = (
        "headline: Given headline\nSUBTITLE: Given dek\nauthor: By Leila M.\nLang: fr-FR\n"
        "STATUS: draft\n\nLe texte de l'article est dans la rubrique."
    )
    article = parse(text)
    assert article.headline == "Given headline"
    assert article.dek == "Given dek"
    assert article.bylines == ("Leila M.",)
    assert article.language == "fr"
    assert article.status == "draft"


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By A, B and C", ("A", "B", "C")),
        ("by Amina Ben & Karim Z.", ("Amina Ben", "Karim Z.")),
        ("Amina Ben; Karim Z.; amina ben", ("Amina Ben", "Karim Z.")),
        ("Staff", ("Staff",)),
    ],
)
def test_bylines(byline, names):
    assert parse(f"Byline: {byline}\n\nBody text here.").bylines == names


def test_headers_without_title_then_dateline_body_derive_the_headline_and_keep_the_dek():
    article = parse("Section: Algeria\nDek: Given dek\n\n" + LEAD)
    assert article.headline_derived is True
    assert article.headline == "President Tebboune received the minister in Algiers on Monday"
    assert article.dek == "Given dek"
    assert article.section == "Algeria"


def test_headers_without_title_then_title_line():
    article = parse("Section: Algeria\n\nA body title\n\nThe body.")
    assert article.headline == "A body title"
    assert article.paragraphs == ("The body.",)


def test_body_is_not_searched_for_a_title_when_the_header_gives_one():
    article = parse("Title: Header title\n\nShort first line\n\nThe body.")
    assert article.headline == "Header title"
    assert article.paragraphs == ("Short first line", "The body.")


def test_unknown_and_repeated_headers_are_ignored_with_warnings():
    article = parse("Title: One\nFoo: bar\nTitle: Two\n\nThe body.")
    assert article.headline == "One"
    assert article.warnings == (
        "unknown header 'Foo' on line 2 ignored",
        "repeated header 'Title' on line 3 ignored",
    )


def test_header_block_without_blank_line_after_it():
    article = parse("Title: One\nThe body starts here.")
    assert article.headline == "One"
    assert article.paragraphs == ("The body starts here.",)
    assert article.warnings == ("header block has no blank line after it (line 2)",)


def test_first_line_with_unknown_key_is_not_a_header_block():
    article = parse("Algeria: a new era\n\nThe body.")
    assert article.headline == "Algeria: a new era"
    assert article.section == ""


def test_blank_header_values_count_as_absent():
    article = parse("Title: One\nStatus:\nDate:\nSlug:\n\nThe body.")
    assert (article.status, article.published_at, article.slug) == ("", None, "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04", datetime(2024, 3, 4)),
        ("2024-03-04T10:30", datetime(2024, 3, 4, 10, 30)),
        ("2024-03-04 10:30:15", datetime(2024, 3, 4, 10, 30, 15)),
        ("2024-03-04T10:30:00Z", datetime(2024, 3, 4, 10, 30, tzinfo=UTC)),
        (
            "2024-03-04T10:30:00-05:00",
            datetime(2024, 3, 4, 10, 30, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_dates(value, expected):
    published_at = parse(f"Date: {value}\n\nThe body.").published_at
    assert published_at == expected
    assert (published_at.tzinfo is None) == (expected.tzinfo is None)


@pytest.mark.parametrize("value", ["xyz", "04/03/2024", "2024-13-01", "2024-02-30T10:00"])
def test_bad_date_is_skipped(value):
    data = f"Title: T\nDate: {value}\n\nThe body.".encode()
    assert skip_reason(data) == f"header Date '{value}' is not an ISO 8601 date"


@pytest.mark.parametrize(
    ("value", "expected"), [("draft", "draft"), ("DRAFT", "draft"), ("Publish", "published")]
)
def test_statuses(value, expected):
    assert parse(f"Status: {value}\n\nThe body.").status == expected


def test_bad_status_is_skipped():
    reason = skip_reason(b"Title: T\nStatus: archived\n\nThe body.")
    assert reason == "header Status 'archived' is not 'draft' or 'published'"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("en", "en"),
        ("English", "en"),
        ("French", "fr"),
        ("français", "fr"),
        ("fr-FR", "fr"),
        ("fr_CA", "fr"),
        ("Arabic", "ar"),
        ("العربية", "ar"),
        ("ara", "ar"),
    ],
)
def test_language_header(value, code):
    assert parse(f"Language: {value}\n\nThe body.").language == code


def test_unrecognised_language_header_is_guessed_with_a_warning():
    article = parse("Language: Elvish\n\nLe président est arrivé dans la capitale.")
    assert article.language == "fr"
    assert article.warnings == ("header Language 'Elvish' not recognised; guessed from the text",)


@pytest.mark.parametrize(
    ("value", "slug"),
    [("Café & Co: Élan!", "cafe-co-elan"), ("الجزائر اليوم", "الجزائر-اليوم")],
)
def test_slug_header_is_slugified(value, slug):
    assert parse(f"Slug: {value}\n\nThe body.").slug == slug


def test_slug_without_usable_characters_is_ignored_with_a_warning():
    article = parse("Slug: ???\n\nThe body.")
    assert article.slug == ""
    assert article.warnings == (
        "header Slug '???' has no letters or digits usable in a URL; ignored",
    )


# --- Encodings ---------------------------------------------------------------------------


def test_decode_utf8():
    assert decode_bytes("Café".encode()) == ("Café", "utf-8")


def test_decode_utf8_with_bom():
    assert decode_bytes(codecs.BOM_UTF8 + "Café".encode()) == ("Café", "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    assert decode_bytes(bom + "Café الجزائر".encode(codec)) == ("Café الجزائر", "utf-16")


def test_decode_cp1252_fallback():
    assert decode_bytes(b"Caf\xe9 \x93quoted\x94") == ("Café “quoted”", "cp1252")


def test_parse_cp1252_reports_legacy_encoding():
    article = parse_bytes(b"Caf\xe9 \x93quoted\x94\r\n\r\nThe caf\xe9 opened on Monday.")
    assert article.headline == "Café “quoted”"
    assert article.paragraphs == ("The café opened on Monday.",)
    assert article.encoding == "cp1252"
    assert article.legacy_encoding is True


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_parse_utf16(codec):
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    article = parse_bytes(bom + (LEAD + "\r\nSecond.").encode(codec))
    assert article.dateline == "Algiers"
    assert article.encoding == "utf-16"
    assert article.legacy_encoding is False


def test_crlf_and_cr_line_endings_parse_like_lf():
    text = "A title\n\nFirst paragraph.\nSecond paragraph."
    lf = parse(text)
    for ending in ("\r\n", "\r"):
        other = parse(text.replace("\n", ending))
        assert other == lf


# --- Skips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "file is empty"),
        (b"  \n\t\r\n  \n", "file has only whitespace"),
        (codecs.BOM_UTF8, "file has only whitespace"),
        (b"\x00\x01\x02 binary", "file looks binary, not text"),
        (b"text with a NUL\x00 in it", "file looks binary, not text"),
        (b"\x01\x02\x03\x04\x05\x06 mostly control characters", "file looks binary, not text"),
        (b"\x81\x8d\x8f\x90\x9d", "file is not valid UTF-8, UTF-16 or Windows-1252 text"),
        (b"Caf\xe9 \x81", "file is not valid UTF-8, UTF-16 or Windows-1252 text"),
        (codecs.BOM_UTF16_LE + b"A\x00B", "file is not valid UTF-8, UTF-16 or Windows-1252 text"),
        (
            codecs.BOM_UTF16_LE + b"\x00\xd8A\x00",  # a lone high surrogate
            "file is not valid UTF-8, UTF-16 or Windows-1252 text",
        ),
        (codecs.BOM_UTF8 + b"\xff", "file is not valid UTF-8, UTF-16 or Windows-1252 text"),
        (b"Algeria and Azerbaijan deepen ties", "file has a title but no body"),
        (b"A title\n\n\n", "file has a title but no body"),
        (b"# A title\n", "file has a title but no body"),
        (b"A title\n\n* * *\n", "file has a title but no body"),
        (b"Title: T\nSection: S\n", "file has headers but no body"),
        (b"Title: T\nSection: S\n\n\n  \n", "file has headers but no body"),
        (b"\n\nTitle:\n", "file has headers but no body"),
        (b"-- -- --\n***", "file has no words, only punctuation or symbols"),
    ],
)
def test_skip_reasons(data, reason):
    assert skip_reason(data) == reason


def test_too_large_file_is_skipped():
    data = b"x" * int(3.1 * 1024 * 1024)
    assert skip_reason(data) == "file is 3.1 MB, over the 2.0 MB limit"


def test_size_limit_is_configurable():
    assert skip_reason(b"x" * 2000, max_bytes=1024) == "file is 2.0 KB, over the 1.0 KB limit"
    assert skip_reason(b"x" * 20, max_bytes=10) == "file is 20 bytes, over the 10 bytes limit"


def test_file_at_the_limit_is_parsed():
    data = b"The minister arrived on Monday. " * 32
    assert parse_bytes(data, max_bytes=len(data)).paragraphs


# --- French and Arabic -------------------------------------------------------------------


def test_french_text_is_guessed():
    article = parse(
        "Paris, 3 novembre (AFP) \u2013 Le président algérien a reçu le ministre des "
        "affaires étrangères. La rencontre a eu lieu au palais présidentiel.\n"
        "Pour plus d'informations sur l'Algérie, consultez notre rubrique dédiée."
    )
    assert article.language == "fr"
    assert article.dateline == "Paris, 3 novembre (AFP)"
    assert article.headline == "Le président algérien a reçu le ministre des affaires étrangères"
    assert article.main_country == "France"
    assert "Algeria" in article.places


def test_french_pointer_sentence_links():
    html = body_html(
        ["Pour plus d'informations sur l'Algérie, consultez notre rubrique dédiée."],
        section_links={"Algérie": "/section/algerie/"},
    )
    assert '<a href="/section/algerie/">notre rubrique dédiée</a>' in html


def test_arabic_text_with_dateline():
    article = parse(ARABIC_LEAD + "\n" + ARABIC_SECOND)
    assert article.language == "ar"
    assert article.dateline == "الجزائر"
    assert article.headline == "استقبل رئيس الجمهورية وزير الخارجية الأذربيجاني يوم الاثنين"
    assert article.paragraphs[0].startswith("استقبل")
    assert article.main_country == "Algeria"


def test_french_without_accents_is_guessed_and_english_stays_english():
    french = "Le ministre est dans la ville pour les elections; il a vu les maires et l'equipe."
    assert french.isascii()
    assert parse(french).language == "fr"
    assert parse("The minister (le ministre) said that it was in the city.").language == "en"


def test_section_pointer_in_upper_case_is_found():
    html = body_html(
        ["For more on ALGERIA, see OUR DEDICATED SECTION."],
        section_links={"Algeria": "/section/algeria/"},
    )
    assert '<a href="/section/algeria/">OUR DEDICATED SECTION</a>' in html
    assert links_sections(["For more on Algeria, see our dedicated Section."])
    assert not links_sections(["Sections of the road were closed.", "  "])


@pytest.mark.parametrize(
    "text",
    ["Gas, oil & the U.S.-Algeria_pact (2024)!", "Énergie: l'Algérie et le gaz", "a\tb\x1fc"],
)
def test_text_words_are_the_lower_case_word_runs(text):
    assert text_words(text) == set(re.findall(r"\w+", text.lower()))


def test_english_text_with_french_words_stays_english():
    assert parse("The minister said the coup de grâce was near.").language == "en"


# --- split_dateline ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "dateline", "rest"),
    [
        ("Algiers \u2013 President Tebboune spoke.", "Algiers", "President Tebboune spoke."),
        (
            "CONSTANTINE, Nov 3 (APS) - The governor said.",
            "CONSTANTINE, Nov 3 (APS)",
            "The governor said.",
        ),
        ("ALGIERS (Reuters) \u2014 Talks began.", "ALGIERS (Reuters)", "Talks began."),
        ("Paris, 3 novembre (AFP) \u2013 Le ministre.", "Paris, 3 novembre (AFP)", "Le ministre."),
        ("Rio de Janeiro -- Carnival began.", "Rio de Janeiro", "Carnival began."),
        ("Kingston, Jamaica \u2013 Rain fell.", "Kingston, Jamaica", "Rain fell."),
        ("الجزائر (واج) - قال الرئيس", "الجزائر (واج)", "قال الرئيس"),
        ("NEW YORK\u00a0\u2013 Stocks rose.", "NEW YORK", "Stocks rose."),
    ],
)
def test_split_dateline(paragraph, dateline, rest):
    assert split_dateline(paragraph) == (dateline, rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Energy cooperation - the key to the relationship - is expected to grow.",
        "Moreover, the minister \u2013 who arrived late \u2013 spoke.",
        "The minister said \u2013 again \u2013 that talks would continue.",
        "Algiers-based analysts said so.",
        "Algiers \u2013",
        "Algiers \u2013 ...",
        "2024 \u2013 a year of change.",
        "A Very Long Capitalised Phrase Of Many Words \u2013 is not a place.",
        "Somewhere, " + "x" * 40 + " \u2013 text.",
        "",
    ],
)
def test_not_a_dateline(paragraph):
    assert split_dateline(paragraph) == ("", paragraph)


# --- derive_headline ---------------------------------------------------------------------


def test_short_sentence_is_kept_whole_without_its_full_stop():
    assert derive_headline("The minister arrived on Monday.") == "The minister arrived on Monday"


def test_short_sentence_loses_trailing_dashes_and_commas():
    assert derive_headline("Algiers \u2013 .") == "Algiers"


def test_short_question_keeps_its_question_mark():
    assert derive_headline("Will the talks succeed?") == "Will the talks succeed?"


def test_initials_keep_their_full_stop():
    assert derive_headline("Algeria signs a deal with the U.S.") == (
        "Algeria signs a deal with the U.S."
    )


def test_long_sentence_is_cut_at_the_longest_clause_break():
    sentence = (
        "The foreign minister arrived in the capital on Monday morning, the ministry said, "
        "ahead of talks that are expected to last several days."
    )
    assert derive_headline(sentence) == (
        "The foreign minister arrived in the capital on Monday morning, the ministry said"
    )


def test_long_sentence_is_cut_before_a_joining_word():
    assert derive_headline(SAMPLE_HEADLINE + " and his delegation in Algiers on Monday.") == (
        SAMPLE_HEADLINE
    )


def test_cuts_shorter_than_40_characters_are_not_used():
    sentence = (
        "Officials, citing unnamed sources close to the government, described a long series "
        "of meetings held behind closed doors this week."
    )
    headline = derive_headline(sentence)
    assert len(headline) >= 40
    assert sentence.startswith(headline)


def test_without_a_break_the_cut_is_at_a_word_boundary_without_a_dangling_word():
    sentence = "Algerian officials discussed the future of the national energy sector."
    assert derive_headline(sentence, limit=44) == "Algerian officials discussed the future"


@pytest.mark.parametrize("limit", [20, 40, 60, 80, 100, 120])
def test_headline_is_never_cut_mid_word_and_has_no_dangling_stop_word(limit):
    lead = (
        "Azerbaijan and Algeria agreed to the expansion of the cooperation in the energy sector "
        "and in the technology of renewable sources of power for the decade to come."
    )
    headline = derive_headline(lead, limit=limit)
    assert 0 < len(headline) <= limit
    assert lead.startswith(headline)
    assert lead[len(headline)] in " ,."
    assert headline.split()[-1].lower() not in {"and", "the", "of", "a", "to", "in", "for"}
    assert headline[-1].isalnum()


def test_unclosed_parenthesis_is_dropped():
    sentence = (
        "Both countries are active members of the Non-Aligned Movement (NAM and other groups) "
        "and share a commitment."
    )
    assert derive_headline(sentence, limit=70) == (
        "Both countries are active members of the Non-Aligned Movement"
    )


def test_single_giant_word_is_truncated_to_the_limit():
    assert derive_headline("x" * 500) == "x" * 100


# --- body_html ---------------------------------------------------------------------------


def test_body_html_escapes_text():
    html = body_html(["<script>alert('x')</script> & more", "Second"])
    assert html == (
        "<p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more</p>\n<p>Second</p>"
    )


def test_body_html_skips_blank_paragraphs():
    assert body_html(["One", " ", "Two"]) == "<p>One</p>\n<p>Two</p>"


def test_section_link_url_is_escaped():
    html = body_html(
        ["Read about Algeria in our dedicated section."],
        section_links={"Algeria": '/s/?a=1&b="2"'},
    )
    assert '<a href="/s/?a=1&amp;b=&quot;2&quot;">our dedicated section</a>' in html


def test_section_link_prefers_the_subject_after_about():
    html = body_html(
        ["Like Morocco, we cover news about Algeria: see our dedicated section."],
        section_links={"Morocco": "/section/morocco/", "algeria": "/section/algeria/"},
    )
    assert html.count("<a ") == 1
    assert '<a href="/section/algeria/">our dedicated section</a>' in html


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("See our section on Algeria for more.", "our section"),
        ("More in our Algeria section.", "our Algeria section"),
        ("For more on algeria, visit our dedicated section.", "our dedicated section"),
    ],
)
def test_pointer_phrases(sentence, phrase):
    html = body_html([sentence], section_links={"Algeria": "/a/"})
    assert f'<a href="/a/">{phrase}</a>' in html


def test_only_the_pointer_sentence_gets_a_link():
    paragraph = (
        "Algeria is a big country. Our dedicated section has more on Algeria. "
        "Algeria borders Tunisia."
    )
    html = body_html([paragraph], section_links={"Algeria": "/a/"})
    assert html == (
        '<p>Algeria is a big country. <a href="/a/">Our dedicated section</a> has more on '
        "Algeria. Algeria borders Tunisia.</p>"
    )


def test_pointer_without_a_known_subject_gets_no_link():
    html = body_html(
        ["For more about Libya, check our dedicated section."],
        section_links={"Algeria": "/a/"},
    )
    assert "<a " not in html


def test_subject_must_be_a_whole_word():
    html = body_html(
        ["Algerian news is in our dedicated section."], section_links={"Algeria": "/a/"}
    )
    assert "<a " not in html


# --- find_mentions -----------------------------------------------------------------------


def test_find_mentions_whole_words_case_insensitive_in_given_order():
    text = "Energy talks in ALGERIA; the Algerian side and Gas-rich partners."
    names = ["Gas", "Algeria", "Energy", "Algerian", "Azerbaijan", "gas", "Oil", "Gas"]
    assert find_mentions(text, names) == ["Gas", "Algeria", "Energy", "Algerian", "gas"]


def test_find_mentions_handles_punctuation_in_names():
    assert find_mentions("Ties with the U.S. grew.", ["U.S.", "US", "", "  "]) == ["U.S."]


# --- Nothing but ParsedArticle or SkipFile -----------------------------------------------


def _nasty_inputs() -> list[bytes]:
    rng = random.Random(20240304)
    return [
        b"\x00",
        b"\xff\xfe",
        b"\xfe\xff",
        b"\xef\xbb\xbf",
        b"\xff\xfe\x00",
        b"\xff\xfe\x00\xdc\x00\xd8",
        b"\xfe\xff\xd8\x00\x00A",
        b"\xff\xfe\x00\x00A\x00\x00\x00",
        b"-",
        b"----------\n----",
        b"\xe2\x80\x93 \xe2\x80\x93 \xe2\x80\x93",
        "Algiers \u2013 ".encode(),
        "Algiers \u2013 .".encode(),
        "Algiers \u2013 x".encode(),
        b"x",
        b".",
        b"#",
        b"# ",
        b"\n\n\n",
        b"\r\r\r",
        b"Title:",
        b"Title: \n\n",
        b"Title: T\n\n-",
        b"Status: nope\n",
        b"Date: 2024-99-99\n\nBody.",
        b"\x1b[31m colour codes \x1b[0m",
        b"\x0c\x0c\x0cpage breaks only\x0c",
        "\u202e\u200b\u200d zero-width and bidi \u2028 separators".encode(),
        ("word " * 400_000).encode(),
        ("Word. " * 300_000).encode(),
        b"a" * (2 * 1024 * 1024),
        b"a" * (2 * 1024 * 1024 + 1),
        *(rng.randbytes(rng.randint(1, 3000)) for _ in range(20)),
    ]


def test_nasty_inputs_give_an_article_or_a_skip():
    for data in _nasty_inputs():
        try:
            article = parse_bytes(data)
        except SkipFile as exc:
            assert str(exc), data[:40]
        else:
            assert article.headline, data[:40]
            assert article.paragraphs, data[:40]
            assert all(article.paragraphs), data[:40]
