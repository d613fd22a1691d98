"""Word lists for moderation: find banned words (reject) and suspect words (hold) however they are disguised.

Terms and text go through the same `normalise`, so a term only has to be written once, in any
script: a Russian term and Russian text map to the same skeleton just as an English term and its
disguises do, which also catches words that mix Latin and Cyrillic letters. `normalise` applies,
in order:

1. Unicode compatibility decomposition (NFKD) and case folding: width ("ｆｕｃｋ"), ligatures,
   styled letters ("𝐟𝐮𝐜𝐤", "ⓕ") and case stop mattering.
2. Format and control characters are dropped (zero-width space and joiners, BOM, soft hyphen,
   bidi overrides and isolates such as U+202E and U+2066-2069, variation selectors, Hangul fillers).
3. Look-alike letters become the ASCII letter they imitate, from the confusables data that
   display names use too (Cyrillic "а", "е", "о", "р", "с", "х", "і", Greek "ο", Armenian "օ",
   small capitals, ...). Scripts written without spaces (CJK, kana, Hangul, Thai, ...) are left
   alone so that their words survive.
4. Combining marks on an ASCII letter are dropped ("fück", "f̷u̷c̷k̷"); marks on other letters are
   kept, because in Japanese, Devanagari or Russian "й" they change the word.
5. White space collapses to one space.
6. Simple leetspeak: 0→o, 1→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s, !→i, |→i, and "l"→"i" because "l",
   "1", "I" and "|" are written for one another. Other digits stay digits.
7. Runs of three or more identical characters shrink to two: "assssss" meets "ass" while
   real double letters ("class", "Schifffahrt" → "schiffahrt" on both sides) are unharmed.

A term matches whole words: "ass" does not fire inside "class" or "assessment", and neither does
"cunt" inside "Scunthorpe". Word boundaries are judged on the text before step 6, so the "!" in
"fuck!" ends a word while the one in "sh!t" is a letter. A trailing "*" makes a term a stem
("idiot*" matches "idiots", "idiotic"). Terms containing characters of a script written without
spaces (Japanese, Chinese, Korean, Thai, ...) match anywhere, with no boundary check, and those
characters count as word boundaries for other terms ("これはfuckです").

Three views of a text are searched, each in one pass of an Aho-Corasick automaton, so matching
is linear in the length of the text and never relies on a timeout:

- the normalised text;
- the same with runs of three or more identical characters shrunk to one, for "fuuuuck";
- letters spelt out one by one ("f.u.c.k", "f u c k", "f-u-c-k") joined into one word. A term
  matches anywhere inside such a run, since every letter in it stood alone.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from ahocorasick_rs import AhoCorasick
from confusable_homoglyphs import confusables

_LEET = str.maketrans("013457@$!|l", "oieastasiii")

# Scripts written without spaces between words; Korean is here too because its particles attach
# to the noun ("바보야" is "바보" + "야").
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u3005-\u3007"
    "\u3040-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7ff\uf900-\ufaff\uff66-\uff9f\U00020000-\U000323af]"
)
# Invisible in any script, though not all of them are category Cf.
_ALSO_INVISIBLE = [
    *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0),
    *range(0x180B, 0x1810),
    *range(0xFE00, 0xFE10),
    *range(0xE0100, 0xE01F0),
]
_RUN = re.compile(r"(.)\1\1+", re.DOTALL)
_SEPARATOR = "[\\s._\\-*~+=^/\\\\'\"`\u00b7\u2010-\u2015\u2022\u2219\u22c5\u30fb]"
# Single letters (or digits) with one to three separators between them, at least three in a row.
# Each letter is tested once and nothing follows the repetition, so the engine never backtracks
# beyond a few separators.
_SPELLED_OUT = re.compile(rf"(?<![^\W_])[^\W_](?:{_SEPARATOR}{{1,3}}[^\W_](?![^\W_])){{2,}}")
_SEPARATORS = re.compile(f"{_SEPARATOR}+")


@dataclass(frozen=True, slots=True)
class _Tables:
    fold: dict[int, str | None]
    ascii_marks: re.Pattern[str]


@functools.cache
def _tables() -> _Tables:
    # Built on first use: walking every code point takes a noticeable tenth of a second.
    fold: dict[int, str | None] = {}
    marks: list[tuple[int, int]] = []
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        category = unicodedata.category(char)
        if category in ("Cf", "Cs") or (category == "Cc" and not char.isspace()):
            fold[point] = None
        elif category[0] != "M":
            continue
        elif marks and marks[-1][1] == point - 1:
            marks[-1] = (marks[-1][0], point)
        else:
            marks.append((point, point))
    fold.update(dict.fromkeys(_ALSO_INVISIBLE))
    fold.update(_latin_lookalikes())
    mark_class = "".join(f"{re.escape(chr(first))}-{re.escape(chr(last))}" for first, last in marks)
    return _Tables(fold=fold, ascii_marks=re.compile(f"(?<=[\\x00-\\x7f])[{mark_class}]+"))


def _latin_lookalikes() -> dict[int, str]:
    # The data maps capitals (Cyrillic "К" → "K") more often than small letters, and text is case
    # folded before the lookup, so a capital's mapping also serves its small letter unless that
    # letter has one of its own.
    direct: dict[int, str] = {}
    via_capital: dict[int, str] = {}
    for char, entries in sorted(confusables.confusables_data.items()):
        target = _first_ascii_homoglyph(entries)
        if len(char) != 1 or char.isascii() or target is None or _UNSPACED.match(char):
            continue
        folded = unicodedata.normalize("NFKD", char.casefold())
        if folded == char:
            direct[ord(char)] = target.casefold()
        elif len(folded) == 1 and not folded.isascii() and not _UNSPACED.match(folded):
            via_capital.setdefault(ord(folded), target.casefold())
    return via_capital | direct


def _first_ascii_homoglyph(entries: list[dict[str, str]]) -> str | None:
    for entry in entries:
        glyph = entry["c"].replace("\u200e", "")
        if glyph.isascii():
            return glyph if len(glyph) == 1 and glyph.isalnum() else None
    return None


def _shape(text: str) -> str:
    """Steps 1-5 of `normalise`: the text whose symbols still tell where words end."""
    tables = _tables()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = tables.ascii_marks.sub("", text.translate(tables.fold))
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _shrink_runs(skeleton: str, shape: str, keep: int) -> tuple[str, str]:
    # Both strings are cut at the same places so that positions in one still index the other.
    skeleton_parts: list[str] = []
    shape_parts: list[str] = []
    done = 0
    for run in _RUN.finditer(skeleton):
        skeleton_parts.append(skeleton[done : run.start() + keep])
        shape_parts.append(shape[done : run.start() + keep])
        done = run.end()
    if not done:
        return skeleton, shape
    skeleton_parts.append(skeleton[done:])
    shape_parts.append(shape[done:])
    return "".join(skeleton_parts), "".join(shape_parts)


def normalise(text: str) -> str:
    """The skeleton of a text or term under which disguised spellings compare equal."""
    shape = _shape(text)
    return _shrink_runs(shape.translate(_LEET), shape, keep=2)[0]


@functools.lru_cache(maxsize=4096)
def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" and not _UNSPACED.match(char)


def _spelled_out_words(skeleton: str) -> str:
    return " ".join(_SEPARATORS.sub("", run.group()) for run in _SPELLED_OUT.finditer(skeleton))


class _Kind(enum.Enum):
    BANNED = "banned"
    SUSPECT = "suspect"


# Compared by identity: a rule is one line of one list, and hashing by identity keeps the
# per-match bookkeeping cheap.
@dataclass(frozen=True, slots=True, eq=False)
class _Rule:
    term: str
    kind: _Kind
    stem: bool
    anywhere: bool
    multiword: bool


@dataclass(frozen=True, slots=True)
class Matches:
    """The terms of a word list found in one text, as they were written in the list."""

    banned: frozenset[str] = frozenset()
    suspect: frozenset[str] = frozenset()


class WordList:
    """Banned and suspect terms compiled into one automaton."""

    __slots__ = ("_automaton", "_rules")

    def __init__(self, automaton: AhoCorasick | None, rules: tuple[tuple[_Rule, ...], ...]) -> None:
        self._automaton = automaton
        self._rules = rules

    @classmethod
    def compile(cls, banned: Iterable[str] = (), suspect: Iterable[str] = ()) -> WordList:
        """Compile both lists; a trailing "*" marks a stem, terms that normalise to nothing are ignored."""
        by_pattern: dict[str, list[_Rule]] = {}
        for kind, terms in ((_Kind.BANNED, banned), (_Kind.SUSPECT, suspect)):
            for term in terms:
                written = term.strip()
                stem = written.endswith("*")
                pattern = normalise(written.removesuffix("*") if stem else written)
                if pattern:
                    rule = _Rule(written, kind, stem, bool(_UNSPACED.search(pattern)), " " in pattern)
                    by_pattern.setdefault(pattern, []).append(rule)
        if not by_pattern:
            return cls(None, ())
        return cls(AhoCorasick(by_pattern), tuple(tuple(rules) for rules in by_pattern.values()))

    def find(self, text: str) -> Matches:
        """The banned and suspect terms that occur in `text`."""
        if self._automaton is None:
            return Matches()
        found: set[_Rule] = set()
        shape = _shape(text)
        leet = shape.translate(_LEET)
        skeleton, skeleton_shape = _shrink_runs(leet, shape, keep=2)
        self._search_words(self._automaton, skeleton, skeleton_shape, found)
        squeezed, squeezed_shape = _shrink_runs(leet, shape, keep=1)
        if squeezed != skeleton:
            self._search_words(self._automaton, squeezed, squeezed_shape, found)
        self._search_spelled_out(self._automaton, _spelled_out_words(skeleton), found)
        return Matches(
            banned=frozenset(rule.term for rule in found if rule.kind is _Kind.BANNED),
            suspect=frozenset(rule.term for rule in found if rule.kind is _Kind.SUSPECT),
        )

    def _search_words(self, automaton: AhoCorasick, skeleton: str, shape: str, found: set[_Rule]) -> None:
        settled: set[int] = set()
        size = len(shape)
        # Overlapping matches, because a longer term that fails its boundary check must not hide
        # a shorter one that passes.
        for index, start, end in automaton.find_matches_as_indexes(skeleton, overlapping=True):
            if index in settled:
                continue
            opens = start == 0 or not _is_word_char(shape[start - 1])
            closes = end == size or not _is_word_char(shape[end])
            settles = True
            for rule in self._rules[index]:
                if rule.anywhere or (opens and (closes or rule.stem)):
                    found.add(rule)
                elif rule not in found:
                    settles = False
            if settles:
                settled.add(index)

    def _search_spelled_out(self, automaton: AhoCorasick, joined: str, found: set[_Rule]) -> None:
        hits = {index for index, _start, _end in automaton.find_matches_as_indexes(joined, overlapping=True)}
        found.update(rule for index in hits for rule in self._rules[index] if not rule.multiword)


__all__ = ["Matches", "WordList", "normalise"]
