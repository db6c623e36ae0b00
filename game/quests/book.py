"""The quest engine: the active step is a callback subscribed to the one event it waits for."""

from __future__ import annotations

from collections.abc import Callable

from game.engine.events import Event, EventBus, Subscription
from game.quests.events import QuestCompleted, QuestLineCompleted, StepCompleted
from game.quests.model import Quest, QuestLine, Step

__all__ = ["QuestBook"]


class QuestBook:
    """Runs a :class:`~game.quests.model.QuestLine` on ``bus``, one step at a time.

    Only the active step listens: it is subscribed to its condition's event
    class when it becomes active and cancelled when it completes, so an event
    that arrives before its step (or after it) counts for nothing. A step
    completed in the middle of a dispatch activates the next one, which (by
    the bus's re-entrancy rule) hears the *next* event, never the same one.

    Completing a step ``post``s :class:`StepCompleted`, and after the last
    step of a quest :class:`QuestCompleted`, and after the last quest
    :class:`QuestLineCompleted`: NPCs, the HUD and anyone else react in the
    same tick's flush. ``tick()`` returns the current tick (for the events).
    """

    def __init__(self, bus: EventBus, line: QuestLine, *, tick: Callable[[], int]) -> None:
        self.bus = bus
        self.line = line
        self.tick = tick
        #: Index of the quest in progress (``len(line.quests)`` once all are done).
        self.quest_index = 0
        #: Index of the active step in the quest in progress.
        self.step_index = 0
        #: How many matching events the active step has seen.
        self.progress = 0
        #: Tick at which each finished quest finished, in order.
        self.completed_ticks: list[int] = []
        self._subscription: Subscription | None = None
        self._activate()

    # -- questions ----------------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """Whether every quest is done."""
        return self.quest_index >= len(self.line.quests)

    @property
    def quest(self) -> Quest | None:
        """The quest in progress, or ``None`` when all are done."""
        return None if self.finished else self.line.quests[self.quest_index]

    @property
    def step(self) -> Step | None:
        """The active step, or ``None`` when all are done."""
        quest = self.quest
        return None if quest is None else quest.steps[self.step_index]

    @property
    def completed_at_tick(self) -> int | None:
        """The tick the last quest finished, or ``None``."""
        return self.completed_ticks[-1] if self.finished and self.completed_ticks else None

    def state(self) -> tuple[int, int, int, tuple[int, ...]]:
        """What decides the quest line's future, for the state hash."""
        return (self.quest_index, self.step_index, self.progress, tuple(self.completed_ticks))

    # -- the callback -------------------------------------------------------------------

    def _activate(self) -> None:
        step = self.step
        if step is None:
            return
        self._subscription = self.bus.subscribe(step.condition.event_type, self._heard)

    def _heard(self, event: Event) -> None:
        step = self.step
        if step is None or not step.condition.matches(event):
            return
        self.progress += 1
        if self.progress >= step.count:
            self._complete(step)

    def _complete(self, step: Step) -> None:
        quest = self.quest
        assert quest is not None and self._subscription is not None
        self._subscription.cancel()
        self._subscription = None
        tick = self.tick()
        gives = (step.gives.item, step.gives.to) if step.gives is not None else None
        self.bus.post(StepCompleted(quest.id, step.id, tick, gives))
        self.progress = 0
        self.step_index += 1
        if self.step_index >= len(quest.steps):
            self.completed_ticks.append(tick)
            self.bus.post(QuestCompleted(quest.id, self.quest_index + 1, tick))
            self.quest_index += 1
            self.step_index = 0
            if self.finished:
                self.bus.post(QuestLineCompleted(tick))
        self._activate()

    def close(self) -> None:
        """Stop listening. Idempotent."""
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
