"""Hostile HTML and text, and parsers that say what a browser would find in a page.

Every case of ``CORPUS`` goes through every way a story body is written (service, admin,
import) in tests/test_sanitize.py and tests/test_rich_text_admin.py; ``TEXT_CORPUS`` goes
into every plain-text field and onto every public surface in tests/test_hostile_fields.py.
"""

import json
import re
from html.parser import HTMLParser

import lxml.html
import pytest

from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES

CORPUS = {
    "script": "<script>alert(1)</script>",
    "script-upper-src": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-split": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "script-nul": "<scr\x00ipt>alert(1)</scr\x00ipt>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-no-space": '<img src="x" alt="a"onerror="alert(1)">',
    "img-eval-src": "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "onclick-mixed-case": '<p OnClick="alert(1)">click</p>',
    "onload-body": "<body onload=alert(1)><p>text</p>",
    "onmouseover-link": '<a href="/x" ONMOUSEOVER="alert(1)">x</a>',
    "ontoggle-details": "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "onerror-media": "<video><source onerror=alert(1)></video><audio src=x onerror=alert(1)>",
    "javascript-href": '<a href="javascript:alert(1)">x</a>',
    "javascript-mixed-case": '<a href="JaVaScRiPt:alert(1)">x</a>',
    "javascript-decimal-entity": '<a href="&#106;avascript:alert(1)">x</a>',
    "javascript-hex-entities": '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
    "javascript-padded-entity": '<a href="&#0000106&#0000097vascript:alert(1)">x</a>',
    "javascript-newline": '<a href="java\nscript:alert(1)">x</a>',
    "javascript-tab-entity": '<a href="java&#x09;script:alert(1)">x</a>',
    "javascript-named-tab": '<a href="javas&Tab;cript:alert(1)">x</a>',
    "javascript-leading-whitespace": '<a href=" \n\t javascript:alert(1)">x</a>',
    "javascript-colon-entity": '<a href="javascript&colon;alert(1)">x</a>',
    "javascript-unquoted": "<a href=javascript:alert(1)>x</a>",
    "javascript-img-src": '<img src="javascript:alert(1)">',
    "data-href": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "data-img-svg": "<img src=\"data:image/svg+xml,<svg onload='alert(1)'>\">",
    "data-img-png": '<img src="DATA:image/png;base64,iVBORw0KGgo=">',
    "vbscript-href": '<a href="vbscript:msgbox(1)">x</a>',
    "feed-javascript": '<a href="feed:javascript:alert(1)">x</a>',
    "style-attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "style-expression": '<div style="width:expression(alert(1))">x</div>',
    "style-element": '<style>body{background:url("javascript:alert(1)")}</style><p>x</p>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "svg-onload": "<svg onload=alert(1)><circle r=10 /></svg>",
    "svg-xlink": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "svg-style": "<svg><style>@import 'javascript:alert(1)';</style></svg>",
    "math-href": '<math href="javascript:alert(1)"><mi>x</mi></math>',
    "math-mxss": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "form": (
        '<form action="javascript:alert(1)"><input type=submit formaction="javascript:alert(1)">'
        "<button onclick=alert(1)>go</button></form>"
    ),
    "isindex": "<isindex action=javascript:alert(1) type=image>",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base": '<base href="https://evil.example/">',
    "link-stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "unclosed-markup": '<p>unclosed <a href="/x" onclick="alert(1)">link <b>bold',
    "unclosed-tag": "<img src=x onerror=alert(1)//",
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "textarea-mxss": '<textarea><p title="</textarea><img src=x onerror=alert(1)>">',
    "title-mxss": "<title><img src=x onerror=alert(1)></title>",
    "template": "<template><script>alert(1)</script></template>",
    "conditional-comment": "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "comment-break-out": "<!--><img src=x onerror=alert(1)>-->",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "marquee": "<marquee onstart=alert(1)>x</marquee>",
    "script-end-in-text": "<p>a</script><script>alert(1)</script></p>",
    "cdata-end": "<p>]]><script>alert(1)</script></p>",
    "rtl-override": "<p>\u202egnp.exe</p>",
    "svg-animate": '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    "embedded-newline-data": '<a href="da\nta:text/html,<script>alert(1)</script>">x</a>',
}

# Plain text that editors and seed files put in headlines, names, captions and the like,
# each under the shortest such field (a dateline: 100 characters). Every value must come
# back to readers as the same text and never as markup.
TEXT_CORPUS = {
    "script-end": "Hostile </script><script>alert(1)</script> <!--",
    "attribute-break": "Hostile \"'><img src=x onerror=alert(1)><svg onload=alert(1)>",
    "url-schemes": "Hostile javascript:alert(1) data:text/html,<b>x</b> vbscript:x",
    "cdata-and-entities": "Hostile ]]><![CDATA[<iframe src=//x>]]> &lt;b&gt; &amp;amp;",
    "bidi-and-zero-width": "Hostile \u202egnp.exe\u202c \u2066x\u2069 a\u200bb\u200f",
    "template-syntax": "Hostile {{ 7|add:7 }} {% now 'Y' %} ${7*7} <%= 7 %>",
}


def corpus_cases(*, nul: bool | None = None):
    """Parametrize ``payload`` with the corpus: every case, or only those with (or without)
    a NUL byte, which admin forms and the importer refuse outright instead of cleaning."""
    return pytest.mark.parametrize(
        "payload",
        [
            pytest.param(payload, id=name)
            for name, payload in CORPUS.items()
            if nul is None or ("\x00" in payload) == nul
        ],
    )


FORBIDDEN_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "isindex",
        "base",
        "noscript",
        "template",
        "details",
        "video",
        "audio",
        "source",
        "marquee",
    }
)
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "background"}
)
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20]")
VOID = frozenset({"br", "img", "meta", "link", "input", "hr", "source", "embed", "base"})


def _safe_url(value: str) -> bool:
    """Relative, or with a scheme the allow-list names, as a browser would read it."""
    scheme = _SCHEME.match(_IGNORED_IN_URL.sub("", value))
    return scheme is None or scheme.group(1).lower() in ALLOWED_URL_SCHEMES


class PageAudit(HTMLParser):
    """Elements, attributes and text of a page; ``story`` holds those of the story body."""

    def __init__(self, html: str, *, story_class: str = "story-body"):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.story: list[tuple[str, dict[str, str]]] = []
        self.story_text: list[str] = []
        self.story_comments: list[str] = []
        self._story_class = story_class
        self._depth = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attrs))
        if self._depth is not None:
            self.story.append((tag, attrs))
            if tag not in VOID:
                self._depth += 1
        elif self._story_class in attrs.get("class", "").split():
            self._depth = 1

    def handle_endtag(self, tag):
        if self._depth is not None and tag not in VOID:
            self._depth -= 1
            if self._depth == 0:
                self._depth = None

    def handle_data(self, data):
        if self._depth is not None:
            self.story_text.append(data)

    def handle_comment(self, data):
        if self._depth is not None:
            self.story_comments.append(data)

    def problems(self) -> list[str]:
        """Everything on the page that could run script or restyle it."""
        found = []
        for tag, attrs in self.elements:
            if tag in FORBIDDEN_TAGS and not _is_data_block(tag, attrs):
                found.append(f"<{tag}> element")
            if tag == "meta" and "http-equiv" in attrs:
                found.append("<meta http-equiv>")
            if tag == "link" and not attrs.get("href", "").startswith(("/", "http://testserver/")):
                found.append(f"<link> to {attrs.get('href')}")
            for name, value in attrs.items():
                if name.startswith("on"):
                    found.append(f"{name} attribute on <{tag}>")
                if name == "style":
                    found.append(f"style attribute on <{tag}>")
                if name in URL_ATTRIBUTES and not _safe_url(value):
                    found.append(f"{name}={value!r} on <{tag}>")
        return found

    def story_outside_allow_list(self) -> list[str]:
        """Story-body elements or attributes the allow-list does not name."""
        found = [f"comment {text!r}" for text in self.story_comments]
        for tag, attrs in self.story:
            if tag not in ALLOWED_TAGS:
                found.append(f"<{tag}>")
            allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ({"rel"} if tag == "a" else set())
            found += [f"{name} on <{tag}>" for name in attrs if name not in allowed]
        return found

    @property
    def visible_story_text(self) -> str:
        return " ".join("".join(self.story_text).split())


def _is_data_block(tag: str, attrs: dict[str, str]) -> bool:
    """The page's own JSON-LD: a script element browsers never run (tests/test_structured_data)."""
    return tag == "script" and attrs == {"type": "application/ld+json"}


def fragment_audit(html: str) -> PageAudit:
    """Audit a stored body as if it were the story body of a page."""
    return PageAudit(f'<div class="story-body">{html}</div>')


# Elements user text may never bring into a page (the site's own forms are checked apart).
FOREIGN_ELEMENTS = frozenset({"svg", "math", "iframe", "frame", "object", "embed", "base", "form"})
URL_ATTRIBUTE_NAMES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")
_DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")


def dangerous_url(value: str, *, tag: str, attribute: str) -> bool:
    """A URL a browser would run or render as a document (a data: picture is fine)."""
    url = _IGNORED_BY_BROWSERS.sub("", value)
    if tag == "img" and attribute == "src" and url.lower().startswith("data:image/"):
        return not re.match(r"data:image/(png|jpeg|gif|webp)[;,]", url, re.IGNORECASE)
    return bool(_DANGEROUS_SCHEME.match(url))


def json_strings(data) -> list[str]:
    """Every string in a parsed JSON document."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [text for value in data.values() for text in json_strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in json_strings(value)]
    return []


def html_problems(html: str, *, own_forms: frozenset[str] = frozenset()) -> list[str]:
    """Everything in ``html`` (a page or a fragment) that could run script, as lxml reads it.

    Scripts other than JSON-LD, JSON-LD that is not JSON or could end its element early,
    ``on*`` attributes, javascript:/vbscript:/data: addresses, and foreign elements such as
    SVG or iframes; a <form> is allowed only when its action is one of ``own_forms``.
    """
    found = []
    root = lxml.html.document_fromstring(html) if html.strip() else None
    for element in root.iter() if root is not None else ():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        tag = element.tag.lower().rpartition("}")[2]
        if tag == "script":
            found += _script_problems(element)
        elif tag == "form" and element.get("action") in own_forms:
            pass
        elif tag in FOREIGN_ELEMENTS:
            found.append(f"<{tag}> element")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"{name} attribute on <{tag}>")
            if name in URL_ATTRIBUTE_NAMES and dangerous_url(value, tag=tag, attribute=name):
                found.append(f"{name}={value!r} on <{tag}>")
            if name == "srcset" and any(
                dangerous_url(part.split()[0], tag=tag, attribute="src")
                for part in value.split(",")
                if part.strip()
            ):
                found.append(f"srcset={value!r} on <{tag}>")
    return found


def _script_problems(element) -> list[str]:
    if element.get("type") != "application/ld+json" or element.get("src") is not None:
        return [f"<script type={element.get('type')!r}> element"]
    text = element.text or ""
    if "</script" in text.lower() or "<!--" in text:
        return ["JSON-LD that could end its <script> early"]
    try:
        json.loads(text)
    except ValueError:
        return ["JSON-LD that is not JSON"]
    return []


def json_ld_strings(html: str) -> list[str]:
    """Every string in the page's JSON-LD blocks."""
    root = lxml.html.document_fromstring(html)
    return [
        text
        for script in root.iter("script")
        if script.get("type") == "application/ld+json"
        for text in json_strings(json.loads(script.text))
    ]
