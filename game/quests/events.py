"""The events quests wait for and the events they publish (frozen dataclasses, no pygame)."""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.events import Event

__all__ = [
    "ItemDelivered",
    "QuestCompleted",
    "QuestLineCompleted",
    "Signal",
    "StepCompleted",
    "TimerFired",
]


@dataclass(frozen=True, slots=True)
class TimerFired(Event):
    """A game timer named ``name`` fired; its callback publishes this so others may react."""

    name: str


@dataclass(frozen=True, slots=True)
class Signal(Event):
    """Something named happened (``"bell"``, ``"lamp_lit"``); ``source`` says who or what did it."""

    name: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class ItemDelivered(Event):
    """The player handed ``item`` to ``to`` (an NPC key)."""

    item: str
    to: str


@dataclass(frozen=True, slots=True)
class StepCompleted(Event):
    """Step ``step`` of quest ``quest`` is done, at ``tick``; ``gives`` is its reward item, if any.

    ``gives`` is ``(item, recipient)``: the item the player now carries, and
    whom it is for (a step may wait for its delivery).
    """

    quest: str
    step: str
    tick: int
    gives: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class QuestCompleted(Event):
    """Every step of ``quest`` is done, at ``tick``; ``number`` counts from 1 in the line."""

    quest: str
    number: int
    tick: int


@dataclass(frozen=True, slots=True)
class QuestLineCompleted(Event):
    """The last quest of the line is done, at ``tick``."""

    tick: int
