"""Property tests for the seed parser: any bytes give an article or a plain reason."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.importer import ParsedArticle, SkipFile, parse_bytes

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

paragraph = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)
    .map(str.strip)
    .filter(lambda text: any(ch.isalnum() for ch in text))
)


@PROPERTY_SETTINGS
@given(st.binary(max_size=4096))
def test_any_bytes_give_an_article_or_a_reason(data):
    try:
        parsed = parse_bytes(data)
    except SkipFile as skip:
        assert str(skip)
    else:
        assert isinstance(parsed, ParsedArticle)
        assert parsed.headline.strip()
        assert parsed.paragraphs


@PROPERTY_SETTINGS
@given(st.text(max_size=2000), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_text_in_any_supported_encoding_gives_an_article_or_a_reason(text, encoding):
    try:
        parse_bytes(text.encode(encoding))
    except SkipFile as skip:
        assert str(skip)


@PROPERTY_SETTINGS
@given(
    st.text(alphabet="abcdefghij klmnop", min_size=3, max_size=60)
    .map(str.strip)
    .filter(lambda title: len(title) >= 3 and not title.endswith(".")),
    st.lists(paragraph, min_size=1, max_size=8),
)
def test_a_titled_file_keeps_exactly_its_paragraphs(title, paragraphs):
    parsed = parse_bytes((f"Title: {title}\n\n" + "\n".join(paragraphs)).encode("utf-8"))
    assert parsed.headline == " ".join(title.split())  # runs of spaces collapse
    assert " ".join(parsed.paragraphs).split() == " ".join(paragraphs).split()
