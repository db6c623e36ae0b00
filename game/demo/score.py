"""The scoreboard: the counters the other mechanics add to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from game.engine.events import Event
from game.scene import Mechanic, SceneContext

__all__ = ["ScoreChanged", "Scoreboard"]


@dataclass(frozen=True, slots=True)
class ScoreChanged(Event):
    """The score changed by ``delta`` points because of something at ``at`` (canvas pixels)."""

    delta: int
    at: tuple[float, float]


class Scoreboard(Mechanic):
    """Points and tallies; owns the ``score`` part of the state hash.

    It reacts to nothing itself: coins, the hazard, the NPCs and the quests
    change it, through :meth:`add` when points change (which publishes
    :class:`ScoreChanged`, for the floating "+10").
    """

    def __init__(self, context: SceneContext) -> None:
        super().__init__(context)
        self.score = 0
        self.coins_collected = 0
        self.hazard_hits = 0
        self.npc_replies = 0

    def add(self, points: int, at: tuple[float, float]) -> None:
        """Add ``points`` (negative: take them) for something that happened at ``at``."""
        self.score += points
        self.bus.publish(ScoreChanged(points, at))

    def state(self) -> Mapping[str, object]:
        return {"score": (self.score, self.coins_collected, self.hazard_hits, self.npc_replies)}
