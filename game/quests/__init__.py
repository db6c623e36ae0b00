"""Quests as data and callbacks: a quest line read from TOML, run by :class:`QuestBook`.

A quest is a sequence of steps; each step waits for one kind of bus event
with a condition (a collision between named layers, a named timer firing,
a line an NPC's brain understood as an intent, an item delivered, a named
signal), ``count`` times, and completes by posting :class:`StepCompleted`
(then :class:`QuestCompleted`, and :class:`QuestLineCompleted` after the
last quest) for the NPCs, the HUD and the next step to react to. The
engine knows nothing of any village: ``assets/quests/*.toml`` says what to
do, and ``docs/quests.md`` describes the format. No pygame here.
"""

from __future__ import annotations

from game.quests.book import QuestBook
from game.quests.events import (
    ItemDelivered,
    QuestCompleted,
    QuestLineCompleted,
    Signal,
    StepCompleted,
    TimerFired,
)
from game.quests.model import (
    CONDITION_KINDS,
    Condition,
    Gift,
    Quest,
    QuestDataError,
    QuestLine,
    Step,
    StepStatus,
    load_quest_line,
    parse_quest_line,
)

__all__ = [
    "CONDITION_KINDS",
    "Condition",
    "Gift",
    "ItemDelivered",
    "Quest",
    "QuestBook",
    "QuestCompleted",
    "QuestDataError",
    "QuestLine",
    "QuestLineCompleted",
    "Signal",
    "Step",
    "StepCompleted",
    "StepStatus",
    "TimerFired",
    "load_quest_line",
    "parse_quest_line",
]
