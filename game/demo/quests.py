"""The village's quest line: the quest engine wired to the scene, the tracker and the quest log (J).

The engine (:mod:`game.quests`) knows nothing of the village; this mechanic
loads ``assets/quests/village.toml``, checks that its intents exist in the
villagers' dialogue, runs a :class:`~game.quests.QuestBook`, pays each
quest's points, and has Ada say which callback the player just used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pygame

from game.assets import asset_path
from game.demo.conversations import Conversations
from game.demo.ending import CardClosed
from game.demo.language import UiLanguage
from game.demo.score import Scoreboard
from game.engine.input_events import ActionPressed
from game.engine.timers import TimerHandle
from game.quests import (
    QuestBook,
    QuestCompleted,
    QuestDataError,
    QuestLine,
    QuestLineCompleted,
    Step,
    StepCompleted,
    TimerFired,
    load_quest_line,
)
from game.scene import DrawLayer, Mechanic, SceneContext
from game.text.wrap import wrap
from game.widgets.fonts import load_font
from game.widgets.log_panel import LogPanel
from game.widgets.text import TextCache

__all__ = ["NOTE_TIME", "QUEST_FILE", "Quests", "check_intents"]

#: The village's quest line.
QUEST_FILE = asset_path("quests", "village.toml")
#: The villager who explains each quest (the NPC key of Ada, the guide).
GUIDE = "guide"
#: Seconds of game time Ada's note stays up after a quest.
NOTE_TIME = 12.0
STEP_CHIME = (523.0, 784.0)  # Hz: C5 then G5
PILL = (16, 20, 28, 170)
INK = (250, 248, 238)
GOLD = (250, 210, 110)
NOTE = (34, 30, 52, 230)
NOTE_EDGE = (190, 160, 236)
#: The tracker's opacity while the player walks under it (the path north of the fence).
SEE_THROUGH = 80
LABELS = {
    "en": {"quest": "Quest", "done": "All quests done: free play", "ada": "Ada"},
    "zh": {"quest": "任务", "done": "任务全部完成：自由游戏", "ada": "艾达"},
}


def check_intents(line: QuestLine, people: Conversations) -> None:
    """Every intent step must name an NPC of the village and an intent it knows.

    Raises :class:`~game.quests.QuestDataError` naming the file, quest and step.
    """
    npcs = {npc.key: {i.name for i in npc.dialogue.intents} for npc in people.npcs}
    for quest in line.quests:
        for step in quest.steps:
            condition = step.condition
            if condition.kind != "intent":
                continue
            known = npcs.get(condition.who or "")
            if known is None:
                problem = f"no NPC {condition.who!r}; the village has {sorted(npcs)}"
                raise QuestDataError(line.source, quest.id, step.id, problem)
            if not known.intersection(condition.names):
                problem = f"{condition.who!r} knows none of the intents {list(condition.names)}"
                raise QuestDataError(line.source, quest.id, step.id, problem)


class Quests(Mechanic):
    """Runs the quest line; owns the ``quests`` state part.

    Reacts to ``StepCompleted`` (a chime), ``QuestCompleted`` (points, and Ada's
    note for ``NOTE_TIME`` seconds, also written in the conversation log),
    ``TimerFired`` (for a step's ``fired`` status line) and the ``quests``
    action (J: the quest log panel, in both languages). The tracker shows the
    step's live status line (a timer's countdown), and lets the player show
    through it while they walk under it. The last note waits under the
    completion card (``QuestLineCompleted`` holds it, its time standing still;
    ``CardClosed`` shows it), so it is read whole, after.
    """

    def __init__(
        self,
        context: SceneContext,
        *,
        score: Scoreboard,
        people: Conversations,
        language: UiLanguage,
        path: Path | None = None,
    ) -> None:
        super().__init__(context)
        self.score = score
        self.people = people
        self.language = language
        self.blips = context.blips
        self.size = context.size
        self.line = load_quest_line(path or QUEST_FILE)
        check_intents(self.line, people)
        self.book = QuestBook(self.bus, self.line, tick=lambda: self.loop.tick)
        #: ``(quest id, game time)`` of Ada's note on screen, or ``None``.
        self.note: tuple[str, float] | None = None
        self._note_timer: TimerHandle | None = None
        #: The note waits, hidden, while the completion card is up.
        self.note_held = False
        #: Whether a panel is open over the village (the scene sets it): the note then
        #: hides instead of peeking out round it (the logs show the same words).
        self.covered: Callable[[], bool] = lambda: self.panel.visible
        #: Set by the layout step for a frame where an answer needs the tracker's room.
        self.yielded = False
        #: The timers that fired during the active step (its ``(quest, step)`` index first).
        self.fired: tuple[tuple[int, int], set[str]] = ((0, 0), set())
        font = load_font(17)
        self.font = font
        self.text = TextCache(font, capacity=128)
        width, height = context.size
        self.panel = LogPanel(
            font,
            (40, 48, width - 80, height - 130),
            "Quests · 任务 (J to close · 按 J 关闭)",
            newest_last=False,
        )
        # Composed once per text and language: wrapping each frame costs milliseconds.
        self._tracker_surface: tuple[str, pygame.Surface] | None = None
        self._note_surface: tuple[tuple[str, str], pygame.Surface] | None = None
        self.on(StepCompleted, self.step_done)
        self.on(QuestCompleted, self.quest_done)
        self.on(QuestLineCompleted, self.hold_note)
        self.on(CardClosed, self.release_note)
        self.on(TimerFired, self.timer_fired)
        self.on(ActionPressed, self.on_action)
        self.draws(DrawLayer.HUD, self.draw_tracker)
        self.draws(DrawLayer.NOTES, self.draw_note)
        # The quest log is a panel: game/demo/panels.py stacks and draws it.

    # -- callbacks ------------------------------------------------------------------------

    def step_done(self, event: StepCompleted) -> None:
        """A step is done: a rising two-note chime."""
        for n, pitch in enumerate(STEP_CHIME):
            self.after(n * 0.1, self.blips.play, pitch, name="step chime")

    def quest_done(self, event: QuestCompleted) -> None:
        """A quest is done: pay its points; Ada says which callback it was."""
        quest = self.line.quest(event.quest)
        if quest.points:
            self.score.add(quest.points, self.people.you.position)
        self.note = (quest.id, self.loop.time)
        self._note_timer = self.after(NOTE_TIME, self._note_over, quest.id, name="ada's note")
        guide = next((npc for npc in self.people.npcs if npc.key == GUIDE), self.people.npcs[0])
        self.people.log.add(guide.name, self.language.pick(dict(quest.explain)))

    def hold_note(self, _event: QuestLineCompleted) -> None:
        """The completion card comes: Ada's last note waits under it, its time stopped."""
        if self._note_timer is not None and self._note_timer.active:
            self._note_timer.pause()
            self.note_held = True

    def release_note(self, _event: CardClosed) -> None:
        """The card went: the note shows for the rest of its time."""
        if self.note_held and self._note_timer is not None:
            self._note_timer.resume()
        self.note_held = False

    @property
    def note_shown(self) -> bool:
        """Ada's note is on screen: not held under the card, nor hidden by a panel."""
        return self.note is not None and not self.note_held and not self.covered()

    def timer_fired(self, event: TimerFired) -> None:
        """Remember a timer that fired during the active step, for its status lines."""
        where = (self.book.quest_index, self.book.step_index)
        if self.fired[0] != where:
            self.fired = (where, set())
        self.fired[1].add(event.name)

    def _remaining(self, name: str) -> float | None:
        """Game seconds left on the soonest running timer called ``name``, or ``None``."""
        for handle in self.timers.upcoming():
            if handle.name == name:
                return handle.remaining
        return None

    def _note_over(self, quest_id: str) -> None:
        if self.note is not None and self.note[0] == quest_id:
            self.note = None

    def on_action(self, event: ActionPressed) -> None:
        """J shows or hides the quest log."""
        if event.action == "quests":
            self.panel.toggle()

    # -- questions --------------------------------------------------------------------------

    def tracker(self) -> str:
        """The tracker line: "Quest 2/6 · Coins for Bruno: Pick up coins 3/5"."""
        labels = LABELS[self.language.code]
        book = self.book
        quest, step = book.quest, book.step
        if quest is None or step is None:
            return labels["done"]
        pick = self.language.pick
        count = f" {book.progress}/{step.count}" if step.count > 1 else ""
        total = len(self.line.quests)
        now = self.live_text(step, self.language.code)
        return (
            f"{labels['quest']} {book.quest_index + 1}/{total} · "
            f"{pick(dict(quest.title))}: {now}{count}"
        )

    def live_text(self, step: Step, language: str) -> str:
        """The active ``step``'s line now in ``language``: its live status line, if one applies."""
        where, fired = self.fired
        book = self.book
        now = (book.quest_index, book.step_index)
        return step.tracker_text(language, self._remaining, fired if where == now else ())

    def step_id(self) -> str | None:
        """The step on now as ``quest id/step id`` ("bread/ask"); ``None`` when all are done."""
        quest, step = self.book.quest, self.book.step
        return None if quest is None or step is None else f"{quest.id}/{step.id}"

    def step_text(self, language: str) -> str | None:
        """The step on now in ``language`` ("en"/"zh"), as said in a sentence: "pick up
        coins (3/5)"; ``None`` once every quest is done. (An NPC's welcome back.)"""
        step = self.book.step
        if self.book.quest is None or step is None:
            return None
        text = self.live_text(step, language)  # "dusk at 18:40 (in 22 s)", not "it is dark"
        if language == "en":
            text = text[:1].lower() + text[1:]  # it follows a colon in a sentence
        return f"{text} ({self.book.progress}/{step.count})" if step.count > 1 else text

    def log_lines(self) -> list[tuple[str, str]]:
        """The quest log's rows, in both languages: each quest, its state, the step now."""
        rows: list[tuple[str, str]] = []
        book = self.book
        for n, quest in enumerate(self.line.quests):
            mark = "●" if n < book.quest_index else ("→" if n == book.quest_index else "○")
            rows.append((f"{mark} {quest.title['en']} · {quest.title['zh']}", ""))
            if n == book.quest_index and book.step is not None:
                step = book.step
                count = f" ({book.progress}/{step.count})" if step.count > 1 else ""
                en, zh = self.live_text(step, "en"), self.live_text(step, "zh")
                rows[-1] = (rows[-1][0], f"{en}{count}\n{zh}{count}")
        done = book.quest_index - 1
        if done >= 0:
            quest = self.line.quests[done]
            rows.append(("Ada · 艾达", f"{quest.explain['en']}\n{quest.explain['zh']}"))
        return rows

    def state(self) -> Mapping[str, object]:
        return {"quests": self.book.state()}

    # -- drawing ----------------------------------------------------------------------------

    def _tracker_pill(self) -> tuple[str, pygame.Surface]:
        tracker = self.tracker()
        if self._tracker_surface is None or self._tracker_surface[0] != tracker:
            text = self.text.render(tracker, INK)
            pill = pygame.Surface((text.get_width() + 24, text.get_height() + 8), pygame.SRCALPHA)
            pygame.draw.rect(pill, PILL, pill.get_rect(), border_radius=8)
            pill.blit(text, (12, 4))
            self._tracker_surface = (tracker, pill)
        return self._tracker_surface

    def text_rects(self) -> list[tuple[str, pygame.Rect, str]]:
        """The tracker (and Ada's note) where they are drawn, for the layout step."""
        tracker, pill = self._tracker_pill()
        shown = [("hud", pill.get_rect(topleft=(8, 40)), tracker)]
        card = self._note_card()
        if self.note is not None and self.note_shown and card is not None:
            explain = self.language.pick(dict(self.line.quest(self.note[0]).explain))
            shown.append(("hud", self._note_place(card), explain))
        return shown

    def _note_card(self) -> pygame.Surface | None:
        """Ada's note as drawn this frame (composed once per quest and language)."""
        if self.note is None:
            return None
        key = (self.note[0], self.language.code)
        if self._note_surface is None or self._note_surface[0] != key:
            explain = self.line.quest(self.note[0]).explain
            self._note_surface = (key, self._compose_note(explain))
        return self._note_surface[1]

    def _note_place(self, card: pygame.Surface) -> pygame.Rect:
        # Low, above the hint line, on the side away from the player: clear of
        # the square (Ada's bubble) and of the player's own bubble.
        width, height = self.size
        if self.people.you.position[0] > width / 2:
            return card.get_rect(bottomleft=(12, height - 100))
        return card.get_rect(bottomright=(width - 12, height - 100))

    def draw_tracker(self, surface: pygame.Surface, alpha: float) -> None:
        """The tracker under the top bar."""
        if self.yielded:
            return  # giving its room to an answer this frame
        pill = self._tracker_pill()[1]
        x, y = self.people.you.position
        size = self.people.you.player.SIZE
        under = pill.get_rect(topleft=(8, 40)).colliderect((x, y, size, size))
        pill.set_alpha(SEE_THROUGH if under else None)
        surface.blit(pill, (8, 40))

    def draw_note(self, surface: pygame.Surface, alpha: float) -> None:
        """Ada's note, low on the side away from the player, after a quest."""
        card = self._note_card()
        if not self.yielded and card is not None and self.note_shown:
            surface.blit(card, self._note_place(card))

    def _compose_note(self, explain: Mapping[str, str]) -> pygame.Surface:
        labels = LABELS[self.language.code]
        width = min(420, self.size[0] - 40)
        rows = wrap(self.language.pick(dict(explain)), width - 32, lambda t: self.font.size(t)[0])
        line = self.font.get_linesize()
        card = pygame.Surface((width, 44 + line * len(rows)), pygame.SRCALPHA)
        pygame.draw.rect(card, NOTE, card.get_rect(), border_radius=12)
        pygame.draw.rect(card, NOTE_EDGE, card.get_rect(), width=2, border_radius=12)
        card.blit(self.text.render(labels["ada"], GOLD), (16, 10))
        for n, row in enumerate(rows):
            card.blit(self.text.render(row, INK), (16, 34 + n * line))
        return card

    def draw_panel(self, surface: pygame.Surface, alpha: float) -> None:
        """The quest log (J), recomposed only when its lines change (a step, a countdown)."""
        if not self.panel.visible:
            return
        lines = self.log_lines()
        self.panel.draw(surface, lines, tuple(lines))

    def close(self) -> None:
        self.book.close()
        super().close()
