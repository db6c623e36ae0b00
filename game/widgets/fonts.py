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

A font file is read once, within :data:`MAX_FONT_BYTES`, and checked before
FreeType sees it (:func:`check_font_data`): its table directory must lie
inside the file and every table's checksum must match, so a truncated, empty
or corrupted file is found here instead of crashing inside SDL_ttf. Such a
file is skipped with a warning: pygame's default font takes the bundled
font's place, and without the emoji font emoji fall back like any character.
Fonts are opened from the bytes in memory, so they hold no file handle;
:func:`close_fonts` (called by ``App.close()``) drops them all.
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
import regex

from game.assets import asset_path
from game.engine.datafile import DataFileError, read_bytes
from game.text.graphemes import clusters, drop_ignorable
from game.text.wrap import is_wide

__all__ = [
    "EMOJI_FONT_PATH",
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
    "wants_emoji",
]

log = logging.getLogger(__name__)

#: Largest font file read (the bundled subset is ~3 MB; a full CJK font ~20 MB).
MAX_FONT_BYTES = 64 * 1024 * 1024
#: Longest text handed to SDL_ttf in one call; the rest is cut. A line on the
#: 960-pixel canvas holds ~100 characters; 10 MB of text made SDL_ttf crash.
MAX_RENDER_CHARS = 2000

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
#: pygame's own font (FreeSansBold), the fallback of the chain.
DEFAULT_FONT_PATH = Path(pygame.__file__).parent / pygame.font.get_default_font()


def _probe(path: str | None) -> GlyphProbe:
    """The probe (and checked bytes) of ``path``; ``None`` is pygame's default font.

    Raises :class:`DataFileError` for a font file that must not reach FreeType.
    """
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


def _font_data(path: str) -> bytes:
    data = _data.get(path)
    if data is None:
        data = read_bytes(path, limit=MAX_FONT_BYTES)
        problem = check_font_data(data)
        if problem is not None:
            raise DataFileError(path, None, problem)
        _data[path] = data
    return data


def _open(probe: GlyphProbe, size: int) -> pygame.font.Font:
    """A ``pygame.font.Font`` of the probe's font, from memory when it was read."""
    if not pygame.font.get_init():
        pygame.font.init()
    source = io.BytesIO(probe.data) if probe.data is not None else probe.path
    return pygame.font.Font(source, size)


def default_font(size: int) -> pygame.font.Font:
    """pygame's default font at ``size`` pixels, opened from memory (no file handle)."""
    return _open(_probe(None), size)


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
        name = tag.decode("latin-1")
        if offset + length > len(data):
            return f"truncated: table {name!r} ends past the end of the file"
        table = bytearray(data[offset : offset + length])
        if tag == b"head" and length >= 12:
            table[8:12] = bytes(4)
        table += bytes(-len(table) % 4)
        words = np.frombuffer(bytes(table), dtype=">u4")
        if int(words.sum(dtype=np.uint64)) & 0xFFFFFFFF != checksum:
            return f"corrupt: table {name!r} does not match its checksum"
        tables.add(tag)
    missing = [t.decode() for t in _REQUIRED_TABLES if t not in tables]
    if missing:
        return f"not a usable font: no {', '.join(missing)} table"
    if not tables & {b"glyf", b"CFF ", b"CFF2"}:
        return "not a usable font: no glyph outlines (glyf or CFF table)"
    return None


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
        path: str | Path | None,
        size: int,
        fallbacks: Sequence[tuple[pygame.font.Font, GlyphProbe]] = (),
        *,
        emoji: tuple[pygame.font.Font, GlyphProbe] | None = None,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        # A bad file raises DataFileError here, before SDL_ttf sees it.
        self.probe = _probe(None if path is None else str(path))
        data = self.probe.data
        super().__init__(io.BytesIO(data) if data is not None else None, size)
        #: The font file, or ``None`` for pygame's default font.
        self.path = self.probe.path
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
        """Width and height of ``text`` as :meth:`render` draws it (its first
        :data:`MAX_RENDER_CHARS` characters)."""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        runs = self.runs(text[:MAX_RENDER_CHARS])
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
        """Render ``text`` one run per font; characters no font has show as ``□``.

        At most :data:`MAX_RENDER_CHARS` characters are drawn; the rest is cut.
        """
        if text is None:
            text = ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        # Bounded before SDL_ttf: its surface for megabytes of text overflowed.
        runs = self.runs(text[:MAX_RENDER_CHARS])
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
    invalidates it or :func:`close_fonts` drops it. A bundled font that is
    missing, oversized, truncated or corrupt is skipped with a warning (once):
    pygame's default font takes the main font's place (CJK shows as boxes),
    and without the emoji font emoji fall back like any other character.
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
    emoji = _checked_probe(EMOJI_FONT_PATH)
    emoji_font = None if emoji is None else (_open(emoji, _emoji_size(size)), emoji)
    if _checked_probe(FONT_PATH) is not None:
        font = ChainFont(FONT_PATH, size, [(default_font(size), _probe(None))], emoji=emoji_font)
    else:
        font = ChainFont(None, size, emoji=emoji_font)
    _loaded[size] = font
    for _, probe in font.fallbacks:
        probe.has("A")  # open its face now (~10 ms), not in the frame of the first emoji
    return font


_skipped: set[str] = set()


def _checked_probe(path: Path) -> GlyphProbe | None:
    """The probe of a bundled font file, or ``None`` (warned once) if it is unusable."""
    try:
        return _probe(str(path))
    except DataFileError as exc:
        if str(path) not in _skipped:
            _skipped.add(str(path))
            log.warning("font %s; skipped, the next font of the chain stands in", exc)
        return None


def close_fonts() -> None:
    """Drop every font and glyph probe loaded so far (``App.close()`` calls it).

    Fonts are opened from bytes, so no file stays open either way; this lets
    their memory go, and the next :func:`load_font` reads (and checks) the files again.
    """
    _loaded.clear()
    _probes.clear()
    _data.clear()
    _skipped.clear()


def _emoji_size(size: int) -> int:
    # Noto Emoji's glyphs fill the em box; a size a little smaller than the text's
    # makes an emoji as tall as a capital plus descender, as in chat apps.
    return max(1, round(size * 0.9))
