"""The bell in the square: walk into it and it rings, once, for everyone who listens."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pygame

from game.demo.looks import OUTLINE
from game.engine.collisions import Collider
from game.quests.events import Signal
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["BELL", "COOLDOWN", "Bell"]

#: The bell's frame in the south-west corner of the square (x, y, w, h), a trigger.
BELL = (392.0, 300.0, 26.0, 34.0)
#: Seconds of game time before the bell can ring again.
COOLDOWN = 3.0
CHIME = (784.0, 659.0, 523.0)  # Hz: G5, E5, C5
SWING_TIME = 1.6
BRONZE = (214, 160, 64)
BRONZE_DARK = (150, 104, 40)
WOOD = (122, 82, 52)


class Bell(Mechanic):
    """Reacts to ``world.on_enter("player", "bell")``: publishes ``Signal("bell", "player")``.

    It knows nothing of who hears it: the villagers, the slime (and a quest)
    subscribe to ``Signal`` themselves. A timer is its cooldown. Owns the
    ``bell`` state part.
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.blips = context.blips
        self.rect = BELL
        self.ready = True
        self.rung_at = -SWING_TIME
        self.rings = 0
        self.body = self.add_collider(BELL, layer="bell", mask=["player"], trigger=True, owner=self)
        self.on_enter("player", "bell", self.ring)
        self.draws(DrawLayer.FIGURES, self.draw)

    def ring(self, _player: Collider, _bell: Collider) -> None:
        """Ding: tell everyone, then rest a moment."""
        if not self.ready:
            return
        self.ready = False
        self.rings += 1
        self.rung_at = self.loop.time
        for n, pitch in enumerate(CHIME):
            self.after(n * 0.12, self.blips.play, pitch, name="bell chime")
        self.after(COOLDOWN, self._rest, name="bell cooldown")
        self.bus.publish(Signal("bell", "player"))

    def _rest(self) -> None:
        self.ready = True

    def state(self) -> Mapping[str, object]:
        return {"bell": (self.ready, self.rings)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """A wooden frame with a bronze bell that swings after a ring."""
        x, y, w, h = (round(v) for v in self.rect)
        pygame.draw.rect(surface, WOOD, (x, y, 4, h))
        pygame.draw.rect(surface, WOOD, (x + w - 4, y, 4, h))
        pygame.draw.rect(surface, WOOD, (x - 2, y, w + 4, 5))
        since = self.loop.time + alpha * self.loop.step - self.rung_at
        swing = math.sin(since * 14) * 30 * (1 - since / SWING_TIME) if since < SWING_TIME else 0
        bell = pygame.Surface((18, 20), pygame.SRCALPHA)
        pygame.draw.polygon(bell, BRONZE, [(5, 0), (13, 0), (17, 16), (1, 16)])
        pygame.draw.polygon(bell, OUTLINE, [(5, 0), (13, 0), (17, 16), (1, 16)], width=2)
        pygame.draw.circle(bell, BRONZE_DARK, (9, 17), 3)
        turned = pygame.transform.rotate(bell, swing)
        surface.blit(turned, turned.get_rect(center=(x + w // 2, y + 16)))
