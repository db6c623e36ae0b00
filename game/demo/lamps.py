"""Street lamps: at dusk the player lights one, and a repeating timer lights the rest."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pygame

from game.demo.daylight import DayNight
from game.demo.language import UiLanguage
from game.demo.looks import OUTLINE
from game.demo.toast import Toast
from game.engine.collisions import Collider
from game.engine.timers import TimerHandle
from game.quests.events import Signal, TimerFired
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["BURN_TIME", "FUSE_INTERVAL", "LAMP_SPOTS", "Lamps"]

#: Where the posts stand (the foot of each post), along the main road.
LAMP_SPOTS: tuple[tuple[float, float], ...] = ((604, 330), (740, 226), (352, 330), (212, 226))
#: Seconds between two lamps the lamplighter's timer lights.
FUSE_INTERVAL = 0.6
#: Seconds a lamp burns before its oil runs out (dawn puts them all out sooner).
BURN_TIME = 60.0
LIGHT_RADIUS = 110
POST = (70, 64, 66)
GLASS_OFF = (96, 92, 80)
GLASS_ON = (255, 226, 140)
GLOW = (120, 92, 40)
NOT_YET = {
    "en": "Too early: the lamps are lit after dark, about 18:40",
    "zh": "太早了：路灯要天黑才点，大约 18:40",
}
DUSK = {
    "en": "Dusk: the lamps can be lit now",
    "zh": "黄昏了：现在可以点灯了",
}
#: Seconds of game time the dusk announcement stays.
DUSK_TOAST = 4.0


class Lamps(Mechanic):
    """Four lamp posts (trigger colliders, layer ``lamp``); owns the ``lamps`` state part.

    Reacts to ``world.on_enter("player", "lamp")``: in the dark, that lamp
    lights, ``Signal("lamp_lit", "player")`` is published, and
    ``timers.every(FUSE_INTERVAL, ..., times=3)`` lights the next lamps one
    per period, each firing publishing ``TimerFired("lamp fuse")``; by day a
    toast says it is too early, at every touch. ``Signal("dusk")`` announces
    that the lamps can be lit, and a player already touching a post lights it
    (an enter event would never come: they entered it by day).
    A lamp burns out after ``BURN_TIME`` (a timer); ``Signal("dawn")`` puts all
    out. At night the lit lamps cut pools of warm light out of the dark.
    """

    def __init__(
        self, context: SceneContext, *, day: DayNight, toast: Toast, language: UiLanguage
    ) -> None:
        super().__init__(context)
        self.day = day
        self.toast = toast
        self.language = language
        self.size = context.size
        self.lit = [False] * len(LAMP_SPOTS)
        self._burning: list[TimerHandle | None] = [None] * len(LAMP_SPOTS)
        self._fuse: TimerHandle | None = None
        self._chain: list[int] = []
        self.posts = [
            self.add_collider(
                (x - 8, y - 14, 16, 20), layer="lamp", mask=["player"], trigger=True, owner=n
            )
            for n, (x, y) in enumerate(LAMP_SPOTS)
        ]
        self.on_enter("player", "lamp", self.touch)
        self.on(Signal, self.hear)
        self._glow = _glow(LIGHT_RADIUS)
        self.draws(DrawLayer.FIGURES, self.draw_posts)
        self.draws(DrawLayer.SKY, self.draw_light)

    def touch(self, _player: Collider, post: Collider) -> None:
        """The player touched a post: light it in the dark, and start the lamplighter's timer."""
        n = post.owner
        assert isinstance(n, int)
        if not self.day.dark:
            self.toast.show(self.language.pick(NOT_YET))
            return
        if self._fuse is not None and self._fuse.active:
            return
        self._light(n)
        self.bus.publish(Signal("lamp_lit", "player"))
        x, y = LAMP_SPOTS[n]
        others = [m for m in range(len(LAMP_SPOTS)) if m != n]
        # Nearest first, so the light runs along the road.
        self._chain = sorted(others, key=lambda m: (math.dist(LAMP_SPOTS[m], (x, y)), m))
        self._fuse = self.every(
            FUSE_INTERVAL, self._light_next, times=len(self._chain), name="lamp fuse"
        )

    def _light_next(self) -> None:
        self._light(self._chain.pop(0))
        self.bus.publish(TimerFired("lamp fuse"))

    def _light(self, n: int) -> None:
        self.lit[n] = True
        burning = self._burning[n]
        if burning is not None:
            burning.cancel()
        self._burning[n] = self.after(BURN_TIME, self._out, n, name="lamp oil")

    def _out(self, n: int) -> None:
        self.lit[n] = False
        self._burning[n] = None

    def hear(self, event: Signal) -> None:
        """Dusk: say so, and light a post the player already touches. Dawn puts every lamp out."""
        if event.name == "dusk":
            self.toast.show(self.language.pick(DUSK), DUSK_TOAST)
            for post in self.posts:
                touching = self.world.query_rect(post.rect, mask=["player"])
                if touching:
                    self.touch(touching[0], post)
                    break
        elif event.name == "dawn":
            for n in range(len(LAMP_SPOTS)):
                burning = self._burning[n]
                if burning is not None:
                    burning.cancel()
                self._out(n)

    def state(self) -> Mapping[str, object]:
        fuse = self._fuse is not None and self._fuse.active
        return {"lamps": (tuple(self.lit), fuse, tuple(self._chain))}

    def draw_posts(self, surface: pygame.Surface, alpha: float) -> None:
        """Each post, its glass bright when lit."""
        for n, (x, y) in enumerate(LAMP_SPOTS):
            x, y = round(x), round(y)
            pygame.draw.rect(surface, POST, (x - 2, y - 34, 4, 36))
            pygame.draw.rect(surface, POST, (x - 6, y, 12, 4))
            glass = pygame.Rect(0, 0, 12, 14)
            glass.midbottom = (x, y - 32)
            pygame.draw.rect(
                surface, GLASS_ON if self.lit[n] else GLASS_OFF, glass, border_radius=3
            )
            pygame.draw.rect(surface, OUTLINE, glass, width=2, border_radius=3)

    def draw_light(self, surface: pygame.Surface, alpha: float) -> None:
        """After the night tint: each lit lamp adds a warm pool of light (stronger the darker)."""
        if self.day.daylight > 0.8 or not any(self.lit):
            return
        for n, (x, y) in enumerate(LAMP_SPOTS):
            if self.lit[n]:
                rect = self._glow.get_rect(center=(round(x), round(y) - 20))
                surface.blit(self._glow, rect, special_flags=pygame.BLEND_RGB_ADD)
                glass = pygame.Rect(0, 0, 12, 14)
                glass.midbottom = (round(x), round(y) - 32)
                pygame.draw.rect(surface, GLASS_ON, glass, border_radius=3)


def _glow(radius: int) -> pygame.Surface:
    """A radial warm gradient, added onto the dark picture (drawn once)."""
    glow = pygame.Surface((radius * 2, radius * 2))
    for r in range(radius, 0, -4):
        strength = (1 - r / radius) ** 0.8
        color = tuple(round(c * strength) for c in GLOW)
        pygame.draw.circle(glow, color, (radius, radius), r)
    return glow
