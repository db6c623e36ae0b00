"""Feedback you can see: floating "+10" and "−5" where the points came from.

Each number is a claim in the text layout (``game/demo/on_screen_text.py``, kind
``"float"``): it rises from where the points came from, and where a bubble or
another number is in the way it moves aside (or is not drawn that frame) instead
of crossing it.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.demo.score import ScoreChanged
from game.scene import DrawLayer, Mechanic, SceneContext
from game.widgets.fonts import load_font
from game.widgets.layout import Claim
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
        #: ``(text, colour, x, y, game time, id)`` of each number on screen.
        self.floating: list[tuple[str, tuple[int, int, int], float, float, float, int]] = []
        self.text = TextCache(load_font(26), capacity=32)
        #: Where the layout step put a claim this frame (``None``: not shown), by key;
        #: ``None`` here (no layout step): each number is drawn where it rises.
        self.placement: Callable[[str], pygame.Rect | None] | None = None
        self._count = 0  # numbers shown so far: each claim's key, stable while it rises
        self.on(ScoreChanged, self.show)
        self.draws(DrawLayer.SPEECH, self.draw)

    def show(self, event: ScoreChanged) -> None:
        """A new number where the points came from ("−" is a real minus sign)."""
        now = self.loop.time
        self.floating = [f for f in self.floating if now - f[4] < FLOAT_TIME]
        text = f"+{event.delta}" if event.delta >= 0 else f"\u2212{-event.delta}"
        color = GAIN if event.delta >= 0 else LOSS
        self._count += 1
        self.floating.append((text, color, event.at[0], event.at[1], now, self._count))

    def _risen(self, alpha: float) -> list[tuple[str, tuple[int, int, int], pygame.Rect, int, int]]:
        """Each number up this frame: text, colour, box centred where it has risen to,
        opacity (0..255), id."""
        now = self.loop.time + alpha * self.loop.step
        risen = []
        for text, color, x, y, born, ident in self.floating:
            age = now - born
            if not 0 <= age < FLOAT_TIME:
                continue
            fade = round(255 * min(1.0, 2 * (1 - age / FLOAT_TIME)))
            rise = RISE * age / FLOAT_TIME
            box = self.text.render(text, color).get_rect()
            box.inflate_ip(2, 2)  # its shadow is drawn 2 pixels down and right
            box.center = (round(x) + 1, round(y - 12 - rise) + 1)
            risen.append((text, color, box, fade, ident))
        return risen

    def claims(self, alpha: float, priority: float) -> list[Claim]:
        """A claim for each number up this frame: it wants to be where it has risen to."""
        return [
            Claim(
                f"float:{ident}",
                "float",
                None,
                text,
                box.size,
                (box.centerx, box.bottom),
                priority,
                below_at=(box.centerx, box.bottom),
                body_width=box.width,  # aside means clear of where it would be
            )
            for text, _, box, _, ident in self._risen(alpha)
        ]

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """Each number, risen and faded by its age, where the layout put it."""
        for text, color, box, fade, ident in self._risen(alpha):
            if self.placement is not None:
                placed = self.placement(f"float:{ident}")
                if placed is None:
                    continue  # a bubble has the room: it waits (and keeps rising)
                box = placed
            for ink, offset in ((SHADOW, 2), (color, 0)):
                rendered = self.text.render(text, ink).copy()
                rendered.set_alpha(fade)
                surface.blit(rendered, (box.x + offset, box.y + offset))
