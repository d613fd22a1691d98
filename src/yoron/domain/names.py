"""Display names: one per person per site, however it is spelled.

Two names are the same when their *keys* are equal: Unicode NFKC, case folded,
invisible and direction-control characters removed, every character that
imitates a Latin letter (Cyrillic "а", Greek "ο", ...) replaced by that letter,
and white space, dots, dashes and underscores dropped. "Jane Doe", "jane_doe"
and "Јаnе Dое" (with Cyrillic letters) share one key.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from confusable_homoglyphs import confusables

from yoron.domain.errors import Invalid

NAME_MIN = 2
NAME_MAX = 40
RESERVED = frozenset(
    {
        "admin",
        "administrator",
        "moderator",
        "mod",
        "staff",
        "support",
        "yoron",
        "system",
        "root",
        "operator",
        "editor",
        "editors",
        "deleted",
        "deleteduser",
        "anonymous",
        "guest",
        "null",
        "official",
    }
)
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)
_SEPARATORS = re.compile(r"[\s._\-·・]+")


@functools.lru_cache(maxsize=4096)
def _latin_lookalike(char: str) -> str:
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    if not found:
        return char
    for glyph in found[0]["homoglyphs"]:
        if glyph["c"].isascii():
            return str(glyph["c"])
    return char


def name_key(name: str) -> str:
    """The form in which two display names are compared for sameness."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", name)).casefold()
    text = "".join(_latin_lookalike(char) for char in text).casefold()
    return _SEPARATORS.sub("", text)


def check_display_name(name: str, *, also_reserved: frozenset[str] = frozenset()) -> str:
    """A display name people can tell apart: visible, one line, not posing as staff."""
    text = " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFC", name)).split())
    if not NAME_MIN <= len(text) <= NAME_MAX:
        raise Invalid(
            "display_name_length", f"A display name is {NAME_MIN} to {NAME_MAX} characters.", "display_name"
        )
    if any(unicodedata.category(char)[0] == "C" for char in text):
        raise Invalid("display_name_invalid", "A display name has only visible characters.", "display_name")
    key = name_key(text)
    if not key:
        raise Invalid("display_name_invalid", "A display name needs letters or digits.", "display_name")
    if key in RESERVED or key in {name_key(word) for word in also_reserved}:
        raise Invalid("display_name_reserved", f"The name {text!r} is reserved.", "display_name")
    return text
