"""Where the caret may stand: grapheme cluster boundaries, and words.

A Python ``str`` is a sequence of code points, but what a reader sees as one
character can be several: ``"e\\u0301"`` (e + combining acute), ``"👍🏽"``
(thumb + skin tone), ``"👩\\u200d💻"`` (a ZWJ sequence), ``"🇨🇳"`` (two regional
indicators), ``"❤\\ufe0f"`` (a variation selector), Hangul jamo. The caret
moves, and Backspace deletes, by these clusters, so it never lands inside one.

This follows the extended grapheme cluster rules of Unicode's UAX #29 (GB3 to
GB13) without the rarely met Prepend rule, using ``unicodedata`` and a compact
table of emoji ranges; the tests compare it with the ``regex`` module's ``\\X``.
Pure Python, no pygame.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from functools import lru_cache

__all__ = [
    "boundaries",
    "clip",
    "next_boundary",
    "previous_boundary",
    "snap",
    "word_end",
    "word_start",
]

# Grapheme break classes (only those the rules tell apart).
_OTHER, _CR, _LF, _CONTROL, _EXTEND, _ZWJ, _RI, _SPACING = range(8)
_L, _V, _T, _LV, _LVT, _HIGH, _LOW = range(8, 15)

# Extended_Pictographic, approximately: the emoji blocks and the older symbols
# that emoji sequences start with. (first, last) inclusive, sorted.
_PICTOGRAPHIC = (
    (0x00A9, 0x00A9), (0x00AE, 0x00AE), (0x203C, 0x203C), (0x2049, 0x2049),
    (0x2122, 0x2122), (0x2139, 0x2139), (0x2194, 0x2199), (0x21A9, 0x21AA),
    (0x231A, 0x231B), (0x2328, 0x2328), (0x2388, 0x2388), (0x23CF, 0x23CF),
    (0x23E9, 0x23F3), (0x23F8, 0x23FA), (0x24C2, 0x24C2), (0x25AA, 0x25AB),
    (0x25B6, 0x25B6), (0x25C0, 0x25C0), (0x25FB, 0x25FE), (0x2600, 0x27BF),
    (0x2934, 0x2935), (0x2B05, 0x2B07), (0x2B1B, 0x2B1C), (0x2B50, 0x2B50),
    (0x2B55, 0x2B55), (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297),
    (0x3299, 0x3299), (0x1F000, 0x1F0FF), (0x1F10D, 0x1F10F), (0x1F12F, 0x1F12F),
    (0x1F16C, 0x1F171), (0x1F17E, 0x1F17F), (0x1F18E, 0x1F18E), (0x1F191, 0x1F19A),
    (0x1F1AD, 0x1F1E5), (0x1F201, 0x1F20F), (0x1F21A, 0x1F21A), (0x1F22F, 0x1F22F),
    (0x1F232, 0x1F23A), (0x1F23C, 0x1F23F), (0x1F249, 0x1F3FA), (0x1F400, 0x1F53D),
    (0x1F546, 0x1F64F), (0x1F680, 0x1F6FF), (0x1F774, 0x1F77F), (0x1F7D5, 0x1F7FF),
    (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F), (0x1F888, 0x1F88F),
    (0x1F8AE, 0x1F8FF), (0x1F90C, 0x1F93A), (0x1F93C, 0x1F945), (0x1F947, 0x1FAFF),
    (0x1FC00, 0x1FFFD),
)  # fmt: skip
_PICTOGRAPHIC_STARTS = [first for first, _ in _PICTOGRAPHIC]


def _pictographic(cp: int) -> bool:
    i = bisect_right(_PICTOGRAPHIC_STARTS, cp) - 1
    return i >= 0 and cp <= _PICTOGRAPHIC[i][1]


@lru_cache(maxsize=4096)
def _class(char: str) -> int:
    cp = ord(char)
    if cp == 0x0D:
        return _CR
    if cp == 0x0A:
        return _LF
    if cp == 0x200D:
        return _ZWJ
    if 0x1F1E6 <= cp <= 0x1F1FF:
        return _RI
    if 0xD800 <= cp <= 0xDBFF:
        return _HIGH
    if 0xDC00 <= cp <= 0xDFFF:
        return _LOW
    # Emoji modifiers (skin tones), tags (flag sequences), halfwidth kana voicing marks
    # and ZWNJ are Extend though their general category says otherwise.
    if 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F or cp in (0x200C, 0xFF9E, 0xFF9F):
        return _EXTEND
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return _EXTEND
    if category == "Mc":
        return _SPACING
    if category in ("Cc", "Zl", "Zp", "Cf"):
        return _CONTROL
    if 0x1100 <= cp <= 0x115F or 0xA960 <= cp <= 0xA97C:
        return _L
    if 0x1160 <= cp <= 0x11A7 or 0xD7B0 <= cp <= 0xD7C6:
        return _V
    if 0x11A8 <= cp <= 0x11FF or 0xD7CB <= cp <= 0xD7FB:
        return _T
    if 0xAC00 <= cp <= 0xD7A3:
        return _LV if (cp - 0xAC00) % 28 == 0 else _LVT
    return _OTHER


_BREAKERS = (_CR, _LF, _CONTROL, _HIGH, _LOW)


def _joins(
    previous: int, current: int, after_emoji_zwj: bool, pictograph: bool, ri_run: int
) -> bool:
    """Whether there is no boundary between two code points: the rules, in order."""
    if previous == _CR and current == _LF:  # GB3
        return True
    if previous == _HIGH and current == _LOW:  # a surrogate pair is never split
        return True
    if previous in _BREAKERS or current in _BREAKERS:  # GB4, GB5
        return False
    if previous == _L and current in (_L, _V, _LV, _LVT):  # GB6: Hangul syllables
        return True
    if previous in (_LV, _V) and current in (_V, _T):  # GB7
        return True
    if previous in (_LVT, _T) and current == _T:  # GB8
        return True
    if current in (_EXTEND, _ZWJ, _SPACING):  # GB9, GB9a
        return True
    if after_emoji_zwj and pictograph:  # GB11: emoji ZWJ sequences
        return True
    # GB12, GB13: regional indicators pair up into flags.
    return previous == _RI and current == _RI and ri_run % 2 == 1


@lru_cache(maxsize=4096)
def _props(char: str) -> tuple[int, bool]:
    return _class(char), _pictographic(ord(char))


def boundaries(text: str) -> tuple[int, ...]:
    """Every index where a grapheme cluster starts or ends: 0, …, ``len(text)``."""
    return _boundaries(text)


# The editor asks several times about the same text per keystroke; strings
# are immutable, so the answer can be kept.
@lru_cache(maxsize=16)
def _boundaries(text: str) -> tuple[int, ...]:
    if not text:
        return (0,)
    result = [0]
    previous, pictograph = _props(text[0])
    # GB11 state: 1 after a pictograph (and Extends), 2 after that and a ZWJ.
    emoji = 1 if pictograph else 0
    regional = 1 if previous == _RI else 0  # regional indicators in a row
    for i in range(1, len(text)):
        current, pictograph = _props(text[i])
        if current == _OTHER and previous == _OTHER and not pictograph:
            # Fast path: letters, digits, ideographs, punctuation.
            result.append(i)
            emoji = regional = 0
            continue
        if not _joins(previous, current, emoji == 2, pictograph, regional):
            result.append(i)
        if pictograph:
            emoji = 1
        elif current == _EXTEND:
            emoji = 1 if emoji == 1 else 0
        elif current == _ZWJ:
            emoji = 2 if emoji == 1 else 0
        else:
            emoji = 0
        regional = regional + 1 if current == _RI else 0
        previous = current
    result.append(len(text))
    return tuple(result)


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
