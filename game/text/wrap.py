"""Word wrap to a pixel width, for Latin and CJK text alike.

Rules (see ``docs/npc.md``):

* Latin text breaks at spaces; the spaces at a break are dropped.
* CJK text may break between any two characters, and between CJK and Latin; a run
  of at most four CJK characters after non-CJK text is kept whole like a word (a
  Chinese name in an English sentence), unless it is wider than the line.
* Kinsoku: closing punctuation (``，。！？、」』）》…`` and ``,.!?`` …) never starts
  a line and opening punctuation (``「『（《“``) never ends one: the
  neighbouring character moves down with it.
* A word wider than the line (code such as ``future.add_done_callback(lambda``) is
  broken at its punctuation where it can be: after ``. , ; : = ) ] } /`` or before
  ``( [ {``, never inside an identifier; only a run with none of them that is still
  wider than the line is hard-broken between characters.
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

from collections.abc import Callable

import regex

from game.text.cjk import is_cjk
from game.text.graphemes import clusters

__all__ = ["CLOSING", "OPENING", "Measure", "graphemes", "is_wide", "wrap", "wrap_spans"]

Measure = Callable[[str], int]

#: The longest run of CJK kept whole between non-CJK text (Chinese names are 2-4).
NAME_LENGTH = 4

#: May not start a line.
CLOSING = frozenset(
    "，。！？、；：」』）》〉】〕〗〙〛｝］｠…‥・ー々〜～％’”,.!?;:)]}%"
    "\u30fc\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\u2026\u22ef"
)
#: May not end a line.
OPENING = frozenset("「『（《〈【〔〖〘〚｛［｟‘“([{")
#: Inside a word too wide for a line, a line may start after these (code's punctuation)…
SOFT_AFTER = frozenset(".,;:=)]}/")
#: … or before these.
SOFT_BEFORE = frozenset("([{")


def graphemes(text: str) -> list[str]:
    """Split ``text`` into user-perceived characters (extended grapheme clusters).

    The game's one segmenter, :func:`game.text.graphemes.clusters` (UAX #29 by the
    ``regex`` module), so the wrapper, the typewriter and the caret agree.
    """
    return clusters(text)


def is_wide(cluster: str) -> bool:
    """Whether ``cluster`` is CJK or an emoji: a line may break on either side of it."""
    ch = cluster[0]
    code = ord(ch)
    return (
        0x2600 <= code <= 0x27BF  # misc symbols and dingbats (☀ ✂ ❤)
        or code >= 0x1F000  # emoji and pictographs, CJK extension planes
        or is_cjk(ch)
    )


def wrap(text: str, width: int, measure: Measure) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels as ``measure`` sees them.

    An empty text gives no lines; an empty paragraph (``"a\\n\\nb"``) an empty line.
    Raises ``ValueError`` if ``width`` is not positive.
    """
    return [text[start:end] for start, end in wrap_spans(text, width, measure)]


def wrap_spans(
    text: str,
    width: int,
    measure: Measure,
    widths: dict[str, int] | None = None,
    max_lines: int | None = None,
) -> list[tuple[int, int]]:
    """Like :func:`wrap`, as ``(start, end)`` code point offsets: line i is ``text[start:end]``.

    Offsets let a caller re-wrap only the end of a growing text: appending never
    moves a break before the last two lines (a break depends on the clusters
    around it only), so a streamed token costs work proportional to the token,
    not to the text so far. ``widths`` is a cache of cluster widths (pixels) the
    caller may keep between calls with the same ``measure``; ``max_lines`` stops
    after that many lines. Raises ``ValueError`` if ``width`` is not positive.
    """
    if width <= 0:
        raise ValueError(f"width must be > 0 pixels, not {width!r}")
    if not text:
        return []
    wrapper = _Wrapper(width, measure, widths)
    limit = len(text) + 1 if max_lines is None else max_lines
    spans: list[tuple[int, int]] = []
    start = 0
    for newline in _NEWLINE.finditer(text):
        spans.extend(wrapper.paragraph(text, start, newline.start(), limit - len(spans)))
        start = newline.end()
        if len(spans) >= limit:
            return spans[:limit]
    spans.extend(wrapper.paragraph(text, start, len(text), limit - len(spans)))
    return spans[:limit]


_NEWLINE = regex.compile(r"\r\n|\r|\n")


class _Wrapper:
    def __init__(self, width: int, measure: Measure, widths: dict[str, int] | None = None) -> None:
        self.width = width
        self.measure = measure
        self.widths: dict[str, int] = {} if widths is None else widths

    def cluster_width(self, cluster: str) -> int:
        w = self.widths.get(cluster)
        if w is None:
            w = self.widths[cluster] = self.measure(cluster)
        return w

    def paragraph(self, whole: str, first: int, last: int, limit: int) -> list[tuple[int, int]]:
        """The spans of the lines of ``whole[first:last]`` (one paragraph), in ``whole``."""
        text = whole[first:last]
        clusters = graphemes(text)
        if not clusters:
            return [(first, first)]
        offsets = [first]
        for cluster in clusters:
            offsets.append(offsets[-1] + len(cluster))
        n = len(clusters)
        widths = [self.cluster_width(c) for c in clusters]
        space = [c.isspace() for c in clusters]
        wide = [is_wide(c) for c in clusters]
        # A short run of CJK (between non-CJK text, or alone) is a word (a Chinese name in an
        # English sentence): no break inside it, unless it cannot fit a line. Local,
        # so appending text changes breaks near the end only (incremental wrapping).
        whole_word = [False] * (n + 1)
        start = 0
        while start < n:
            if not wide[start]:
                start += 1
                continue
            end = start
            while end < n and wide[end]:
                end += 1
            if end - start <= NAME_LENGTH:
                for i in range(start + 1, end):
                    whole_word[i] = True
            start = end
        # allowed[i]: a line may start at cluster i.
        allowed = [False] * (n + 1)
        before = clusters[0]  # the last cluster before i that is not a space
        for i in range(1, n):
            if not space[i - 1]:
                before = clusters[i - 1]
            if space[i] or clusters[i][0] in CLOSING or before[-1] in OPENING:
                continue
            if whole_word[i]:
                continue
            allowed[i] = space[i - 1] or wide[i - 1] or wide[i]

        lines: list[tuple[int, int]] = []
        start = 0
        while start < n and len(lines) < limit:
            end = self._greedy_end(start, widths, space, allowed, clusters)
            line = "".join(clusters[start:end]).rstrip()
            if end - start > 1 and self.measure(line) > self.width:
                end = self._shrink(start, end, clusters, allowed)
                line = "".join(clusters[start:end]).rstrip()
            lines.append((offsets[start], offsets[start] + len(line)))
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
        return self._hard_end(start, i, clusters, space)

    @staticmethod
    def _hard_end(start: int, i: int, clusters: list[str], space: list[bool]) -> int:
        """Break inside a run with no break opportunity, still minding kinsoku.

        The new line may not start with closing punctuation (or a space) and the
        old one may not end with opening punctuation. The furthest break at the
        run's punctuation (:data:`SOFT_AFTER`, :data:`SOFT_BEFORE`) comes first; else
        move the break back until both hold. If nothing in the line allows it, break
        where the width ran out.
        """
        for j in range(i, start + 1, -1):
            if (clusters[j - 1][-1] in SOFT_AFTER or clusters[j][0] in SOFT_BEFORE) and not (
                space[j] or clusters[j][0] in CLOSING or clusters[j - 1][-1] in OPENING
            ):
                return j
        j = i
        while j > start + 1 and (
            space[j] or clusters[j][0] in CLOSING or clusters[j - 1][-1] in OPENING
        ):
            j -= 1
        if space[j] or clusters[j][0] in CLOSING or clusters[j - 1][-1] in OPENING:
            return i
        return j

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
