"""Unicode text segmentation: grapheme clusters, words, and what is never drawn.

A Python ``str`` is a sequence of code points, but what a reader sees as one
character can be several: ``"e\\u0301"`` (e + combining acute), ``"👍🏽"``
(thumb + skin tone), ``"👩\\u200d💻"`` (a ZWJ sequence), ``"🇨🇳"`` (two regional
indicators), ``"❤\\ufe0f"`` (a variation selector), Hangul jamo. The caret
moves, Backspace deletes, the typewriter reveals and the wrapper breaks by
these clusters, so none of them ever lands inside one.

The one segmenter of the game is the ``regex`` module's ``\\X``: a maintained
implementation of the extended grapheme clusters of Unicode's UAX #29 (the
Unicode version ``regex`` was built with, newer than ``unicodedata``'s). The
only rule added here: a surrogate pair (from ``surrogatepass`` decoding) is
never split. Pure Python, no pygame.

Default-ignorable code points (the ``Default_Ignorable_Code_Point`` property:
zero-width space and joiners, bidi marks, U+2060, the BOM, U+034F, variation
selectors, tags, soft hyphen, …) have no glyph of their own: a renderer must
neither draw nor measure them (Unicode §5.21). :func:`drop_ignorable` removes them.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import lru_cache

import regex

__all__ = [
    "boundaries",
    "clip",
    "clusters",
    "drop_ignorable",
    "is_ignorable",
    "next_boundary",
    "previous_boundary",
    "snap",
    "word_end",
    "word_start",
]

_CLUSTER = regex.compile(r"\X", regex.DOTALL)
_SURROGATES = regex.compile(r"[\ud800-\udbff][\udc00-\udfff]")
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")


def clusters(text: str) -> list[str]:
    """``text`` split into extended grapheme clusters (user-perceived characters)."""
    found: list[str] = _CLUSTER.findall(text)
    if _SURROGATES.search(text) is None:
        return found
    return _join_surrogates(found)


def _join_surrogates(found: list[str]) -> list[str]:
    joined: list[str] = []
    for cluster in found:
        if joined and "\udc00" <= cluster[0] <= "\udfff" and "\ud800" <= joined[-1][-1] <= "\udbff":
            joined[-1] += cluster
        else:
            joined.append(cluster)
    return joined


def drop_ignorable(text: str) -> str:
    """``text`` without its default-ignorable code points (what a renderer never shows)."""
    dropped: str = _IGNORABLE.sub("", text)
    return dropped


def is_ignorable(char: str) -> bool:
    """Whether the code point ``char`` is default-ignorable (never drawn, zero width)."""
    return _IGNORABLE.fullmatch(char) is not None


def boundaries(text: str) -> tuple[int, ...]:
    """Every index where a grapheme cluster starts or ends: 0, …, ``len(text)``."""
    return _boundaries(text)


# The editor asks several times about the same text per keystroke; strings
# are immutable, so the answer can be kept.
@lru_cache(maxsize=16)
def _boundaries(text: str) -> tuple[int, ...]:
    marks = [0]
    for cluster in clusters(text):
        marks.append(marks[-1] + len(cluster))
    return tuple(marks)


def snap(text: str, index: int) -> int:
    """The nearest boundary at or before ``index`` (clamped into the text)."""
    marks = boundaries(text)
    index = max(0, min(index, len(text)))
    return marks[bisect_right(marks, index) - 1]


def next_boundary(text: str, index: int) -> int:
    """The boundary after ``index`` (``len(text)`` at the end)."""
    marks = boundaries(text)
    i = bisect_right(marks, index)
    return marks[i] if i < len(marks) else len(text)


def previous_boundary(text: str, index: int) -> int:
    """The boundary before ``index`` (0 at the start)."""
    marks = boundaries(text)
    i = bisect_right(marks, index - 1) - 1 if index > 0 else 0
    return marks[max(i, 0)]


def _kind(cluster: str) -> int:
    char = cluster[0]
    if char.isspace():
        return 0
    if unicodedata.category(char)[0] in "PS":  # punctuation and symbols
        return 1
    return 2


def word_start(text: str, index: int) -> int:
    """Where Ctrl+Backspace deletes back to: over spaces, then one run of the same kind.

    Kinds are spaces, punctuation/symbols, and everything else (letters,
    digits, ideographs). Chinese has no spaces, so a run of hanzi is one word.
    """
    marks = boundaries(text)
    i = bisect_right(marks, max(0, min(index, len(text)))) - 1
    while i > 0 and _kind(text[marks[i - 1] : marks[i]]) == 0:
        i -= 1
    if i > 0:
        kind = _kind(text[marks[i - 1] : marks[i]])
        while i > 0 and _kind(text[marks[i - 1] : marks[i]]) == kind:
            i -= 1
    return marks[i]


def word_end(text: str, index: int) -> int:
    """Where Ctrl+Delete deletes to: over spaces, then one run of the same kind."""
    marks = boundaries(text)
    i = bisect_right(marks, max(0, min(index, len(text)))) - 1
    last = len(marks) - 1
    while i < last and _kind(text[marks[i] : marks[i + 1]]) == 0:
        i += 1
    if i < last:
        kind = _kind(text[marks[i] : marks[i + 1]])
        while i < last and _kind(text[marks[i] : marks[i + 1]]) == kind:
            i += 1
    return marks[i]


def clip(text: str, limit: int) -> str:
    """The longest prefix of at most ``limit`` code points that ends on a boundary."""
    if len(text) <= limit:
        return text
    return text[: snap(text, limit)]
