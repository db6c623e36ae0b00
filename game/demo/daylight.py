"""Day and night: a repeating timer turns the sun; the village darkens at dusk."""

from __future__ import annotations

import math

import pygame

from game.quests.events import Signal
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["DAY_LENGTH", "DAY_START_HOUR", "DayNight"]

DAY_LENGTH = 240.0  # game seconds per day
DAY_START_HOUR = 8.0
NIGHT_TINT = (40, 50, 120)
#: Below this daylight it is dark: the tint shows and the lamps can be lit.
DARK_BELOW = 0.55
#: How far the tint multiplies the picture down at midnight (1.0 would be black).
NIGHT_DEPTH = 0.88


class DayNight(Mechanic):
    """The village clock, from game time; ``daylight`` is 1 at noon and 0 at midnight.

    Reacts to a ``timers.every(1.0)`` timer ("daylight"): the tint follows the
    sun once per game second, not every frame, and when darkness comes or goes
    it publishes ``Signal("dusk", "sun")`` or ``Signal("dawn", "sun")`` (the
    lamps listen). Daylight is derived from game time, so it has no part in
    the state hash.
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.size = context.size
        self.daylight = 1.0
        self.was_dark = False
        self._tints: dict[int, pygame.Surface] = {}
        self.every(1.0, self.turn, name="daylight")
        self.turn()
        self.draws(DrawLayer.SKY, self.draw)

    def turn(self) -> None:
        """Move the sun (daylight follows a cosine over the day)."""
        hour = self.hour()
        self.daylight = 0.5 + 0.5 * math.cos((hour - 13.0) / 24.0 * math.tau)
        if self.dark != self.was_dark:
            self.was_dark = self.dark
            self.bus.publish(Signal("dusk" if self.dark else "dawn", "sun"))

    @property
    def dark(self) -> bool:
        """Whether it is dark (dusk, night, before dawn): the lamps can be lit."""
        return self.daylight < DARK_BELOW

    def hour(self) -> float:
        """The village clock in hours (0–24), from game time."""
        return (DAY_START_HOUR + self.loop.time / DAY_LENGTH * 24.0) % 24.0

    def clock(self) -> str:
        """The village clock as text, "Day 1 08:00"."""
        total = DAY_START_HOUR * 60 + self.loop.time / DAY_LENGTH * 24 * 60
        day, minutes = divmod(int(total), 24 * 60)
        return f"Day {day + 1} {minutes // 60:02d}:{minutes % 60:02d}"

    def darkness(self) -> int:
        """0 by day; 1–6 from dusk to midnight, rising fast after dusk (a square root),
        so the evening is plainly dark soon after the lamps can be lit."""
        if not self.dark:
            return 0
        night = (DARK_BELOW - self.daylight) / DARK_BELOW  # 0 at dusk, 1 at midnight
        return max(1, math.ceil(6 * math.sqrt(night)))

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """Multiply the picture by a blue tint at dusk and night (six cached levels)."""
        darkness = self.darkness()
        if darkness <= 0:
            return
        tint = self._tints.get(darkness)
        if tint is None:
            tint = pygame.Surface(self.size).convert()
            level = darkness / 6
            tint.fill(tuple(round(255 - (255 - c) * level * NIGHT_DEPTH) for c in NIGHT_TINT))
            self._tints[darkness] = tint
        surface.blit(tint, (0, 0), special_flags=pygame.BLEND_RGB_MULT)
