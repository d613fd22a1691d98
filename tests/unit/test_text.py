"""Markdown to safe HTML, quote checks and mentions, without a database."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yoron.domain import text

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<a href="http://a" onclick="x()">a</a>',
    "![img](http://tracker.example/pixel.png)",
    "<iframe src=http://evil></iframe>",
    "<style>body{display:none}</style>",
    "[x](vbscript:msgbox)",
]


ALLOWED_TAGS = {"p", "br", "em", "strong", "a", "code", "pre", "blockquote", "ul", "ol", "li", "s"}
ALLOWED_ATTRIBUTES = {"href", "rel", "class", "start"}


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_inert(html: str) -> None:
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS, html
        assert set(attrs) <= ALLOWED_ATTRIBUTES, html
        href = (attrs.get("href") or "").strip().lower()
        assert not href or href.startswith(("http://", "https://", "mailto:", "#")), html


@pytest.mark.parametrize("body", HOSTILE)
def test_no_raw_html_or_dangerous_links_pass(body: str) -> None:
    assert_inert(text.render(body).html)


@given(st.text(max_size=300))
def test_any_text_renders_to_inert_markup(body: str) -> None:
    assert_inert(text.render(body).html)


def test_commonmark_subset() -> None:
    html = text.render("*em* **strong** `code`\n\n- a\n- b\n\n1. x\n\n> quoted\n\n# not a heading").html
    assert "<em>em</em>" in html and "<strong>strong</strong>" in html and "<code>code</code>" in html
    assert "<ul>" in html and "<ol>" in html and "<blockquote>" in html
    assert "<h1>" not in html and "# not a heading" in html


def test_links_get_rel_and_bare_urls_link() -> None:
    html = text.render("see https://news.example/a and [b](https://b.example)").html
    assert html.count('rel="nofollow ugc noopener"') == 2
    assert 'href="https://news.example/a"' in html


@pytest.mark.parametrize(
    ("quote", "source", "faithful"),
    [
        ("the old   bridge", "Close the old\nbridge now.", True),
        ("the new bridge", "Close the old bridge now.", False),
        ("Close ... now.", "Close the old bridge now.", True),
        ("now ... Close", "Close the old bridge now.", False),
        ("Close [...] bridge", "Close the old bridge now.", True),
        ("close the old bridge", "Close the old bridge now.", False),
        ("...", "anything", False),
        ("", "anything", False),
    ],
)
def test_quote_faithfulness(quote: str, source: str, faithful: bool) -> None:
    assert text.quote_is_faithful(quote, source) is faithful


def test_quotes_are_marked_and_linked() -> None:
    context = text.QuoteContext("The council voted to close the bridge.", "#c7", "from Ann (#7)")
    rendered = text.render("> council voted\n\nok\n\n> council refused\n", quote=context)
    assert rendered.quote_verified is False
    assert rendered.html.count('class="quote quote-verified"') == 1
    assert rendered.html.count('class="quote quote-unverified"') == 1
    assert rendered.html.count('href="#c7"') == 2


def test_nested_quotes_count_once_and_plain_text_reads_like_a_reader() -> None:
    draft = text.analyze("> outer\n>> inner\n\nreply")
    assert draft.quotes == ("outer inner",)
    assert text.plain_text("**Taxes** will `rise`\n\n- next year") == "Taxes will rise next year"


def test_mentions_link_known_participants_outside_code_and_links() -> None:
    rendered = text.render("@jane_doe, `@jane_doe` [@jane_doe](http://x) @Unknown", {"janedoe": 4})
    assert rendered.html.count('class="mention"') == 1
    assert rendered.mentioned == (4,)
    assert text.analyze("hi @Jane-Doe. and @bob").mention_keys == {"janedoe", "bob"}
    assert text.mention_key("Ｊａｎｅ Doe") == "janedoe"


def test_mentions_in_other_scripts() -> None:
    rendered = text.render("@山田太郎 さん、@Иван согласен", {"山田太郎": 1, "иван": 2})
    assert rendered.mentioned == (1, 2)
