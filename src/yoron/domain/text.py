"""Comment text: Markdown in, sanitized HTML out, with quotes checked and mentions linked.

Rendering happens once, when a comment is written; reads serve the stored HTML.
"""

from __future__ import annotations

import html as html_escape
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

LINK_REL = "nofollow ugc noopener"

_ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "a",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "s",
}
_ALLOWED_CLASSES = {
    "a": {"mention"},
    "blockquote": {"quote", "quote-verified", "quote-unverified"},
    "p": {"quote-source"},
}
_CLEANER = nh3.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes={"a": {"href"}, "ol": {"start"}},
    allowed_classes=_ALLOWED_CLASSES,
    link_rel=LINK_REL,
    url_schemes={"http", "https", "mailto"},
    strip_comments=True,
)

_MENTION = re.compile(r"(?<![\w@])@(\w[\w.\-]{0,63})")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\.\.|…)\s*\]|\.\.\.|…)\s*")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    md.enable("linkify")
    md.disable(["image", "heading", "lheading", "hr", "html_block", "html_inline"])
    return md


_MD = _markdown()


def mention_key(name: str) -> str:
    """The form names are matched by: ``@Jane_Doe`` finds "Jane Doe"."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def normalize_space(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True, slots=True)
class Draft:
    """What a body asks of the world before it can be rendered, and its parsed form.

    Rendering a draft uses up its tokens: render each draft once.
    """

    quotes: tuple[str, ...]
    mention_keys: frozenset[str]
    tokens: list[Token] = field(default_factory=list, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """The source a comment's quotes claim: its text and where to link."""

    source_text: str
    link: str
    label: str


@dataclass(frozen=True, slots=True)
class Rendered:
    html: str
    quote_verified: bool | None
    mentioned: tuple[int, ...]


def analyze(body: str) -> Draft:
    """Find the quotes and mention candidates in a Markdown body."""
    tokens = _MD.parse(body)
    mention_keys = {
        mention_key(match.group(1).rstrip(".-"))
        for child in _plain_text_children(tokens)
        for match in _MENTION.finditer(child.content)
    }
    return Draft(tuple(_top_level_quotes(tokens)), frozenset(mention_keys), tokens)


def plain_text(body: str) -> str:
    """The words of a Markdown body, as a reader sees them, whitespace folded."""
    return _inline_text(_MD.parse(body))


def quote_is_faithful(quote: str, source: str) -> bool:
    """True when the quoted words occur in the source, in order; ``...`` may elide words."""
    haystack = normalize_space(source)
    position = 0
    segments = [normalize_space(part) for part in _ELLIPSIS.split(normalize_space(quote))]
    segments = [segment for segment in segments if segment]
    if not segments:
        return False
    for segment in segments:
        found = haystack.find(segment, position)
        if found < 0:
            return False
        position = found + len(segment)
    return True


def render(
    body: str | Draft,
    mentions: Mapping[str, int] | None = None,
    quote: QuoteContext | None = None,
) -> Rendered:
    """Render a body (or an analyzed draft of one) to sanitized HTML.

    ``mentions`` maps a mention key to the comment id its ``@name`` links to;
    ``quote`` is the source the body's top-level quotes claim to come from.
    """
    tokens = body.tokens if isinstance(body, Draft) else _MD.parse(body)
    mentioned = _link_mentions(tokens, mentions or {})
    verified = _mark_quotes(tokens, quote) if quote else None
    raw = _MD.renderer.render(tokens, _MD.options, {})
    return Rendered(html=_CLEANER.clean(raw).strip(), quote_verified=verified, mentioned=mentioned)


def _quote_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(open, close) token indexes of each top-level blockquote."""
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, token in enumerate(tokens):
        if token.type == "blockquote_open":
            if depth == 0:
                start = index
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
            if depth == 0:
                spans.append((start, index))
    return spans


def _top_level_quotes(tokens: Sequence[Token]) -> list[str]:
    texts = (_inline_text(tokens[start:end]) for start, end in _quote_spans(tokens))
    return [text for text in texts if text]


def _inline_text(tokens: Sequence[Token]) -> str:
    words: list[str] = []
    for token in tokens:
        if token.type in ("fence", "code_block"):
            words.append(token.content)
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        words.append(" ")
    return normalize_space("".join(words))


def _plain_text_children(tokens: Sequence[Token]) -> list[Token]:
    """Text tokens outside links (mentions inside link text stay as written)."""
    found: list[Token] = []
    for token in tokens:
        link_depth = 0
        for child in token.children or ():
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            elif child.type == "text" and link_depth == 0:
                found.append(child)
    return found


def _link_mentions(tokens: list[Token], mentions: Mapping[str, int]) -> tuple[int, ...]:
    mentioned: list[int] = []
    if not mentions:
        return ()
    for token in tokens:
        if not token.children:
            continue
        children: list[Token] = []
        link_depth = 0
        for child in token.children:
            if child.type == "link_open":
                link_depth += 1
            elif child.type == "link_close":
                link_depth -= 1
            if child.type != "text" or link_depth:
                children.append(child)
                continue
            children.extend(_split_mentions(child, mentions, mentioned))
        token.children = children
    return tuple(dict.fromkeys(mentioned))


def _split_mentions(child: Token, mentions: Mapping[str, int], found: list[int]) -> list[Token]:
    pieces: list[Token] = []
    cursor = 0
    text = child.content
    for match in _MENTION.finditer(text):
        name = match.group(1).rstrip(".-")
        target = mentions.get(mention_key(name))
        if target is None:
            continue
        end = match.start() + 1 + len(name)
        pieces.append(_text_token(text[cursor : match.start()]))
        link = Token("link_open", "a", 1, attrs={"href": f"#c{target}", "class": "mention"})
        pieces += [link, _text_token("@" + name), Token("link_close", "a", -1)]
        found.append(target)
        cursor = end
    pieces.append(_text_token(text[cursor:]))
    return [piece for piece in pieces if piece.type != "text" or piece.content]


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _mark_quotes(tokens: list[Token], quote: QuoteContext) -> bool:
    """Mark each top-level quote verified or not, add its source line; True if all verify."""
    all_verified = True
    # Last quote first, so inserting a source line keeps the earlier spans' indexes valid.
    for start, end in reversed(_quote_spans(tokens)):
        ok = quote_is_faithful(_inline_text(tokens[start:end]), quote.source_text)
        all_verified &= ok
        tokens[start].attrSet("class", "quote " + ("quote-verified" if ok else "quote-unverified"))
        source_line = Token("html_block", "", 0)
        source_line.content = _source_line(quote, ok)
        tokens.insert(end, source_line)
    return all_verified


def _source_line(quote: QuoteContext, verified: bool) -> str:
    mark = "✓ verified quote" if verified else "⚠ not found in the source"
    return (
        f'<p class="quote-source"><a href="{html_escape.escape(quote.link)}">'
        f"{html_escape.escape(quote.label)}</a> · {mark}</p>\n"
    )
