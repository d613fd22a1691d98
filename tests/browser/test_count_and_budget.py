"""The count widget on an index page, and the widget's size budget."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from playwright.sync_api import Request, expect

from tests.browser.conftest import Api, Reader

STATIC = Path(__file__).resolve().parents[2] / "src" / "yoron" / "web" / "static"
EMBED_BUDGET_BYTES = 15 * 1024
LANGUAGE_BUDGET_BYTES = 2 * 1024
"""A language file, loaded besides embed.js by pages in that language."""
LANGUAGE_FILES = sorted((STATIC / "lang").glob("*.js"))


def test_embed_js_gzipped_size_is_within_budget() -> None:
    source = (STATIC / "embed.js").read_bytes()
    size = len(gzip.compress(source, compresslevel=9))
    print(f"\nembed.js: {len(source):,} bytes, {size:,} bytes gzipped (budget {EMBED_BUDGET_BYTES:,})")
    assert size <= EMBED_BUDGET_BYTES


def _keys(source: str, indent: int) -> set[str]:
    """The keys of a strings table written one per line at ``indent`` (not plural forms, deeper)."""
    return set(re.findall(rf"^ {{{indent}}}(\w+):", source, re.MULTILINE))


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=[path.stem for path in LANGUAGE_FILES])
def test_language_file_is_small_complete_and_known(path: Path) -> None:
    embed = (STATIC / "embed.js").read_text()
    source = path.read_text()
    size = len(gzip.compress(source.encode(), compresslevel=9))
    print(f"\nlang/{path.name}: {size:,} bytes gzipped (budget {LANGUAGE_BUDGET_BYTES:,})")
    assert size <= LANGUAGE_BUDGET_BYTES
    english = embed.split("    en: {", 1)[1].split("\n    },", 1)[0]
    assert _keys(source, 4) == _keys(english, 6)
    shipped = re.search(r"const SHIPPED = \[(.*?)\];", embed)
    assert shipped and f'"{path.stem}"' in shipped.group(1), "list the language in SHIPPED in embed.js"


def test_count_widget_fills_links_with_one_request(reader: Reader, seed: Api, key: str) -> None:
    busy, quiet, unknown = f"{key}-busy", f"{key}-quiet", f"{key}-unknown"
    for thread_key, comments in ((busy, 3), (quiet, 1)):
        thread = seed.thread(thread_key)
        for n in range(comments):
            seed.comment(thread["id"], f"Comment {n}", f"Reader {n}")
    calls: list[Request] = []

    def watch(request: Request) -> None:
        if "/api/v1/counts" in request.url:
            calls.append(request)

    reader.page.on("request", watch)
    reader.page.goto(f"{reader.sites.news}/index?keys={busy},{quiet},{unknown}")
    links = reader.page.locator("a[data-yoron-counted]")
    expect(links).to_have_count(4)
    expect(reader.page.locator(f'a[data-yoron-count="{busy}"]').first).to_have_text("3 comments")
    expect(reader.page.locator(f'a[data-yoron-count="{quiet}"]')).to_have_text("1 comments")
    expect(reader.page.locator(f'a[data-yoron-count="{unknown}"]')).to_have_text("0 comments")
    # A link without a template shows the bare number.
    expect(reader.page.locator(f'a[data-yoron-count="{busy}"]').last).to_have_text("3")
    assert len(calls) == 1
    assert calls[0].url.count("key=") == 3
    reader.shot("counts")
