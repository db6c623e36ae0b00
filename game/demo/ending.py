"""The ending: after the last quest, a completion card (time, score, what fired); then free play."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import pygame

from game.demo.language import UiLanguage
from game.demo.modal import ModalSwitch
from game.demo.score import Scoreboard
from game.engine.events import HANDLED, Event, Priority
from game.engine.input_events import KeyDown, MouseDown
from game.quests import QuestLineCompleted
from game.records import Records, format_time
from game.scene import Mechanic, SceneContext
from game.widgets.fonts import load_font
from game.widgets.text import TextCache

__all__ = ["WHAT_FIRED", "CardClosed", "Ending"]

#: The "what fired" rows: label per language, and the event classes counted (or "timers").
WHAT_FIRED: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Fixed steps (FixedUpdate)", "固定步（FixedUpdate）", ("FixedUpdate",)),
    (
        "Keys and text (KeyDown, TextInput)",
        "按键和文字（KeyDown、TextInput）",
        ("KeyDown", "TextInput"),
    ),
    ("Collisions begun (CollisionEnter)", "碰撞开始（CollisionEnter）", ("CollisionEnter",)),
    ("Timer callbacks", "计时器回调", ("timers",)),
    ("NPC lines (NpcSpoke)", "NPC 说的话（NpcSpoke）", ("NpcSpoke",)),
    ("Signals (bell, lamps, dusk)", "信号（钟、灯、黄昏）", ("Signal", "TimerFired")),
    ("Quest steps (StepCompleted)", "任务步骤（StepCompleted）", ("StepCompleted",)),
)
TEXT = {
    "en": {
        "title": "Callback Quest complete!",
        "time": "Time",
        "score": "Score",
        "best": "new best!",
        "fired": "What fired in your game",
        "go_on": "Enter, Space or a click: keep playing (free play)",
    },
    "zh": {
        "title": "回调任务完成！",
        "time": "用时",
        "score": "得分",
        "best": "新纪录！",
        "fired": "你的游戏里触发了什么",
        "go_on": "回车、空格或点击：继续自由游戏",
    },
}
SHADE = (8, 10, 16, 170)
PANEL = (34, 40, 54)
EDGE = (240, 226, 180)
INK = (240, 240, 234)
GOLD = (250, 210, 110)
# Above the chat box, below the pause panel: while the card is up it has the keys.
_PRIORITY = (Priority.TEXT_ENTRY + Priority.MODAL) // 2


@dataclass(frozen=True, slots=True)
class CardClosed(Event):
    """The completion card went away (free play begins); ``tick`` is the step it went in."""

    tick: int


class Ending(Mechanic):
    """Counts what fired; on ``QuestLineCompleted`` shows the completion card and offers
    the run to the :class:`~game.records.Records` (best time, best score).

    While the card is up it takes keys and clicks: Enter, Space, Esc or a click
    closes it, and the village goes on (free play). Owns the ``ending`` state part.
    """

    def __init__(
        self,
        context: SceneContext,
        *,
        score: Scoreboard,
        language: UiLanguage,
        records: Records,
    ) -> None:
        super().__init__(context)
        self.score = score
        self.language = language
        self.records = records
        self.size = context.size
        self.counts: Counter[str] = Counter()
        #: ``(seconds, score, new best time, new best score, counts)`` of the finished run.
        self.result: tuple[float, int, bool, bool, dict[str, int]] | None = None
        self._input = ModalSwitch(
            self.bus, {KeyDown: self.on_key, MouseDown: self.on_click}, priority=_PRIORITY
        )
        self.text = TextCache(load_font(20), capacity=64)
        self.big = TextCache(load_font(32), capacity=8)
        self.on(Event, self.count, priority=Priority.OBSERVER)
        self.on(QuestLineCompleted, self.finish)
        # The card is drawn by the panel stack (game/demo/panels.py), over what opened before.

    def count(self, event: Event) -> None:
        """One more of this event class."""
        self.counts[type(event).__name__] += 1

    def finish(self, event: QuestLineCompleted) -> None:
        """The last quest is done: keep the run's numbers, save the records, show the card."""
        seconds = (event.tick + 1) * self.loop.step
        counts = {
            label: (
                self.timers.fired_total
                if names == ("timers",)
                else sum(self.counts[name] for name in names)
            )
            for label, _zh, names in WHAT_FIRED
        }
        faster, higher = self.records.offer(seconds, self.score.score)
        self.result = (seconds, self.score.score, faster, higher, counts)
        self.show()

    @property
    def visible(self) -> bool:
        """Whether the card is up (and has the keys and clicks)."""
        return self._input.on

    def show(self) -> None:
        """Put the card up and take the keys."""
        self._input.push()

    def hide(self) -> None:
        """Free play: the card goes, the keys come back; publishes :class:`CardClosed`."""
        if self.visible:
            self._input.pop()
            self.bus.publish(CardClosed(self.loop.tick))

    def on_key(self, event: KeyDown) -> bool:
        """Enter, Space or Esc closes the card; every key stops here while it is up."""
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE, pygame.K_ESCAPE):
            self.hide()
        return HANDLED

    def on_click(self, _event: MouseDown) -> bool:
        """A click closes the card."""
        self.hide()
        return HANDLED

    def state(self) -> Mapping[str, object]:
        result = self.result
        return {"ending": (self.visible, None if result is None else result[:2])}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """The card: title, time, score, what fired, how to go on."""
        if not self.visible or self.result is None:
            return
        seconds, score, faster, higher, counts = self.result
        words = TEXT[self.language.code]
        zh = self.language.code == "zh"
        shade = pygame.Surface(self.size, pygame.SRCALPHA)
        shade.fill(SHADE)
        surface.blit(shade, (0, 0))
        panel = pygame.Rect(0, 0, 640, 420)
        panel.center = (self.size[0] // 2, self.size[1] // 2)
        pygame.draw.rect(surface, PANEL, panel, border_radius=16)
        pygame.draw.rect(surface, EDGE, panel, width=2, border_radius=16)
        title = self.big.render(words["title"], GOLD)
        surface.blit(title, title.get_rect(midtop=(panel.centerx, panel.top + 18)))
        y = panel.top + 72
        best = f"  ({words['best']})"
        lines = [
            (f"{words['time']}: {format_time(seconds)}" + (best if faster else ""), INK),
            (f"{words['score']}: {score}" + (best if higher else ""), INK),
            (words["fired"], GOLD),
        ]
        for text, color in lines:
            surface.blit(self.text.render(text, color), (panel.left + 32, y))
            y += 30
        for label, label_zh, _names in WHAT_FIRED:
            surface.blit(self.text.render(label_zh if zh else label, INK), (panel.left + 48, y))
            number = self.text.render(f"{counts[label]:,}", GOLD)
            surface.blit(number, number.get_rect(topright=(panel.right - 40, y)))
            y += 28
        go_on = self.text.render(words["go_on"], EDGE)
        surface.blit(go_on, go_on.get_rect(midbottom=(panel.centerx, panel.bottom - 14)))

    def close(self) -> None:
        self.hide()
        super().close()
