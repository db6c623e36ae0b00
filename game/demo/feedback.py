"""Feedback you can see: floating "+10" and "−5" where the points came from."""

from __future__ import annotations

import pygame

from game.demo.score import ScoreChanged
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.fonts import load_font
from game.widgets.text import TextCache

__all__ = ["FLOAT_TIME", "FloatingPoints"]

#: Seconds a floating number stays up while it rises and fades.
FLOAT_TIME = 1.2
RISE = 36  # pixels over FLOAT_TIME
GAIN = (255, 226, 96)
LOSS = (255, 96, 96)
SHADOW = (30, 24, 24)


class FloatingPoints(Mechanic):
    """Reacts to ``ScoreChanged``: the change floats up from where it happened and fades.

    Only drawing depends on it, so it has no part in the state hash; old
    numbers are dropped as new ones come, so nothing grows without drawing.
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        #: ``(text, colour, x, y, game time)`` of each number on screen.
        self.floating: list[tuple[str, tuple[int, int, int], float, float, float]] = []
        self.text = TextCache(load_font(26), capacity=32)
        self.on(ScoreChanged, self.show)
        self.draws(DrawLayer.SPEECH, self.draw)

    def show(self, event: ScoreChanged) -> None:
        """A new number where the points came from ("−" is a real minus sign)."""
        now = self.loop.time
        self.floating = [f for f in self.floating if now - f[4] < FLOAT_TIME]
        text = f"+{event.delta}" if event.delta >= 0 else f"\u2212{-event.delta}"
        color = GAIN if event.delta >= 0 else LOSS
        self.floating.append((text, color, event.at[0], event.at[1], now))

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """Each number, risen and faded by its age."""
        now = self.loop.time + alpha * self.loop.step
        for text, color, x, y, born in self.floating:
            age = now - born
            if not 0 <= age < FLOAT_TIME:
                continue
            fade = round(255 * min(1.0, 2 * (1 - age / FLOAT_TIME)))
            rise = RISE * age / FLOAT_TIME
            for ink, offset in ((SHADOW, 2), (color, 0)):
                rendered = self.text.render(text, ink).copy()
                rendered.set_alpha(fade)
                place = rendered.get_rect(center=(round(x) + offset, round(y - 12 - rise) + offset))
                surface.blit(rendered, place)
