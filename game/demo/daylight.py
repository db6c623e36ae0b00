"""Day and night: a repeating timer turns the sun; the village darkens at dusk."""

from __future__ import annotations

import math

import pygame

from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["DAY_LENGTH", "DAY_START_HOUR", "DayNight"]

DAY_LENGTH = 240.0  # game seconds per day
DAY_START_HOUR = 8.0
NIGHT_TINT = (70, 80, 150)


class DayNight(Mechanic):
    """The village clock, from game time; ``daylight`` is 1 at noon and 0 at midnight.

    Reacts to a ``timers.every(1.0)`` timer ("daylight"): the tint follows the
    sun once per game second, not every frame. Daylight is derived from game
    time, so it has no part in the state hash.
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.size = context.size
        self.daylight = 1.0
        self._tints: dict[int, pygame.Surface] = {}
        self.every(1.0, self.turn, name="daylight")
        self.turn()
        self.draws(DrawLayer.SKY, self.draw)

    def turn(self) -> None:
        """Move the sun (daylight follows a cosine over the day)."""
        hour = self.hour()
        self.daylight = 0.5 + 0.5 * math.cos((hour - 13.0) / 24.0 * math.tau)

    def hour(self) -> float:
        """The village clock in hours (0–24), from game time."""
        return (DAY_START_HOUR + self.loop.time / DAY_LENGTH * 24.0) % 24.0

    def clock(self) -> str:
        """The village clock as text, "Day 1 08:00"."""
        total = DAY_START_HOUR * 60 + self.loop.time / DAY_LENGTH * 24 * 60
        day, minutes = divmod(int(total), 24 * 60)
        return f"Day {day + 1} {minutes // 60:02d}:{minutes % 60:02d}"

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """Multiply the picture by a blue tint at dusk and night (six cached levels)."""
        darkness = round((1.0 - self.daylight) * 10) - 4  # dusk and night only
        if darkness <= 0:
            return
        tint = self._tints.get(darkness)
        if tint is None:
            tint = pygame.Surface(self.size).convert()
            level = darkness / 6
            tint.fill(tuple(round(255 - (255 - c) * level * 0.75) for c in NIGHT_TINT))
            self._tints[darkness] = tint
        surface.blit(tint, (0, 0), special_flags=pygame.BLEND_RGB_MULT)
