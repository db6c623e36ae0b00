"""For the quest tests: the event a player's action makes for each step of a quest line."""

from __future__ import annotations

from game.engine.collisions import CollisionEnter, CollisionWorld
from game.engine.events import Event
from game.npc.brain import NpcUnderstood
from game.quests import ItemDelivered, QuestLine, Signal, Step, TimerFired


def canonical(step: Step, world: CollisionWorld) -> Event:
    """The event a player's action makes for ``step``'s condition."""
    condition = step.condition
    if condition.kind == "collision":
        a, b = (world.add((0, 0, 1, 1), layer=layer) for layer in condition.names)
        return CollisionEnter(a, b)
    if condition.kind == "timer":
        return TimerFired(condition.names[0])
    if condition.kind == "signal":
        return Signal(condition.names[0], condition.who or "someone")
    if condition.kind == "intent":
        return NpcUnderstood(condition.who or "", condition.names[0])
    return ItemDelivered(condition.names[0], condition.who or "")


def canonical_events(line: QuestLine, world: CollisionWorld) -> list[Event]:
    """Events that finish every step of ``line`` in order (each repeated ``count`` times)."""
    return [
        canonical(step, world)
        for quest in line.quests
        for step in quest.steps
        for _ in range(step.count)
    ]
