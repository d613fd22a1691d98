"""Input checks: text limits, names, URLs and votes."""

from __future__ import annotations

import pytest

from yoron.domain.errors import Invalid
from yoron.domain.rules import check_author_name, check_text, check_url, check_vote_value


def test_text_is_trimmed_normalized_and_newlines_unified() -> None:
    assert (
        check_text("  Cafe\u0301\r\nline two\rthree ", field="body", max_len=100) == "Café\nline two\nthree"
    )


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "a\u0085b", "a\ue000b", "a\U000f0001b"])
def test_control_and_private_characters_are_refused(bad: str) -> None:
    with pytest.raises(Invalid):
        check_text(bad, field="body", max_len=100)


def test_names_are_one_line() -> None:
    assert check_author_name(" Ann ", 10) == "Ann"
    for bad in (None, "", "a\nb", "x" * 11):
        with pytest.raises(Invalid):
            check_author_name(bad, 10)


@pytest.mark.parametrize("url", ["ftp://x.example", "javascript:alert(1)", "/relative", "https://"])
def test_urls_must_be_absolute_http(url: str) -> None:
    with pytest.raises(Invalid):
        check_url(url)


def test_votes() -> None:
    assert [check_vote_value(v) for v in (-1, 0, 1)] == [-1, 0, 1]
    for bad in (2, -2, True, False):
        with pytest.raises(Invalid):
            check_vote_value(bad)
