"""The demo village. Read ``DemoScene.__init__`` as the table of contents.

The scene is a list of mechanics (:class:`game.scene.Mechanic`). Each one owns
its colliders, its subscriptions and timers (cancelled on close), its part of
the state hash and its drawing; the scene only says which exist and hands
each the others it needs. Adding a mechanic is one new file and one line in
that list: ``docs/architecture.md`` walks through adding a door.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pygame

from game.demo.autoplay import Autoplay
from game.demo.bell import Bell
from game.demo.chat_box import ChatBox
from game.demo.coins import Coins
from game.demo.conversations import BrainFactory, Conversations
from game.demo.daylight import DayNight
from game.demo.door import PlateDoor
from game.demo.ending import Ending
from game.demo.errands import Errands
from game.demo.feedback import FloatingPoints
from game.demo.hazard import HazardPatrol
from game.demo.help import ControlsHelp
from game.demo.lamps import Lamps
from game.demo.language import UiLanguage
from game.demo.layers import LAYERS, PAIRS
from game.demo.on_screen_text import OnScreenText, VisibleText
from game.demo.overlays import Overlays
from game.demo.panels import Panel, Panels
from game.demo.pause import Pause, keys_of
from game.demo.player import PlayerCharacter
from game.demo.quests import Quests
from game.demo.score import Scoreboard
from game.demo.toast import Toast
from game.demo.village import Village
from game.npc.brain import Brain
from game.npc.brain_spec import make_brain, parse_brain_spec
from game.npc.rule_brain import RuleBrain
from game.records import Records
from game.scene import Mechanic, Painter, Post, SceneContext, SceneFactory, paint_in_order
from game.widgets.fonts import load_font

if TYPE_CHECKING:
    from game.npc.langchain_brain import LangChainBrain

__all__ = ["DemoScene", "demo_scene"]

M = TypeVar("M", bound=Mechanic)


class DemoScene:
    """The village: a player, coins, a patrolling hazard, two NPCs and a day that turns.

    ``brain(rules)`` makes each NPC's chat brain from its rule brain (default:
    the rule brain answers); ``llm`` is the LangChain brain behind it, if any
    (for :meth:`await_replies` and the summary); ``quest_file`` is the quest file
    (default: the village's, ``assets/quests/village.toml``); ``records`` keeps the
    best time and score (default: in memory only). Implements :class:`game.scene.Scene`.
    """

    def __init__(
        self,
        context: SceneContext,
        *,
        brain: BrainFactory | None = None,
        llm: LangChainBrain | None = None,
        quest_file: Path | None = None,
        records: Records | None = None,
    ) -> None:
        self.context = context
        self.llm = llm
        self.records = records if records is not None else Records()
        context.world.declare(LAYERS, PAIRS)  # which layers meet: game/demo/layers.py
        font = load_font(18)
        # Order matters where two mechanics react to the same event: a FixedUpdate
        # moves the player, then the hazard, then the NPCs; colliders get their
        # ids (the order of collision events) in this order too.
        self.mechanics: list[Mechanic] = [
            score := Scoreboard(context),  # points and tallies; reacts to nothing
            language := UiLanguage(context),  # ChatSubmitted: the language hints are shown in
            Village(context),  # walls and the map's edges; the painted ground
            chat := ChatBox(context, font, language),  # Enter/T opens it; Enter → ChatSubmitted
            you := PlayerCharacter(context, chat),  # FixedUpdate: steer, slide along walls
            coins := Coins(context, you, score),  # on_enter player/coin → score, respawn timer
            hazard := HazardPatrol(context, you, score),  # FixedUpdate: patrol; on_enter: hit
            toast := Toast(context),  # a message above the chat box, cleared by a timer
            people := Conversations(  # talk radius on_enter/on_exit, ChatSubmitted, NpcAction
                context,
                you=you,
                chat=chat,
                score=score,
                toast=toast,
                font=font,
                facts=self.facts,
                brain=brain,
            ),
            day := DayNight(context),  # timers.every(1.0) turns the sun; the night tint
            Errands(
                context, you, people.npcs
            ),  # StepCompleted gives an item; on_enter player/talk hands it over
            Bell(context),  # on_enter player/bell → Signal("bell"); villagers and slime react
            Lamps(
                context, day=day, toast=toast, language=language
            ),  # on_enter player/lamp, every()
            quests := Quests(  # the quest engine on the bus; tracker; J → quest log
                context, score=score, people=people, language=language, path=quest_file
            ),
            floats := FloatingPoints(context),  # ScoreChanged → a floating "+10" / "−5"
            # walk/ChatSubmitted tick off; F1 hides; above the chat box while it is open
            controls := ControlsHelp(context, language, chat),
            pause := Pause(  # P/Esc, F10
                context,
                chat=chat,
                people=people,
                font=load_font(20),
                records=self.records,
                language=language,
            ),
            overlays := Overlays(  # HUD; H → log (scrolls); F3 → debug overlay; F4 → wiring
                context,
                score=score,
                coins=coins,
                day=day,
                chat=chat,
                people=people,
                pause=pause,
                toast=toast,
                font=font,
                language=language,
            ),
            ending := Ending(  # QuestLineCompleted → the completion card, the records
                context, score=score, language=language, records=self.records
            ),
            door := PlateDoor(
                context
            ),  # on_enter player/plate → timers open the door 3 s later, shut it 6 s on
            # Each frame, before any text: places bubbles, numbers, labels and the hint.
            text := OnScreenText(
                context, people=people, overlays=overlays, chat=chat, floats=floats
            ),
            # The panels the player opens, stacked as opened; Esc closes the top one.
            panels := Panels(context, chat=chat, cancel_keys=keys_of(context.input, ("cancel",))),
        ]
        quests.covered = panels.covering
        log, wiring = overlays.log_panel, overlays.wiring
        panels.add(
            Panel("quests", lambda: quests.panel.visible, quests.draw_panel, quests.panel.toggle),
            Panel("log", lambda: log.visible, overlays.draw_log, log.toggle),
            Panel("wiring", lambda: wiring.visible, lambda s, a: wiring.draw(s), wiring.toggle),
            # F3 watches the game while you play: Esc passes it by.
            Panel(
                "debug",
                lambda: overlays.debug.visible,
                lambda s, a: overlays.debug.draw(s),
                covers=False,
            ),
            Panel(
                "pause",
                lambda: pause.visible,
                lambda s, a: pause.panel.draw(s),
                modal=True,
                draw_under=lambda s, a: pause.panel.draw_shade(s),  # a log over it: the dim only
            ),
            Panel("card", lambda: ending.visible, ending.draw, modal=True),
        )
        self.on_screen_text = text
        text.fixed_text += [quests, controls, door]  # door: text keeps off the gate
        self._painters: list[Painter] = []
        self._drawn_by: list[tuple[int, int]] = []
        # What the rest of the game (the bot, the tests) asks about.
        self.loop = context.loop
        self.scoreboard = score
        self.quests = quests
        self.ending = ending
        self.language = language
        self.day = day
        self.people = people
        self.chat = chat.box
        self.player = you.player
        self.player_body = you.body
        self.hazard = hazard.hazard
        self.coins = coins.coins
        self.npcs = people.npcs
        self.player_bubble = people.player_bubble
        self.log = people.log

    def mechanic(self, kind: type[M]) -> M:
        """The scene's mechanic of class ``kind``; ``LookupError`` if there is none."""
        for mechanic in self.mechanics:
            if isinstance(mechanic, kind):
                return mechanic
        raise LookupError(f"the scene has no {kind.__name__} mechanic")

    def facts(self) -> dict[str, object]:
        """Live numbers the NPCs may quote."""
        score = self.scoreboard
        return {
            "score": score.score,
            "coins_left": len(self.coins),
            # All the coins the player has picked up (the dialogue files' meaning:
            # "in total you've picked up …"); a language model is told so in words.
            "coins_total": score.coins_collected,
            "clock": self.day.clock()[-5:],
            # "What do I do now?": the step on now, as the tracker says it.
            "quest": self.quests.step_text("en") or "nothing left: every quest is done",
            "quest_zh": self.quests.step_text("zh") or "没有了：任务全部完成",
            "quest_at": self.quests.step_id() or "done",
        }

    # -- the Scene protocol ---------------------------------------------------------

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        """Every mechanic's drawing, back to front, blending motion by ``alpha``."""
        # Sorting costs ~15 µs, so it is redone only when a mechanic is added,
        # removed or closed (closing empties its painters): then it is drawn, or
        # not, from the next frame on.
        drawn_by = [(id(m), len(m.painters)) for m in self.mechanics]
        if drawn_by != self._drawn_by:
            self._drawn_by = drawn_by
            self._painters = paint_in_order(self.mechanics)
        for painter in self._painters:
            painter(surface, alpha)

    def visible_text(self) -> list[VisibleText]:
        """Every piece of text on screen in the last frame: ``(kind, owner, rect, text)``."""
        return self.on_screen_text.visible_text()

    def state(self) -> Mapping[str, object]:
        """Everything that decides what happens next, by part, for the state hash."""
        parts: dict[str, object] = {}
        for mechanic in self.mechanics:
            parts.update(mechanic.state())
        return parts

    def summary(self) -> dict[str, object]:
        """The village's fields in the headless JSON summary."""
        score = self.scoreboard
        book = self.quests.book
        summary: dict[str, object] = {
            "npc_replies": score.npc_replies,  # answers; apologies are not counted
            "score": score.score,
            "coins_collected": score.coins_collected,
            "quests_completed": book.quest_index,
            "quests_total": len(book.line.quests),
            "game_completed": book.finished,
            "completed_at_tick": book.completed_at_tick,
        }
        if self.llm is not None:  # how the model's replies ended
            stats = self.llm.stats
            median = stats.median_first_token
            summary |= {
                "npc_failed": stats.failed,
                "npc_timed_out": stats.timed_out,
                "npc_cancelled": stats.cancelled,
                "npc_first_token_median": None if median is None else round(median, 4),
            }
        return summary

    def await_replies(self) -> bool:
        """Block until the model's replies in flight have ended, at most its ``timeout`` of
        wall time; True if there were any (their final events wait in the bus).

        The headless App calls this before every frame, so game time stands still
        while the model answers: a headless run means the same on any machine.
        """
        if self.llm is None:
            return False
        # From now on a reply starts here, between ticks, never inside the tick
        # that asked: how much of it would arrive there depends on the machine.
        self.llm.defer_start = True
        if not self.llm.pending:
            return False
        self.llm.wait(self.llm.timeout)
        return True

    def text_entry_active(self) -> bool:
        """Whether the chat box has the keyboard."""
        return self.chat.is_open

    def make_bot(self, post: Post, rng: random.Random) -> Autoplay:
        """The autoplay bot, playing through ``post`` with its own ``rng``."""
        return Autoplay(post, rng, self)

    def close(self) -> None:
        """Close every mechanic, last first (the NPCs' brains stop with theirs)."""
        for mechanic in reversed(self.mechanics):
            mechanic.close()


def demo_scene(
    brain: str = "rule",
    brain_options: Mapping[str, Any] | None = None,
    *,
    quests: Path | None = None,
    records: Records | None = None,
) -> SceneFactory:
    """A factory for ``App``: the village, its NPCs answering through ``brain``.

    ``brain`` is a spec (``"rule"``, ``"fake-llm"``, ``"module:factory"``), checked
    now, so a bad one fails before a window opens (``ValueError`` naming it).
    Both NPCs share one LangChain brain (one model, one thread, one memory per
    NPC), built with ``brain_options`` (``persona``, ``timeout``, ``history``,
    ``max_tokens``, … of :class:`~game.npc.langchain_brain.LangChainBrain`).
    ``quests`` replaces the quest file (a malformed one raises
    :class:`~game.quests.QuestDataError` when the scene is built); ``records``
    keeps the best time and score (default: in memory only).
    """
    spec = parse_brain_spec(brain)
    options = dict(brain_options or {})

    def build(context: SceneContext) -> DemoScene:
        if spec.kind == "rule":
            return DemoScene(context, quest_file=quests, records=records)
        llm = cast("LangChainBrain", make_brain(spec, context.bus, rule=_no_rule, **options))

        def chat_brain(rules: RuleBrain) -> Brain:
            llm.add_npc(rules.dialogue)  # its persona, knowledge and names
            return llm

        return DemoScene(context, brain=chat_brain, llm=llm, quest_file=quests, records=records)

    return build


def _no_rule() -> Brain:
    raise AssertionError("the rule brain is built per NPC, by Conversations")
