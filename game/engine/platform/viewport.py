"""Letterboxing: draw at a fixed size, show it scaled into any window, keep the aspect."""

from __future__ import annotations

import pygame

__all__ = ["Viewport"]


class Viewport:
    """Maps a fixed-size canvas into a window of any size, with bars where it does not fit."""

    def __init__(self, canvas_size: tuple[int, int], window_size: tuple[int, int]) -> None:
        self.canvas_size = canvas_size
        self.area = pygame.Rect(0, 0, *canvas_size)
        self.resize(window_size)

    def resize(self, window_size: tuple[int, int]) -> None:
        """Recompute where the canvas goes in a window of ``window_size``."""
        cw, ch = self.canvas_size
        ww, wh = max(window_size[0], 1), max(window_size[1], 1)
        scale = min(ww / cw, wh / ch)
        w, h = max(round(cw * scale), 1), max(round(ch * scale), 1)
        self.window_size = (ww, wh)
        self.scale = scale
        self.area = pygame.Rect((ww - w) // 2, (wh - h) // 2, w, h)

    @property
    def identity(self) -> bool:
        """True when the canvas fills the window exactly (no scaling needed)."""
        return self.area.topleft == (0, 0) and self.area.size == self.canvas_size

    def to_canvas(self, pos: tuple[float, float]) -> tuple[int, int]:
        """A window position (a mouse event's) in canvas coordinates, clamped to the canvas."""
        x = (pos[0] - self.area.left) / self.scale
        y = (pos[1] - self.area.top) / self.scale
        cw, ch = self.canvas_size
        return (min(max(int(x), 0), cw - 1), min(max(int(y), 0), ch - 1))

    def present(self, canvas: pygame.Surface, window: pygame.Surface) -> None:
        """Scale ``canvas`` into ``window`` with black bars."""
        if self.identity:
            window.blit(canvas, (0, 0))
            return
        window.fill((0, 0, 0))
        pygame.transform.smoothscale(canvas, self.area.size, window.subsurface(self.area))
