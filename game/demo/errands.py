"""Errands: what the player carries for someone, handed over on entering their talk radius."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pygame

from game.demo.entities import Player
from game.demo.looks import GOLD, GOLD_EDGE, OUTLINE
from game.demo.player import PlayerCharacter
from game.engine.collisions import Collider
from game.npc.chat import ChatNPC
from game.quests.events import ItemDelivered, StepCompleted
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["Errands"]

CRUST = (196, 128, 58)
CRUMB = (236, 190, 120)


class Errands(Mechanic):
    """The items the player carries, each for someone; owns the ``errands`` state part.

    Reacts to ``StepCompleted`` (a step that ``gives`` an item puts it in the
    player's hands) and to ``world.on_enter("player", "talk")``: walking up to
    the NPC an item is for hands it over and publishes :class:`ItemDelivered`.
    """

    def __init__(
        self, context: SceneContext, you: PlayerCharacter, npcs: Sequence[ChatNPC]
    ) -> None:
        super().__init__(context)
        self.you = you
        self.npcs = npcs
        #: ``(item, recipient)`` in the order they were given.
        self.carried: list[tuple[str, str]] = []
        self.on(StepCompleted, self.receive)
        self.on_enter("player", "talk", self.hand_over)
        self.draws(DrawLayer.PLAYER, self.draw)

    def receive(self, event: StepCompleted) -> None:
        """A step gave the player something to carry (handed over at once if they stand
        by whom it is for: they would not walk out and back in to give it)."""
        if event.gives is None:
            return
        self.carried.append(event.gives)
        for npc in self.npcs:
            if npc.key == event.gives[1] and npc.in_range:
                self._give(npc)

    def _give(self, npc: ChatNPC) -> None:
        for item, to in [c for c in self.carried if c[1] == npc.key]:
            self.carried.remove((item, to))
            self.bus.publish(ItemDelivered(item, to))

    def hand_over(self, _player: Collider, zone: Collider) -> None:
        """Walked up to someone: give them what is theirs."""
        npc = zone.owner
        if isinstance(npc, ChatNPC):
            self._give(npc)

    def state(self) -> Mapping[str, object]:
        return {"errands": tuple(self.carried)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """What the player carries, held up above their head."""
        at = self.you.player.interpolated(alpha)
        x = round(at[0] + Player.SIZE / 2)
        y = round(at[1]) - 10
        for n, (item, _to) in enumerate(self.carried):
            cx = x + (n - (len(self.carried) - 1) / 2) * 22
            if item == "bread":
                loaf = pygame.Rect(0, 0, 22, 12)
                loaf.center = (round(cx), y)
                pygame.draw.ellipse(surface, CRUST, loaf)
                pygame.draw.ellipse(surface, OUTLINE, loaf, width=2)
                for dx in (-5, 0, 5):
                    pygame.draw.line(surface, CRUMB, (cx + dx - 2, y - 3), (cx + dx + 2, y + 2), 2)
            else:  # a purse of coins (or anything else)
                pygame.draw.circle(surface, GOLD, (round(cx), y), 8)
                pygame.draw.circle(surface, GOLD_EDGE, (round(cx), y), 8, width=2)
                pygame.draw.circle(surface, GOLD_EDGE, (round(cx), y), 3)
