"""The scoreboard: the counters the other mechanics add to."""

from __future__ import annotations

from collections.abc import Mapping

from game.scene import Mechanic, SceneContext

__all__ = ["Scoreboard"]


class Scoreboard(Mechanic):
    """Points and tallies; owns the ``score`` part of the state hash.

    It reacts to nothing itself: coins, the hazard and the NPCs change it.
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.score = 0
        self.coins_collected = 0
        self.hazard_hits = 0
        self.npc_replies = 0

    def state(self) -> Mapping[str, object]:
        return {"score": (self.score, self.coins_collected, self.hazard_hits, self.npc_replies)}
