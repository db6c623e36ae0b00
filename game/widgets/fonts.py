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

A font file is read once, within :data:`MAX_FONT_BYTES`, and checked before
FreeType sees it (:func:`check_font_data`): its table directory must lie
inside the file and every table's checksum must match, so a truncated, empty
or corrupted file is found here instead of crashing inside SDL_ttf. Such a
file is skipped with a warning, and the next font of the chain takes its
place. Fonts are opened from the bytes in memory, so they hold no file
handle; :func:`close_fonts` (called by ``App.close()``) drops them all.
"""

from __future__ import annotations

import io
import logging
import struct
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pygame
import pygame.freetype

from game.assets import asset_path
from game.engine.datafile import DataFileError, read_bytes
from game.text.wrap import graphemes

__all__ = [
    "FONT_PATH",
    "MAX_FONT_BYTES",
    "MAX_RENDER_CHARS",
    "REPLACEMENT",
    "ChainFont",
    "GlyphProbe",
    "check_font_data",
    "close_fonts",
    "default_font",
    "load_font",
]

log = logging.getLogger(__name__)

#: Largest font file read (the bundled subset is ~3 MB; a full CJK font ~20 MB).
MAX_FONT_BYTES = 64 * 1024 * 1024
#: Longest text handed to SDL_ttf in one call; the rest is cut. A line on the
#: 960-pixel canvas holds ~100 characters; 10 MB of text made SDL_ttf crash.
MAX_RENDER_CHARS = 2000

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

    def __init__(self, path: str | Path | None, data: bytes | None = None) -> None:
        self.path = str(path) if path is not None else None
        #: The file's bytes (checked); ``None`` with a path reads the path itself.
        self.data = data
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
                source = io.BytesIO(self.data) if self.data is not None else self.path
                self._face = pygame.freetype.Font(source, 16)
            try:
                return self._face.get_metrics(ch)
            except pygame.error:  # the freetype module was quit since the face was opened
                self._face = None
        raise pygame.error(f"cannot read glyphs of {self.path or 'the default font'}")


_probes: dict[str | None, GlyphProbe] = {}
_data: dict[str, bytes] = {}


#: pygame's own font (FreeSansBold), the last font of the chain.
DEFAULT_FONT_PATH = Path(pygame.__file__).parent / pygame.font.get_default_font()


def _probe(path: str | None) -> GlyphProbe:
    """The probe (and checked bytes) of ``path``; ``None`` is pygame's default font."""
    probe = _probes.get(path)
    if probe is None:
        if path is not None:
            probe = GlyphProbe(path, _font_data(path))
        else:
            # pygame's own file, trusted; read into memory so no handle stays open.
            try:
                data: bytes | None = read_bytes(DEFAULT_FONT_PATH, limit=MAX_FONT_BYTES)
            except DataFileError:
                data = None
            probe = GlyphProbe(None, data)
        _probes[path] = probe
    return probe


def default_font(size: int) -> pygame.font.Font:
    """pygame's default font at ``size`` pixels, opened from memory (no file handle)."""
    data = _probe(None).data
    return pygame.font.Font(io.BytesIO(data) if data is not None else None, size)


def _font_data(path: str) -> bytes:
    data = _data.get(path)
    if data is None:
        data = read_bytes(path, limit=MAX_FONT_BYTES)
        problem = check_font_data(data)
        if problem is not None:
            raise DataFileError(path, None, problem)
        data = _data[path] = data
    return data


_SFNT_VERSIONS = (b"\x00\x01\x00\x00", b"OTTO", b"true")
_REQUIRED_TABLES = (b"cmap", b"head", b"hhea", b"hmtx", b"maxp")


def check_font_data(data: bytes) -> str | None:
    """What is wrong with an OpenType/TrueType font's bytes, or ``None`` if nothing.

    Checks what FreeType trusts: the sfnt header, a table directory inside
    the file, the tables every font needs, and each table's checksum (the
    OpenType spec's sum of big-endian uint32 words; for ``head`` with its
    ``checkSumAdjustment`` taken as 0). So a truncated, empty or corrupted
    file is named before it reaches native code.
    """
    if len(data) < 12:
        return f"not a font: {len(data)} bytes"
    if data[:4] not in _SFNT_VERSIONS:
        return "not an OpenType or TrueType font (unknown sfnt version)"
    (count,) = struct.unpack_from(">H", data, 4)
    if count == 0 or 12 + 16 * count > len(data):
        return "truncated: the table directory ends past the end of the file"
    tables: set[bytes] = set()
    for index in range(count):
        tag, checksum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if offset + length > len(data):
            return f"truncated: table {tag.decode('latin-1')!r} ends past the end of the file"
        table = bytearray(data[offset : offset + length])
        if tag == b"head" and length >= 12:
            table[8:12] = bytes(4)
        table += bytes(-len(table) % 4)
        words = np.frombuffer(bytes(table), dtype=">u4")
        if int(words.sum(dtype=np.uint64)) & 0xFFFFFFFF != checksum:
            return f"corrupt: table {tag.decode('latin-1')!r} does not match its checksum"
        tables.add(tag)
    missing = [t.decode() for t in _REQUIRED_TABLES if t not in tables]
    if missing:
        return f"not a usable font: no {', '.join(missing)} table"
    if b"glyf" not in tables and b"CFF " not in tables and b"CFF2" not in tables:
        return "not a usable font: no glyph outlines (glyf or CFF table)"
    return None


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
        path: str | Path | None,
        size: int,
        fallbacks: Sequence[tuple[pygame.font.Font, GlyphProbe]] = (),
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        # A bad file raises DataFileError here, before SDL_ttf sees it.
        self.probe = _probe(None if path is None else str(path))
        data = self.probe.data
        super().__init__(io.BytesIO(data) if data is not None else None, size)
        #: The font file, or ``None`` for pygame's default font.
        self.path = self.probe.path
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
        """Width and height of ``text`` as :meth:`render` draws it (its first
        :data:`MAX_RENDER_CHARS` characters)."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        runs = self.runs(text[:MAX_RENDER_CHARS])
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
        """Render ``text`` one run per font; characters no font has show as ``□``.

        At most :data:`MAX_RENDER_CHARS` characters are drawn; the rest is cut.
        """
        if text is None:
            text = ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        # Bounded before SDL_ttf: its surface for megabytes of text overflowed.
        runs = self.runs(text[:MAX_RENDER_CHARS])
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
    invalidates it or :func:`close_fonts` drops it. A bundled font that is
    missing, oversized, truncated or corrupt is skipped with a warning
    (once): pygame's default font is used instead, and CJK text shows as boxes.
    """
    font = _loaded.get(size)
    if font is not None:
        try:
            font.get_height()
            return font
        except pygame.error:  # the font module was quit since: load again
            pass
    if not pygame.font.get_init():
        pygame.font.init()
    try:
        font = ChainFont(FONT_PATH, size, [(default_font(size), _probe(None))])
    except DataFileError as exc:
        if str(FONT_PATH) not in _skipped:
            _skipped.add(str(FONT_PATH))
            log.warning("font %s; using pygame's default font instead", exc)
        font = ChainFont(None, size)
    _loaded[size] = font
    return font


_skipped: set[str] = set()


def close_fonts() -> None:
    """Drop every font and glyph probe loaded so far (``App.close()`` calls it).

    Fonts are opened from bytes, so no file stays open either way; this lets
    their memory go and makes the next :func:`load_font` read the file again.
    """
    _loaded.clear()
    _probes.clear()
    _data.clear()
    _skipped.clear()
