"""The bundled fonts (Latin + Simplified Chinese, and emoji) and a fallback chain.

``load_font(size)`` returns a :class:`ChainFont`: a ``pygame.font.Font`` for the
bundled Noto Sans CJK SC subset (``assets/fonts``, SIL OFL, made by
``scripts/subset_font.py``) that renders each grapheme cluster with the first font
of the chain that has it: the bundled font, then pygame's default font, then the
bundled Noto Emoji (monochrome outlines, SIL OFL, ``scripts/subset_emoji_font.py``),
then a replacement box. Control characters and lone surrogates never raise; they
show as ``□``.

What a cluster becomes (Unicode §5.21 and UTS #51):

* An emoji presentation sequence (``"❤\\ufe0f"``, ``"1\\ufe0f\\u20e3"``, a flag, a
  skin tone, a ZWJ sequence, a character whose default is emoji presentation) goes
  whole to the emoji font, whose ligatures (shaped by HarfBuzz in SDL_ttf) make it
  one glyph. ``\\ufe0e`` asks for text presentation instead.
* Default-ignorable code points (zero-width space, joiners, bidi marks, U+2060,
  the BOM, U+034F, variation selectors, …) are never drawn and never measured.
* A variation sequence the font lacks falls back to its base character
  (``"葛\\U000e0100"`` → ``"葛"``), a decomposed accent to its precomposed form,
  and a combining mark no font has is dropped, keeping its base.

Glyph presence comes from ``pygame.freetype.Font.get_metrics``, which gives
``None`` for a character the font lacks (``pygame.font.Font.metrics`` reports
the ``.notdef`` box's metrics instead, so it cannot tell).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import pygame
import pygame.freetype
import regex

from game.assets import asset_path
from game.text.graphemes import clusters, drop_ignorable
from game.text.wrap import is_wide

__all__ = [
    "EMOJI_FONT_PATH",
    "FONT_PATH",
    "REPLACEMENT",
    "ChainFont",
    "GlyphProbe",
    "load_font",
    "wants_emoji",
]

#: The bundled font file.
FONT_PATH = asset_path("fonts", "NotoSansCJKsc-Subset.otf")
#: The bundled emoji font (Noto Emoji, monochrome).
EMOJI_FONT_PATH = asset_path("fonts", "NotoEmoji-Regular.ttf")
#: Shown for a character no font of the chain has (U+25A1 WHITE SQUARE, in the bundled font).
REPLACEMENT = "\u25a1"

# UTS #51: a cluster asks for an emoji glyph when it is a flag, a keycap, carries VS16,
# a skin tone or a ZWJ, or starts with a character whose default presentation is emoji.
_EMOJI_SEQUENCE = regex.compile(
    r"[\U0001F1E6-\U0001F1FF]|.*[\ufe0f\u20e3\u200d\U0001F3FB-\U0001F3FF]"
    r"|\p{Emoji_Presentation}",
    regex.DOTALL,
)


class GlyphProbe:
    """Answers "does this font have a glyph for this character?" (cached per character).

    Survives ``pygame.quit()``: the answers are kept, the FreeType face is reopened.
    """

    def __init__(self, path: str | Path | None) -> None:
        self.path = str(path) if path is not None else None
        self._face: pygame.freetype.Font | None = None
        self._known: dict[str, bool] = {}

    def has(self, ch: str) -> bool:
        """Whether the font maps ``ch`` (one code point) to a glyph."""
        known = self._known.get(ch)
        if known is None:
            metrics: list[object] = list(self._metrics(ch))
            known = self._known[ch] = bool(metrics) and metrics[0] is not None
        return known

    def _metrics(self, ch: str) -> list[tuple[int, int, int, int, float, float]]:
        for _ in range(2):
            if self._face is None:
                if not pygame.freetype.get_init():
                    pygame.freetype.init()
                self._face = pygame.freetype.Font(self.path, 16)
            try:
                return self._face.get_metrics(ch)
            except pygame.error:  # the freetype module was quit since the face was opened
                self._face = None
        raise pygame.error(f"cannot read glyphs of {self.path or 'the default font'}")


@functools.cache
def _probe(path: str | None) -> GlyphProbe:
    return GlyphProbe(path)


def _clean(ch: str) -> bool:
    """Whether ``ch`` may reach SDL_ttf at all (no NUL, controls or lone surrogates)."""
    category = unicodedata.category(ch)
    return category not in ("Cc", "Cs") or ch == "\t"


def wants_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster asks to be drawn as an emoji (UTS #51 presentation)."""
    return "\ufe0e" not in cluster and _EMOJI_SEQUENCE.match(cluster) is not None


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Mc"))


class ChainFont(pygame.font.Font):
    """A ``pygame.font.Font`` with a fallback chain; ``size`` and ``render`` agree.

    ``fallbacks`` are ``(font, probe)`` pairs tried in order after this font;
    ``emoji`` (one of them, or another) is the font emoji sequences go to first.
    Text the primary font covers takes the plain pygame path; mixed text is
    rendered in runs, one per font, on a common baseline. A text of nothing but
    default-ignorable code points renders as a 0-pixel-wide surface.
    """

    def __init__(
        self,
        path: str | Path,
        size: int,
        fallbacks: Sequence[tuple[pygame.font.Font, GlyphProbe]] = (),
        *,
        emoji: tuple[pygame.font.Font, GlyphProbe] | None = None,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        super().__init__(str(path), size)
        self.path = str(path)
        self.probe = _probe(self.path)
        chain = list(fallbacks)
        if emoji is not None and emoji not in chain:
            chain.append(emoji)
        self.fallbacks = tuple(chain)
        #: The chain index (1-based, as in :meth:`runs`) of the emoji font, or None.
        self.emoji_index = None if emoji is None else chain.index(emoji) + 1
        self._runs: dict[str, list[tuple[int, str]]] = {}
        # Characters known to need no fallback: a C-level subset test skips the run split.
        self._plain: set[str] = set()

    def has_glyph(self, ch: str) -> bool:
        """Whether the primary (bundled) font has ``ch``."""
        return self.probe.has(ch)

    def runs(self, text: str) -> list[tuple[int, str]]:
        """``text`` split into ``(font index, text)`` runs; index 0 is this font."""
        if self._plain.issuperset(text):
            return [(0, text)] if text else []
        cached = self._runs.get(text)
        if cached is not None:
            return cached
        runs: list[tuple[int, str]] = []
        wide = False
        for cluster in clusters(text):
            index, shown = self._place(cluster)
            if not shown:
                continue  # nothing to draw, nothing to measure
            # Han next to Latin in one SDL_ttf call costs 50-100× either alone (0.2-0.5 ms
            # a line, measured with pygame-ce 2.5.8): they are drawn as separate runs.
            was_wide, wide = wide, is_wide(shown)
            if runs and runs[-1][0] == index and (index != 0 or wide == was_wide):
                runs[-1] = (index, runs[-1][1] + shown)
            else:
                runs.append((index, shown))
        if len(runs) == 1 and runs[0] == (0, text) and not wide:
            self._plain.update(text)
            return runs
        if len(self._runs) > 4096:
            self._runs.clear()
        self._runs[text] = runs
        return runs

    def _place(self, cluster: str) -> tuple[int, str]:
        """Which font draws ``cluster``, and what it draws (``""``: nothing at all)."""
        if not all(_clean(ch) for ch in cluster):
            return 0, REPLACEMENT
        if self.emoji_index is not None and wants_emoji(cluster):
            probe = self.fallbacks[self.emoji_index - 1][1]
            if all(probe.has(ch) for ch in cluster):
                return self.emoji_index, cluster  # whole: its ligature is one glyph
        visible = drop_ignorable(cluster)
        if not visible:
            return 0, ""
        if all(self.probe.has(ch) for ch in visible):
            return 0, visible
        # Combining marks the font lacks: try the precomposed form, else drop them.
        composed = unicodedata.normalize("NFC", visible)
        if all(self.probe.has(ch) for ch in composed):
            return 0, composed
        for index, (_, probe) in enumerate(self.fallbacks, start=1):
            if all(probe.has(ch) for ch in visible):
                return index, visible
        base = _strip_marks(composed)
        if base:
            if all(self.probe.has(ch) for ch in base):
                return 0, base
            for index, (_, probe) in enumerate(self.fallbacks, start=1):
                if all(probe.has(ch) for ch in base):
                    return index, base
        elif composed:
            return 0, ""  # only marks with nothing to sit on, in no font: leave them out
        return 0, REPLACEMENT

    def _font(self, index: int) -> pygame.font.Font:
        return self if index == 0 else self.fallbacks[index - 1][0]

    def size(self, text: str | bytes, /) -> tuple[int, int]:
        """Width and height of ``text`` as :meth:`render` draws it."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        runs = self.runs(text)
        if not runs or (len(runs) == 1 and runs[0][0] == 0):
            return super().size(runs[0][1] if runs else "")
        width = 0
        for index, run in runs:
            font = self._font(index)
            width += super().size(run)[0] if font is self else font.size(run)[0]
        return width, self.get_height()

    def render(
        self,
        text: str | bytes | None,
        antialias: bool,
        color: pygame.typing.ColorLike,
        bgcolor: pygame.typing.ColorLike | None = None,
        wraplength: int = 0,
    ) -> pygame.Surface:
        """Render ``text`` one run per font; characters no font has show as ``□``."""
        if text is None:
            text = ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        runs = self.runs(text)
        if wraplength or not runs or (len(runs) == 1 and runs[0][0] == 0):
            # One font: pygame draws it (and wraps it, if asked) directly.
            plain = "".join(run for _, run in runs)
            try:
                return super().render(plain, antialias, color, bgcolor, wraplength)
            except pygame.error as exc:  # glyphs that all have zero width
                return self._empty(exc, bgcolor)
        pieces = []
        for index, run in runs:
            font = self._font(index)
            try:
                if font is self:
                    piece = super().render(run, antialias, color, bgcolor)
                else:
                    piece = font.render(run, antialias, color, bgcolor)
            except pygame.error as exc:
                piece = self._empty(exc, bgcolor)
            pieces.append((font, piece))
        width = sum(piece.get_width() for _, piece in pieces)
        surface = pygame.Surface((width, self.get_height()), pygame.SRCALPHA)
        if bgcolor is not None:
            surface.fill(bgcolor)
        x = 0
        ascent = self.get_ascent()
        for font, piece in pieces:
            surface.blit(piece, (x, ascent - font.get_ascent()))
            x += piece.get_width()
        return surface

    def _empty(self, exc: pygame.error, bgcolor: pygame.typing.ColorLike | None) -> pygame.Surface:
        if "zero width" not in str(exc):
            raise exc
        surface = pygame.Surface((0, self.get_height()), pygame.SRCALPHA)
        if bgcolor is not None:
            surface.fill(bgcolor)
        return surface


_loaded: dict[int, ChainFont] = {}


def load_font(size: int = 18) -> ChainFont:
    """The bundled font at ``size`` pixels, with pygame's default font and emoji as fallbacks.

    The same object is returned for the same size until ``pygame.quit()``
    invalidates it. Raises ``FileNotFoundError`` naming the path if a bundled
    font file is missing.
    """
    font = _loaded.get(size)
    if font is not None:
        try:
            font.get_height()
            return font
        except pygame.error:  # the font module was quit since: load again
            pass
    for path in (FONT_PATH, EMOJI_FONT_PATH):
        if not path.is_file():
            raise FileNotFoundError(f"bundled font missing: {path}")
    if not pygame.font.get_init():
        pygame.font.init()
    default = pygame.font.Font(None, size)
    emoji = pygame.font.Font(str(EMOJI_FONT_PATH), _emoji_size(size))
    font = _loaded[size] = ChainFont(
        FONT_PATH,
        size,
        [(default, _probe(None))],
        emoji=(emoji, _probe(str(EMOJI_FONT_PATH))),
    )
    for _, probe in font.fallbacks:
        probe.has("A")  # open its face now (~10 ms), not in the frame of the first emoji
    return font


def _emoji_size(size: int) -> int:
    # Noto Emoji's glyphs fill the em box; a size a little smaller than the text's
    # makes an emoji as tall as a capital plus descender, as in chat apps.
    return max(1, round(size * 0.9))
