"""The bundled font (Latin + Simplified Chinese) and a fallback chain for what it lacks.

``load_font(size)`` returns a :class:`ChainFont`: a ``pygame.font.Font`` for the
bundled Noto Sans CJK SC subset (``assets/fonts``, SIL OFL, made by
``scripts/subset_font.py``) that renders each character with the first font
of the chain that has it: the bundled font, then pygame's default font, then
a replacement box. Emoji, rare characters, control characters and lone
surrogates never raise; they show as ``□``.

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

from game.assets import asset_path
from game.text.wrap import graphemes

__all__ = ["FONT_PATH", "REPLACEMENT", "ChainFont", "GlyphProbe", "load_font"]

#: The bundled font file.
FONT_PATH = asset_path("fonts", "NotoSansCJKsc-Subset.otf")
#: Shown for a character no font of the chain has (U+25A1 WHITE SQUARE, in the bundled font).
REPLACEMENT = "\u25a1"

# Zero-width characters a font may lack without anything visible going missing.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")


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


class ChainFont(pygame.font.Font):
    """A ``pygame.font.Font`` with a fallback chain; ``size`` and ``render`` agree.

    ``fallbacks`` are ``(font, probe)`` pairs tried in order after this font.
    Text the primary font covers takes the plain pygame path; mixed text is
    rendered in runs, one per font, on a common baseline.
    """

    def __init__(
        self,
        path: str | Path,
        size: int,
        fallbacks: Sequence[tuple[pygame.font.Font, GlyphProbe]] = (),
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        super().__init__(str(path), size)
        self.path = str(path)
        self.probe = _probe(self.path)
        self.fallbacks = tuple(fallbacks)
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
        for cluster in graphemes(text):
            index, shown = self._place(cluster)
            if runs and runs[-1][0] == index:
                runs[-1] = (index, runs[-1][1] + shown)
            else:
                runs.append((index, shown))
        if len(runs) == 1 and runs[0] == (0, text):
            self._plain.update(text)
            return runs
        if len(self._runs) > 4096:
            self._runs.clear()
        self._runs[text] = runs
        return runs

    def _place(self, cluster: str) -> tuple[int, str]:
        if all(_clean(ch) for ch in cluster):
            visible = "".join(ch for ch in cluster if ch not in _INVISIBLE) or cluster
            if all(self.probe.has(ch) for ch in visible):
                return 0, visible
            # Combining marks the font lacks: try the precomposed form, else drop them.
            composed = unicodedata.normalize("NFC", visible)
            if all(self.probe.has(ch) for ch in composed):
                return 0, composed
            for index, (_, probe) in enumerate(self.fallbacks, start=1):
                if all(probe.has(ch) for ch in visible):
                    return index, visible
            base = "".join(ch for ch in composed if not unicodedata.combining(ch))
            if base and all(self.probe.has(ch) for ch in base):
                return 0, base
        return 0, REPLACEMENT

    def _font(self, index: int) -> pygame.font.Font:
        return self if index == 0 else self.fallbacks[index - 1][0]

    def size(self, text: str | bytes, /) -> tuple[int, int]:
        """Width and height of ``text`` as :meth:`render` draws it."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        runs = self.runs(text)
        if len(runs) <= 1:
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
        if wraplength or len(runs) <= 1:
            # One font: pygame draws it (and wraps it, if asked) directly.
            plain = "".join(run for _, run in runs)
            return super().render(plain, antialias, color, bgcolor, wraplength)
        pieces = []
        for index, run in runs:
            font = self._font(index)
            if font is self:
                piece = super().render(run, antialias, color, bgcolor)
            else:
                piece = font.render(run, antialias, color, bgcolor)
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


_loaded: dict[int, ChainFont] = {}


def load_font(size: int = 18) -> ChainFont:
    """The bundled font at ``size`` pixels, with pygame's default font as fallback.

    The same object is returned for the same size until ``pygame.quit()``
    invalidates it. Raises ``FileNotFoundError`` naming the path if the font
    file is missing.
    """
    font = _loaded.get(size)
    if font is not None:
        try:
            font.get_height()
            return font
        except pygame.error:  # the font module was quit since: load again
            pass
    if not FONT_PATH.is_file():
        raise FileNotFoundError(f"bundled font missing: {FONT_PATH}")
    if not pygame.font.get_init():
        pygame.font.init()
    default = pygame.font.Font(None, size)
    font = _loaded[size] = ChainFont(FONT_PATH, size, [(default, _probe(None))])
    return font
