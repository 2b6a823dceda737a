"""Article HTML: one allow-list for editor and server; hostile HTML never reaches a reader."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from django_prose_editor.config import allowlist_from_extensions

from articles import services
from articles.models import Article
from articles.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    EDITOR_ATTRIBUTES_NOT_KEPT,
    EDITOR_EXTENSIONS,
    LINK_REL,
    plain_text,
    sanitize_html,
    without_tags,
)

from .factories import ArticleFactory, AuthorFactory, SectionFactory
from .xss_corpus import PageAudit, corpus_cases, fragment_audit

_MARKUP_DANGER = [
    re.compile(
        r"<\s*/?\s*(script|style|iframe|object|embed|svg|math|form|input|button|meta|base|link)\b",
        re.I,
    ),
    re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    re.compile(r"<[^>]*\sstyle\s*=", re.I),
    re.compile(r"""(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):""", re.I),
]


def assert_clean_body(body: str) -> None:
    """A stored body: nothing outside the allow-list, nothing that could run."""
    for pattern in _MARKUP_DANGER:
        assert not pattern.search(body), (pattern.pattern, body)
    audit = fragment_audit(body)
    assert audit.problems() == [], body
    assert audit.story_outside_allow_list() == [], body


def assert_clean_page(client: Client, article: Article) -> PageAudit:
    """The public story page, as an HTML parser reads it."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    audit = PageAudit(response.text)
    assert audit.problems() == []
    assert audit.story_outside_allow_list() == []
    return audit


@corpus_cases()
def test_sanitize_html_neutralises_the_payload_and_is_stable(payload):
    body = sanitize_html(f"<p>Before</p>{payload}")
    assert_clean_body(body)
    assert body.startswith("<p>Before</p>")
    assert sanitize_html(body) == body


@corpus_cases()
@pytest.mark.django_db
def test_hostile_body_saved_through_the_service_never_reaches_readers(client, editor, payload):
    article = Article(
        headline="Hostile body",
        section=SectionFactory(),
        body=f"<p>Before</p>{payload}",
        status=Article.Status.PUBLISHED,
    )
    services.article_save(article=article, user=editor)
    article.refresh_from_db()
    assert_clean_body(article.body)
    audit = assert_clean_page(client, article)
    assert audit.visible_story_text.startswith("Before")


def import_file(folder, payload: str) -> tuple[str, str]:
    (folder / "hostile.txt").write_text(
        f"Hostile text arrives\n\nOran – The file said {payload} and nothing more.\n"
    )
    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", str(folder), stdout=out, stderr=err)
    except CommandError as exc:
        err.write(str(exc))
    return out.getvalue(), err.getvalue()


@corpus_cases(nul=False)
@pytest.mark.django_db
def test_hostile_text_in_an_imported_file_is_shown_as_text(client, tmp_path, payload):
    _out, err = import_file(tmp_path, payload)
    assert err == ""
    article = Article.objects.get(source_path__endswith="hostile.txt")
    audit = fragment_audit(article.body)
    assert audit.problems() == []
    assert {tag for tag, _attrs in audit.story} <= {"p"}
    page = assert_clean_page(client, article)
    assert " ".join(payload.split()) in page.visible_story_text


@corpus_cases(nul=True)
@pytest.mark.django_db
def test_an_imported_file_with_a_nul_byte_is_refused(tmp_path, payload):
    _out, err = import_file(tmp_path, payload)
    assert "hostile.txt: skipped: file looks binary, not text" in err
    assert not Article.objects.exists()


def test_word_paste_becomes_clean_html():
    word = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<meta name=Generator content="Microsoft Word 15"><title>Budget notes</title>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>Desk</o:Author></o:DocumentProperties>
</xml><![endif]--><style><!-- p.MsoNormal {margin:0cm; font-family:"Calibri"} --></style>
</head><body lang=EN-GB style='tab-interval:36.0pt'><div class=WordSection1>
<p class=MsoNormal><b><span style='font-size:12.0pt;font-family:"Times New Roman"'>Budget
vote</span></b><span style='mso-spacerun:yes'>&nbsp;&nbsp; </span>passed on
<i>Tuesday</i>.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal><font face="Arial" color="red">Members</font> voted 210&nbsp;to&nbsp;90.</p>
</div></body></html>"""
    assert sanitize_html(word) == (
        "<p><strong>Budget\nvote</strong> passed on\n<em>Tuesday</em>.</p>\n\n"
        "<p>Members voted 210&nbsp;to&nbsp;90.</p>"
    )


def test_google_docs_paste_keeps_bold_italic_and_links_only():
    docs = (
        '<meta charset="utf-8"><b style="font-weight:normal;" '
        'id="docs-internal-guid-1a2b3c4d-7fff-1234-5678-9abcdef01234">'
        '<p dir="ltr" style="line-height:1.38;margin-top:0pt;margin-bottom:0pt;">'
        '<span style="font-size:11pt;font-family:Arial;font-weight:400;font-style:normal;'
        'white-space:pre-wrap;">Plain, </span>'
        '<span style="font-size:11pt;font-weight:700;">bold</span>'
        '<span style="font-size:11pt;font-weight:400;font-style:italic;"> and italic</span></p>'
        "<br>"
        '<p dir="ltr" style="line-height:1.38;"><span style="font-size:11pt;">'
        '<a href="https://example.org/report" style="text-decoration:none;">'
        '<span style="color:#1155cc;text-decoration:underline;">the report</span></a></span></p>'
        '<p dir="ltr"><span style="font-size:11pt;">&nbsp;</span></p>'
        '</b><br class="Apple-interchange-newline">'
    )
    assert sanitize_html(docs) == (
        "<p>Plain, <strong>bold</strong><em> and italic</em></p>"
        f'<p><a href="https://example.org/report" rel="{LINK_REL}">the report</a></p>'
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<p>Two&nbsp; spaces and three&nbsp;&nbsp;&nbsp;here</p>",
            "<p>Two spaces and three here</p>",
        ),
        ("<p>Keeps 10&nbsp;km together</p>", "<p>Keeps 10&nbsp;km together</p>"),
        (
            "<p>One</p><p></p><p> &nbsp; </p><p><br></p><p><em> </em></p><p>Two</p>",
            "<p>One</p><p>Two</p>",
        ),
        ("<h2>&nbsp;</h2><h3>Kept</h3>", "<h3>Kept</h3>"),
        ("<h1>Top</h1><h5>Low</h5><h6>Lower</h6>", "<h2>Top</h2><h4>Low</h4><h4>Lower</h4>"),
        ("<p><b>bold</b> <i>italic</i></p>", "<p><strong>bold</strong> <em>italic</em></p>"),
        ("<p><strong>a <b>b</b></strong></p>", "<p><strong>a b</strong></p>"),
        (
            '<p><span style="font-weight:bold;font-style:italic">both</span></p>',
            "<p><strong><em>both</em></strong></p>",
        ),
        ("<p><u>under</u> <s>struck</s> <code>x</code></p>", "<p>under struck x</p>"),
        ("<p><a>no address</a></p><p><img alt=x></p>", "<p>no address</p>"),
        ("<p><br></p><p>line<br>break</p>", "<p>line<br>break</p>"),
    ],
)
def test_pasted_formatting_is_normalised(html, expected):
    assert sanitize_html(html) == expected
    assert sanitize_html(expected) == expected


def test_everything_the_editor_writes_is_kept_unchanged():
    html = (
        "<h2>Sub</h2><h3>Smaller</h3><h4>Smallest</h4>"
        f'<p><strong>bold</strong> <em>italic</em> <a href="/section/algeria/" title="Algeria" '
        f'rel="{LINK_REL}">link</a><br>next line</p>'
        "<ul><li><p>one</p></li></ul>"
        '<ol start="3" type="a"><li><p>three</p></li></ol>'
        "<blockquote><p>Quoted</p></blockquote>"
        '<figure><img src="/media/photos/oran.jpg" alt="Oran harbour" width="640" height="480">'
        "<figcaption>Oran harbour at dawn</figcaption></figure>"
    )
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    "href",
    [
        "/section/algeria/",
        "#notes",
        "../2024/",
        "?page=2",
        "https://example.org/a?b=c&amp;d=e",
        "http://example.org/",
        "mailto:desk@example.org",
    ],
)
def test_links_keep_http_mailto_and_relative_addresses(href):
    html = f'<p><a href="{href}">x</a></p>'
    assert sanitize_html(html) == f'<p><a href="{href}" rel="{LINK_REL}">x</a></p>'


@pytest.mark.parametrize("href", ["ftp://example.org/", "tel:+213000000", "file:///etc/passwd"])
def test_links_with_other_schemes_become_plain_text(href):
    assert sanitize_html(f'<p><a href="{href}">x</a></p>') == "<p>x</p>"


def test_links_never_open_a_new_window_and_always_get_noopener():
    html = '<p><a href="https://example.org/" target="_blank" rel="opener">x</a></p>'
    assert sanitize_html(html) == f'<p><a href="https://example.org/" rel="{LINK_REL}">x</a></p>'


def test_the_editor_offers_exactly_what_the_allow_list_keeps():
    editor = allowlist_from_extensions(EDITOR_EXTENSIONS)
    assert editor["tags"] == ALLOWED_TAGS
    editor_attributes = {
        tag: attrs - EDITOR_ATTRIBUTES_NOT_KEPT.get(tag, set())
        for tag, attrs in editor["attributes"].items()
    }
    assert {tag: attrs for tag, attrs in editor_attributes.items() if attrs} == ALLOWED_ATTRIBUTES


def test_attributes_the_editor_declares_but_we_do_not_keep_are_removed():
    html = (
        '<figure class="figure"><img src="/a.jpg" data-file="7">'
        '<figcaption class="figure-caption">Caption</figcaption></figure>'
        '<ol data-type="x"><li>one</li></ol>'
        '<p><a target="_blank" href="/x" rel="nofollow">x</a></p>'
    )
    assert sanitize_html(html) == (
        '<figure><img src="/a.jpg"><figcaption>Caption</figcaption></figure>'
        f'<ol><li>one</li></ol><p><a href="/x" rel="{LINK_REL}">x</a></p>'
    )
    for tag, attrs in EDITOR_ATTRIBUTES_NOT_KEPT.items():
        assert not attrs & ALLOWED_ATTRIBUTES.get(tag, frozenset()), tag


def test_the_body_field_sanitizes_with_our_function():
    assert Article._meta.get_field("body").sanitize is sanitize_html


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>"><svg onload=alert(2)>'


@pytest.mark.django_db
def test_hostile_names_and_headlines_are_escaped_on_every_page(client, editor_client):
    section = SectionFactory(name=f"Section {HOSTILE}", slug="hostile-section")
    article = ArticleFactory(
        headline=f"Headline {HOSTILE}",
        dek=f"Dek {HOSTILE}",
        dateline=f"Dateline {HOSTILE}",
        credit=f"Credit {HOSTILE}",
        section=section,
        authors=[AuthorFactory(name=f"Author {HOSTILE}")],
        tags=[f"Tag {HOSTILE}"],
    )
    escaped = (
        "Headline &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
        "&lt;img src=x onerror=alert(1)&gt;"
    )
    pages = {
        "story": article.get_absolute_url(),
        "home": reverse("articles:home"),
        "section": section.get_absolute_url(),
        "tag": article.tags.get().get_absolute_url(),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert PageAudit(response.text).problems() == [], name
        assert escaped in response.text, name
    story = client.get(article.get_absolute_url()).text
    for field in ["Dek", "Dateline", "Author", "Section", "Tag"]:
        assert f"{field} &lt;script&gt;" in story, field
    admin = editor_client.get(reverse("admin:articles_article_changelist")).text
    assert escaped in admin
    for raw in ["<script>alert", "<img src=x onerror", "<svg onload"]:
        assert raw not in admin


def test_control_characters_are_removed_on_save():
    assert sanitize_html("<p>Bell\x07 and\x01 escape\x1b, tab\tkept</p>") == (
        "<p>Bell and escape, tab\tkept</p>"
    )


def test_plain_paragraphs_keep_their_text_and_escapes():
    assert sanitize_html('<p>Fish &amp; chips, "quoted", 3 < 4 > 2</p>\n<p>Two</p>') == (
        '<p>Fish &amp; chips, "quoted", 3 &lt; 4 &gt; 2</p>\n<p>Two</p>'
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>One<br>two</p>", "<p>One<br>two</p>"),
        ("<p>Caf&#233; &#x26; co</p>", "<p>Café &amp; co</p>"),
        ("\ufeff<p>One</p>", "<p>One</p>"),
        ("<p><b>Bold</b> text</p>", "<p><strong>Bold</strong> text</p>"),
        ("<p>One</p><p></p><p>Two</p>", "<p>One</p><p>Two</p>"),
        ("<p>x&nbsp;&nbsp; y</p>", "<p>x y</p>"),
        ("<P>Upper</P>", "<p>Upper</p>"),
        ("<p>Fine</p>\n<p>Also fine</p>", "<p>Fine</p>\n<p>Also fine</p>"),
    ],
)
def test_paragraphs_with_one_thing_to_tidy_are_tidied(html, expected):
    assert sanitize_html(html) == expected


def test_blank_paragraphs_and_non_breaking_space_runs_are_tidied():
    assert sanitize_html("<p>One</p>\n<p> </p>\n<p>\u3000</p>\n<p>a\xa0\xa0 b</p>") == (
        "<p>One</p>\n\n\n<p>a b</p>"
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>One <strong>two</strong></p><p>three&nbsp;four</p>", "One two three four"),
        ('<p><a href="/x/" title="a > b">link</a>ed &lt;b&gt; &amp;</p>', "linked <b> &"),
        ("<p>Line<br>break<br/>again</p>", "Line break again"),
        ("<p>Before<!-- a <p> comment --></p><p>after</p>", "Before after"),
    ],
)
def test_plain_text_keeps_the_words_of_a_body(html, expected):
    assert plain_text(html) == expected


@pytest.mark.parametrize(
    "html",
    [
        '<p><a href="/x/" title="a > b">Algiers</a> &amp; <em>Oran</em></p><p>agree</p>',
        '<p>Cut in a tag <a href="/x/" title="a',
        "<p>Cut in an entity &am",
        "<p>A comment<!-- <p> --></p>",
    ],
)
def test_without_tags_removes_tags_as_django_strip_tags_does(html):
    assert without_tags(html) == strip_tags(html)
