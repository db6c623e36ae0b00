"""A quest line as data: :func:`load_quest_line` reads and validates a TOML file.

Format (``docs/quests.md`` has the whole of it)::

    [[quest]]
    id = "coins"                      # unique in the file
    title = "Coins for Bruno"         # and title_zh
    explain = "That was a collision callback: ..."   # and explain_zh (said when done)
    points = 50                       # optional, default 0

    [[quest.step]]
    id = "collect"                    # unique in its quest
    text = "Pick up coins"            # and text_zh: the tracker line
    collision = ["player", "coin"]    # exactly one condition, see below
    count = 5                         # optional, default 1
    gives = { item = "coins", to = "baker" }   # optional: the player now carries it

      [[quest.step.status]]           # optional, any number: a live tracker line
      timer = "door opens"            # while a timer of that name runs (or: fired = NAME,
      text = "Gate opens in {seconds} s…"   # once one fired during the step); and text_zh

A step's tracker line is the text of its first status that applies, else its ``text``;
``{seconds}`` (in a ``timer`` status) is the whole seconds left on that timer, rounded up.

Conditions (each waits for one event class):

* ``collision = [A, B]``: a ``CollisionEnter`` between colliders on layers A and B;
* ``timer = NAME``: a :class:`~game.quests.events.TimerFired` with that name;
* ``intent = { npc = KEY, names = [INTENT, ...] }``: an NPC's brain understood the
  player's line as one of those intents (``NpcUnderstood``);
* ``delivered = { item = ITEM, to = KEY }``: an :class:`~game.quests.events.ItemDelivered`;
* ``signal = NAME`` (optionally ``source = WHO``): a :class:`~game.quests.events.Signal`.

Every problem raises one :class:`QuestDataError` naming the file, the quest
and the step, so the game never starts with half a quest line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.engine.collisions import CollisionEnter
from game.engine.datafile import MAX_TOML_BYTES, DataFileError, parse_toml, read_text
from game.engine.errors import DataError
from game.engine.events import Event
from game.npc.brain import NpcUnderstood
from game.quests.events import ItemDelivered, Signal, TimerFired

__all__ = [
    "CONDITION_KINDS",
    "Condition",
    "Gift",
    "Quest",
    "QuestDataError",
    "QuestLine",
    "Step",
    "StepStatus",
    "load_quest_line",
    "parse_quest_line",
]

#: Condition key in a step → the event class it waits for.
CONDITION_KINDS: Mapping[str, type[Event]] = {
    "collision": CollisionEnter,
    "timer": TimerFired,
    "intent": NpcUnderstood,
    "delivered": ItemDelivered,
    "signal": Signal,
}
#: Longest count a step may ask for (a typo such as 5000 is caught at load).
MAX_COUNT = 1000

_QUEST_KEYS = {"id", "title", "title_zh", "explain", "explain_zh", "points", "step"}
_STEP_KEYS = {"id", "text", "text_zh", "count", "gives", "source", "status", *CONDITION_KINDS}
_STATUS_KEYS = {"timer", "fired", "text", "text_zh"}
#: The one placeholder a status text may hold: the seconds left on its timer.
SECONDS = "{seconds}"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class QuestDataError(DataError):
    """A malformed quest file; the message names the file, the quest, the step and the problem."""

    def __init__(self, source: str, quest: str | None, step: str | None, problem: str) -> None:
        self.source, self.quest, self.step, self.problem = source, quest, step, problem
        place = source
        if quest is not None:
            place += f": quest {quest!r}"
        if step is not None:
            place += f", step {step!r}"
        super().__init__(f"{place}: {problem}")


@dataclass(frozen=True, slots=True)
class Condition:
    """What a step waits for: ``kind`` (a key of :data:`CONDITION_KINDS`) and its arguments.

    ``names``: the two layers (collision), the timer or signal name, the
    accepted intents, or the item (delivered); ``who``: the NPC (intent), the
    recipient (delivered) or the signal's source (``None``: any).
    """

    kind: str
    names: tuple[str, ...]
    who: str | None = None

    @property
    def event_type(self) -> type[Event]:
        """The event class this condition waits for."""
        return CONDITION_KINDS[self.kind]

    def matches(self, event: Event) -> bool:
        """Whether ``event`` is what this condition waits for."""
        if not isinstance(event, self.event_type):
            return False
        if isinstance(event, CollisionEnter):
            first, second = self.names
            a, b = event.a.layer, event.b.layer
            return (a, b) == (first, second) or (b, a) == (first, second)
        if isinstance(event, TimerFired):
            return event.name == self.names[0]
        if isinstance(event, NpcUnderstood):
            return event.npc == self.who and event.intent in self.names
        if isinstance(event, ItemDelivered):
            return event.item == self.names[0] and event.to == self.who
        if isinstance(event, Signal):
            return event.name == self.names[0] and self.who in (None, event.source)
        return False


@dataclass(frozen=True, slots=True)
class Gift:
    """An item a finished step hands the player, and whom it is for."""

    item: str
    to: str


@dataclass(frozen=True, slots=True)
class StepStatus:
    """A tracker line that replaces the step's text while timer ``name`` runs (``kind``
    ``"timer"``; ``{seconds}`` in ``text`` counts it down) or once it fired (``"fired"``)."""

    kind: str
    name: str
    text: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Step:
    """One step: wait for ``condition`` ``count`` times; ``text``: the tracker line by language.

    ``status``: live tracker lines, the first that applies shown instead of ``text``.
    """

    id: str
    text: Mapping[str, str]
    condition: Condition
    count: int = 1
    gives: Gift | None = None
    status: tuple[StepStatus, ...] = ()

    def tracker_text(
        self,
        language: str,
        remaining: Callable[[str], float | None],
        fired: Collection[str] = (),
    ) -> str:
        """The tracker line now, in ``language`` ("en" or "zh").

        ``remaining(name)``: game seconds left on the running timer called ``name``, or
        ``None`` if none runs; ``fired``: the timer names that fired during this step.
        """
        for status in self.status:
            if status.kind == "fired":
                if status.name in fired:
                    return status.text[language]
                continue
            left = remaining(status.name)
            if left is not None:
                seconds = max(0, math.ceil(left - 1e-9))
                return status.text[language].replace(SECONDS, str(seconds))
        return self.text[language]


@dataclass(frozen=True, slots=True)
class Quest:
    """A quest: steps done in order; ``explain`` is what the guide says when it is done."""

    id: str
    title: Mapping[str, str]
    explain: Mapping[str, str]
    steps: tuple[Step, ...]
    points: int = 0


@dataclass(frozen=True, slots=True)
class QuestLine:
    """The quests of a game, played in order; ``source`` is where they came from."""

    quests: tuple[Quest, ...]
    source: str = "<string>"

    def quest(self, quest_id: str) -> Quest:
        """The quest named ``quest_id``; ``KeyError`` if there is none."""
        for quest in self.quests:
            if quest.id == quest_id:
                return quest
        raise KeyError(quest_id)


def load_quest_line(path: str | Path) -> QuestLine:
    """Read and validate a quest file; raises :class:`QuestDataError` on any problem."""
    try:
        text = read_text(path, limit=MAX_TOML_BYTES)
    except DataFileError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        raise QuestDataError(str(path), None, None, where + exc.problem) from None
    return parse_quest_line(text, source=str(path))


def parse_quest_line(text: str, *, source: str = "<string>") -> QuestLine:
    """Validate a quest line given as TOML text (see the module docstring for the format)."""
    try:
        data = parse_toml(text, source=source)
    except DataFileError as exc:
        where = f"line {exc.line}: " if exc.line is not None else ""
        problem = exc.problem.replace("not valid TOML", "TOML syntax error")
        raise QuestDataError(source, None, None, where + problem) from None
    return _Parser(source).line(data)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.quest: str | None = None
        self.step: str | None = None

    def error(self, problem: str) -> QuestDataError:
        return QuestDataError(self.source, self.quest, self.step, problem)

    def line(self, data: dict[str, Any]) -> QuestLine:
        extra = set(data) - {"quest"}
        if extra:
            raise self.error(f"unknown top-level key(s) {sorted(extra)}; expected [[quest]] tables")
        quests = data.get("quest")
        if not isinstance(quests, list) or not quests:
            raise self.error("no quests: add at least one [[quest]] table")
        parsed: list[Quest] = []
        for number, body in enumerate(quests, 1):
            self.quest, self.step = f"#{number}", None
            parsed.append(self.one_quest(body))
            if sum(q.id == parsed[-1].id for q in parsed) > 1:
                raise self.error("the same quest id is used twice")
        return QuestLine(tuple(parsed), self.source)

    def one_quest(self, body: object) -> Quest:
        if not isinstance(body, dict):
            raise self.error(f"must be a table, not {type(body).__name__}")
        self.quest = self.identifier(body)
        self.unknown(body, _QUEST_KEYS)
        points = body.get("points", 0)
        if isinstance(points, bool) or not isinstance(points, int) or not 0 <= points <= 10_000:
            raise self.error(f"'points' must be an integer in 0..10000, not {points!r}")
        steps_data = body.get("step")
        if not isinstance(steps_data, list) or not steps_data:
            raise self.error("no steps: add at least one [[quest.step]] table")
        steps: list[Step] = []
        for number, step_body in enumerate(steps_data, 1):
            self.step = f"#{number}"
            steps.append(self.one_step(step_body))
            if sum(s.id == steps[-1].id for s in steps) > 1:
                raise self.error("the same step id is used twice in this quest")
        self.step = None
        return Quest(
            id=self.quest,
            title=self.languages(body, "title"),
            explain=self.languages(body, "explain"),
            steps=tuple(steps),
            points=points,
        )

    def one_step(self, body: object) -> Step:
        if not isinstance(body, dict):
            raise self.error(f"must be a table, not {type(body).__name__}")
        self.step = self.identifier(body)
        self.unknown(body, _STEP_KEYS)
        kinds = [kind for kind in CONDITION_KINDS if kind in body]
        if len(kinds) != 1:
            choices = ", ".join(CONDITION_KINDS)
            found = f"found {', '.join(kinds)}" if kinds else "found none"
            raise self.error(f"needs exactly one condition ({choices}); {found}")
        count = body.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
            raise self.error(f"'count' must be an integer in 1..{MAX_COUNT}, not {count!r}")
        gives = None
        if "gives" in body:
            gift = self.mapping(body["gives"], "gives", {"item", "to"})
            gives = Gift(self.name(gift, "item", "gives"), self.name(gift, "to", "gives"))
        return Step(
            id=self.step,
            text=self.languages(body, "text"),
            condition=self.condition(kinds[0], body),
            count=count,
            gives=gives,
            status=self.statuses(body.get("status", [])),
        )

    def statuses(self, value: object) -> tuple[StepStatus, ...]:
        if not isinstance(value, list):
            raise self.error(f"'status' must be [[quest.step.status]] tables, not {value!r}")
        parsed = []
        for number, body in enumerate(value, 1):
            table = self.mapping(body, f"status #{number}", _STATUS_KEYS)
            kinds = [kind for kind in ("timer", "fired") if kind in table]
            if len(kinds) != 1:
                raise self.error(f"'status #{number}' needs exactly one of 'timer' or 'fired'")
            name = self.name(table, kinds[0], f"status #{number}")
            texts = self.languages(table, "text")
            for text in texts.values():
                for placeholder in _PLACEHOLDER.findall(text):
                    if placeholder != SECONDS or kinds[0] != "timer":
                        allowed = f"only {SECONDS}, in a 'timer' status"
                        raise self.error(f"'status #{number}' text has {placeholder}; {allowed}")
            parsed.append(StepStatus(kinds[0], name, texts))
        return tuple(parsed)

    def condition(self, kind: str, body: dict[str, Any]) -> Condition:
        value = body[kind]
        if "source" in body and kind != "signal":
            raise self.error("'source' belongs to a signal condition only")
        if kind == "collision":
            if (
                not isinstance(value, list)
                or len(value) != 2
                or not all(isinstance(v, str) and v for v in value)
            ):
                raise self.error(f"'collision' must be two layer names, not {value!r}")
            return Condition(kind, (value[0], value[1]))
        if kind in ("timer", "signal"):
            if not isinstance(value, str) or not value:
                raise self.error(f"'{kind}' must be a name, not {value!r}")
            source = body.get("source")
            if source is not None and (not isinstance(source, str) or not source):
                raise self.error(f"'source' must be a name, not {source!r}")
            return Condition(kind, (value,), source)
        if kind == "intent":
            table = self.mapping(value, "intent", {"npc", "names"})
            names = table.get("names")
            if (
                not isinstance(names, list)
                or not names
                or not all(isinstance(n, str) and n for n in names)
            ):
                raise self.error(f"'intent.names' must be a list of intent names, not {names!r}")
            return Condition(kind, tuple(names), self.name(table, "npc", "intent"))
        table = self.mapping(value, "delivered", {"item", "to"})
        return Condition(
            kind, (self.name(table, "item", "delivered"),), self.name(table, "to", "delivered")
        )

    # -- small checks -------------------------------------------------------------------

    def identifier(self, body: dict[str, Any]) -> str:
        value = body.get("id")
        if not isinstance(value, str) or not value.replace("_", "").isalnum():
            raise self.error(f"'id' must be a name of letters, digits and _, not {value!r}")
        return value

    def unknown(self, body: dict[str, Any], allowed: set[str]) -> None:
        extra = set(body) - allowed
        if extra:
            raise self.error(f"unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}")

    def languages(self, body: dict[str, Any], key: str) -> dict[str, str]:
        texts = {"en": body.get(key), "zh": body.get(f"{key}_zh")}
        for language, text in texts.items():
            name = key if language == "en" else f"{key}_zh"
            if not isinstance(text, str) or not text.strip():
                raise self.error(f"missing '{name}' (a non-empty string)")
        return {language: str(text).strip() for language, text in texts.items()}

    def mapping(self, value: object, key: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.error(f"'{key}' must be a table, not {value!r}")
        extra = set(value) - allowed
        if extra:
            raise self.error(
                f"'{key}' has unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}"
            )
        return value

    def name(self, table: dict[str, Any], key: str, owner: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value:
            raise self.error(f"'{owner}.{key}' must be a name, not {value!r}")
        return value
