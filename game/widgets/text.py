"""Cached text rendering that never raises: rendering a line costs ~20 µs, blitting it ~4 µs.

:func:`render_text` and :func:`text_size` draw and measure with any
``pygame.font.Font``: a :class:`~game.widgets.fonts.ChainFont` handles emoji and
default-ignorable code points itself; for any other font (pygame's default one)
the default-ignorable code points are dropped first, so they are never drawn as
boxes nor measured. A line whose glyphs all have zero width (``"\\u200b"``, a lone
combining mark) gives a 0-pixel-wide surface instead of pygame's
``pygame.error: Text has zero width``.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass

import pygame

from game.text.graphemes import drop_ignorable
from game.widgets.fonts import ChainFont

__all__ = ["CodeStyle", "TextCache", "render_text", "shown_text", "text_size"]

Color = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class CodeStyle:
    """How code quoted in text looks: its ink on a tinted run (the game bundles no
    monospace font, so colour and tint tell code from prose)."""

    ink: Color
    fill: Color


def shown_text(font: pygame.font.Font, text: str) -> str:
    """What of ``text`` the font is handed: default-ignorables dropped unless it is a chain."""
    return text if isinstance(font, ChainFont) else drop_ignorable(text)


def text_size(font: pygame.font.Font, text: str) -> tuple[int, int]:
    """Width and height in pixels of ``text`` as :func:`render_text` draws it."""
    return font.size(shown_text(font, text))


def render_text(
    font: pygame.font.Font, text: str, color: Color, *, antialias: bool = True
) -> pygame.Surface:
    """``text`` drawn on a transparent surface; never raises for text of zero width."""
    shown = shown_text(font, text)
    try:
        return font.render(shown, antialias, color)
    except pygame.error as exc:
        if "zero width" not in str(exc):
            raise
        return pygame.Surface((0, font.get_height()), pygame.SRCALPHA)


class TextCache:
    """Renders lines of text once and hands out the same surface afterwards.

    Holds at most ``capacity`` surfaces, dropping the least recently used.
    """

    def __init__(self, font: pygame.font.Font, capacity: int = 512) -> None:
        self.font = font
        self.capacity = capacity
        self._surfaces: OrderedDict[tuple[str, Color], pygame.Surface] = OrderedDict()
        self._marked: OrderedDict[tuple[object, ...], pygame.Surface] = OrderedDict()
        #: How many lines were actually rendered (cache misses), for tests and the overlay.
        self.renders = 0

    def __contains__(self, key: tuple[str, Color]) -> bool:
        """Whether ``(text, color)`` is rendered and kept (it does not count as a use)."""
        return key in self._surfaces

    def render(self, text: str, color: Color) -> pygame.Surface:
        """The surface for ``text`` in ``color``, rendered at most once while cached."""
        key = (text, color)
        surface = self._surfaces.get(key)
        if surface is not None:
            self._surfaces.move_to_end(key)
            return surface
        surface = render_text(self.font, text, color)
        self.renders += 1
        self._surfaces[key] = surface
        if len(self._surfaces) > self.capacity:
            self._surfaces.popitem(last=False)
        return surface

    def render_code(
        self, text: str, code: tuple[tuple[int, int], ...], color: Color, style: CodeStyle
    ) -> pygame.Surface:
        """``text`` with the runs ``code`` (code point ``(start, end)`` pairs) set as code:
        in ``style.ink`` on a ``style.fill`` tint. Exactly as wide as :meth:`render`'s
        surface for ``text``, so a wrap measured on the plain text still fits."""
        if not code:
            return self.render(text, color)
        key = (text, code, color, style)
        surface = self._marked.get(key)
        if surface is not None:
            self._marked.move_to_end(key)
            return surface
        font = self.font
        surface = pygame.Surface(text_size(font, text), pygame.SRCALPHA)
        cuts = sorted({0, len(text), *(i for run in code for i in run)})
        for start, end in itertools.pairwise(cuts):
            x = text_size(font, text[:start])[0] if start else 0
            piece = text[start:end]
            if any(a <= start and end <= b for a, b in code):
                box = pygame.Rect(x, 0, text_size(font, text[:end])[0] - x, surface.get_height())
                pygame.draw.rect(surface, style.fill, box, border_radius=3)
                surface.blit(render_text(font, piece, style.ink), (x, 0))
            else:
                surface.blit(render_text(font, piece, color), (x, 0))
        self.renders += 1
        self._marked[key] = surface
        if len(self._marked) > self.capacity:
            self._marked.popitem(last=False)
        return surface
