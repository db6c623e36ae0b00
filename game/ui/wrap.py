"""Word wrap to a pixel width, for Latin and CJK text alike.

Rules (see ``docs/npc.md``):

* Latin text breaks at spaces; the spaces at a break are dropped.
* CJK text may break between any two characters, and between CJK and Latin.
* Kinsoku: closing punctuation (``，。！？、」』）》…`` and ``,.!?`` …) never starts
  a line and opening punctuation (``「『（《“``) never ends one: the
  neighbouring character moves down with it.
* A word wider than the line is hard-broken between characters.
* A grapheme cluster (a letter with its combining marks, an emoji with its
  skin tone, a ZWJ family, a flag) is never split.
* ``\\n`` starts a new line.

Widths come from ``measure`` (``font.size(text)[0]``): each distinct cluster is
measured once and cached, each line is then checked once as a whole (kerning
can make a line differ from the sum of its characters), so wrapping is linear
in the length of the text. No line is wider than ``width``, except a line of a
single cluster that is wider on its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator

__all__ = ["CLOSING", "OPENING", "Measure", "graphemes", "is_wide", "wrap"]

Measure = Callable[[str], int]

#: May not start a line.
CLOSING = frozenset(
    "，。！？、；：」』）》〉】〕〗〙〛｝］｠…‥・ー々〜～％’”,.!?;:)]}%"
    "\u30fc\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\u2026\u22ef"
)
#: May not end a line.
OPENING = frozenset("「『（《〈【〔〖〘〚｛［｟‘“([{")

_ZWJ = "\u200d"


def _extends(ch: str) -> bool:
    """Whether ``ch`` belongs to the cluster before it (UAX #29 Extend / SpacingMark)."""
    code = ord(ch)
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # emoji skin tones
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences (subdivision flags)
        or 0xE0100 <= code <= 0xE01EF
        or ch == "\u200c"
    )


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def graphemes(text: str) -> Iterator[str]:
    """Split ``text`` into user-perceived characters (extended grapheme clusters).

    Covers what chat text holds: combining marks, variation selectors, emoji
    modifiers, ZWJ sequences, tag sequences and regional-indicator flags,
    and CR LF. (Hangul jamo and Indic conjuncts fall back to per-letter.)
    """
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if text[i] == "\r" and j < n and text[j] == "\n":
            yield "\r\n"
            i = j + 1
            continue
        if _regional(text[i]) and j < n and _regional(text[j]):
            j += 1
        while j < n:
            ch = text[j]
            if _extends(ch):
                j += 1
            elif ch == _ZWJ:
                j += 1
                # A ZWJ glues the next pictograph to this cluster.
                if j < n and not text[j].isspace():
                    j += 1
            else:
                break
        yield text[i:j]
        i = j


def is_wide(cluster: str) -> bool:
    """Whether ``cluster`` is CJK or an emoji: a line may break on either side of it."""
    ch = cluster[0]
    code = ord(ch)
    if code < 0x2E80:
        return 0x2600 <= code <= 0x27BF  # misc symbols and dingbats (☀ ✂ ❤)
    return (
        code <= 0x9FFF  # CJK radicals, punctuation, kana, ideographs
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0xF900 <= code <= 0xFAFF
        or 0xFE30 <= code <= 0xFE4F
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or code >= 0x1F000  # emoji and pictographs, CJK extension planes
    )


def wrap(text: str, width: int, measure: Measure) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels as ``measure`` sees them.

    An empty text gives no lines; an empty paragraph (``"a\\n\\nb"``) an empty line.
    Raises ``ValueError`` if ``width`` is not positive.
    """
    if width <= 0:
        raise ValueError(f"width must be > 0 pixels, not {width!r}")
    if not text:
        return []
    wrapper = _Wrapper(width, measure)
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(wrapper.paragraph(paragraph))
    return lines


class _Wrapper:
    def __init__(self, width: int, measure: Measure) -> None:
        self.width = width
        self.measure = measure
        self.widths: dict[str, int] = {}

    def cluster_width(self, cluster: str) -> int:
        w = self.widths.get(cluster)
        if w is None:
            w = self.widths[cluster] = self.measure(cluster)
        return w

    def paragraph(self, text: str) -> list[str]:
        clusters = list(graphemes(text))
        if not clusters:
            return [""]
        n = len(clusters)
        widths = [self.cluster_width(c) for c in clusters]
        space = [c.isspace() for c in clusters]
        wide = [is_wide(c) for c in clusters]
        # allowed[i]: a line may start at cluster i.
        allowed = [False] * (n + 1)
        for i in range(1, n):
            prev, cur = clusters[i - 1], clusters[i]
            if space[i] or cur[0] in CLOSING or prev[-1] in OPENING:
                continue
            allowed[i] = space[i - 1] or wide[i - 1] or wide[i]

        lines: list[str] = []
        start = 0
        while start < n:
            end = self._greedy_end(start, widths, space, allowed, clusters)
            line = "".join(clusters[start:end]).rstrip()
            if end - start > 1 and self.measure(line) > self.width:
                end = self._shrink(start, end, clusters, allowed)
                line = "".join(clusters[start:end]).rstrip()
            lines.append(line)
            start = end
            while start < n and space[start]:
                start += 1  # spaces at a break vanish
        return lines

    def _greedy_end(
        self,
        start: int,
        widths: list[int],
        space: list[bool],
        allowed: list[bool],
        clusters: list[str],
    ) -> int:
        """Where the line from ``start`` ends, by the cached cluster widths."""
        n = len(widths)
        x = 0
        last_break = -1
        i = start
        while i < n:
            if i > start and allowed[i]:
                last_break = i
            # Spaces hang past the edge: they are dropped at the break.
            if not space[i] and i > start and x + widths[i] > self.width:
                break
            x += widths[i]
            i += 1
        if i == n:
            return n
        if last_break > start:
            return last_break
        # Hard break inside a word; kinsoku: the character before closing punctuation
        # moves down with it (over any spaces between them).
        if clusters[i][0] in CLOSING:
            j = i - 1
            while j > start and space[j]:
                j -= 1
            if j > start:
                return j
        return i

    def _shrink(self, start: int, end: int, clusters: list[str], allowed: list[bool]) -> int:
        """The furthest end before ``end`` whose line really fits (rare: kerning, rounding)."""

        def fits(stop: int) -> bool:
            return self.measure("".join(clusters[start:stop]).rstrip()) <= self.width

        breaks = [i for i in range(start + 1, end) if allowed[i]]
        for candidates in (breaks, list(range(start + 2, end))):
            lo, hi, best = 0, len(candidates) - 1, -1
            while lo <= hi:
                mid = (lo + hi) // 2
                if fits(candidates[mid]):
                    best, lo = mid, mid + 1
                else:
                    hi = mid - 1
            if best >= 0:
                return candidates[best]
        return start + 1
