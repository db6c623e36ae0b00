"""Day and night: a repeating timer turns the sun; timers bring dusk and dawn."""

from __future__ import annotations

import math

import pygame

from game.quests.events import Signal
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["DAWN_HOUR", "DAY_LENGTH", "DAY_START_HOUR", "DUSK_HOUR", "DayNight"]

DAY_LENGTH = 240.0  # game seconds per day
DAY_START_HOUR = 8.0
#: Dusk, when the lamps can be lit: 18:40 on the village clock (the README's time).
DUSK_HOUR = 18 + 40 / 60
#: Dawn (07:20): as long before 13:00, the sun's highest, as dusk is after it.
DAWN_HOUR = 26.0 - DUSK_HOUR
NIGHT_TINT = (40, 50, 120)
#: The daylight at dusk and dawn: below it, it is dark.
DARK_BELOW = 0.5 + 0.5 * math.cos((DUSK_HOUR - 13.0) / 24.0 * math.tau)
#: How far the tint multiplies the picture down when fully dark (1.0 would be black).
NIGHT_DEPTH = 0.88
#: The tint's share of full darkness at dusk: the evening is plainly darker at once...
DUSK_DEPTH = 0.5
#: ...and fully dark once daylight has fallen this much more (about 1.5 game hours).
DARK_SPAN = 0.2


class DayNight(Mechanic):
    """The village clock, from game time; ``daylight`` is 1 at noon and 0 at midnight.

    Reacts to a ``timers.every(1.0)`` timer ("daylight"): the tint follows the
    sun once per game second, not every frame. Dusk and dawn are one-shot timers
    named ``"dusk"`` (scheduled only by day) and ``"dawn"`` (only by night), due
    exactly at ``DUSK_HOUR`` and ``DAWN_HOUR``; each publishes ``Signal("dusk",
    "sun")`` or ``Signal("dawn", "sun")`` (the lamps listen) and schedules the
    other, so the quest tracker can count down to dusk. All of it is derived from
    game time, so it has no part in the state hash.
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.size = context.size
        self.daylight = 1.0
        hour = self.hour()
        self._dark = not DAWN_HOUR <= hour < DUSK_HOUR
        self._tints: dict[int, pygame.Surface] = {}
        self.every(1.0, self.turn, name="daylight")
        self.turn()
        self._schedule_change()
        self.draws(DrawLayer.SKY, self.draw)

    def turn(self) -> None:
        """Move the sun (daylight follows a cosine over the day)."""
        hour = self.hour()
        self.daylight = 0.5 + 0.5 * math.cos((hour - 13.0) / 24.0 * math.tau)

    def _schedule_change(self) -> None:
        """The timer of the next dusk (by day) or dawn (by night)."""
        target = DAWN_HOUR if self._dark else DUSK_HOUR
        hours = (target - self.hour()) % 24.0
        self.after(hours / 24.0 * DAY_LENGTH, self._change, name="dawn" if self._dark else "dusk")

    def _change(self) -> None:
        self._dark = not self._dark
        self.turn()
        self.bus.publish(Signal("dusk" if self._dark else "dawn", "sun"))
        self._schedule_change()

    @property
    def dark(self) -> bool:
        """Whether it is dark (from dusk to dawn): the lamps can be lit."""
        return self._dark

    def hour(self) -> float:
        """The village clock in hours (0–24), from game time."""
        return (DAY_START_HOUR + self.loop.time / DAY_LENGTH * 24.0) % 24.0

    def clock(self) -> str:
        """The village clock as text, "Day 1 08:00"."""
        total = DAY_START_HOUR * 60 + self.loop.time / DAY_LENGTH * 24 * 60
        day, minutes = divmod(int(total), 24 * 60)
        return f"Day {day + 1} {minutes // 60:02d}:{minutes % 60:02d}"

    def darkness(self) -> int:
        """0 by day; from dusk 3 of 6 (``DUSK_DEPTH``) at once, so the moment the lamps can
        be lit shows, then 6 of 6 once daylight fell ``DARK_SPAN`` more (the same before dawn)."""
        if not (self.dark or self.daylight < DARK_BELOW):
            return 0
        fallen = min(1.0, max(0.0, DARK_BELOW - self.daylight) / DARK_SPAN)
        return math.ceil(6 * (DUSK_DEPTH + (1 - DUSK_DEPTH) * fallen))

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
