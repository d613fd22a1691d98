"""Display names: lookalikes collide, staff names are reserved, invisible tricks are stripped."""

from __future__ import annotations

import pytest

from yoron.domain.errors import Invalid
from yoron.domain.names import check_display_name, name_key


@pytest.mark.parametrize(
    "spelling",
    ["jane_doe", "JANE DOE", "Јаnе Dое", "J\u200bane Doe", "ＪＡＮＥ DOE", "jane.doe", "Jane\u202eDoe"],
)
def test_lookalike_spellings_share_a_key(spelling: str) -> None:
    assert name_key(spelling) == name_key("Jane Doe") == "janedoe"


def test_other_scripts_keep_their_letters() -> None:
    assert name_key("山田 太郎") == "山田太郎"
    assert name_key("Иван") != name_key("Ivan")


@pytest.mark.parametrize("name", ["Admin", "ＡＤＭＩＮ", "Mod", "Аdmin", "the news"])
def test_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(Invalid):
        check_display_name(name, also_reserved=frozenset({"The News"}))


@pytest.mark.parametrize("name", ["", "x", "\u200b\u200b", "...", "a" * 41, "bad\x07name"])
def test_unusable_names_are_refused(name: str) -> None:
    with pytest.raises(Invalid):
        check_display_name(name)


def test_good_names_are_tidied() -> None:
    assert check_display_name("  Jane \u200b  Doe ") == "Jane Doe"
