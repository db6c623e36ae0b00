"""ChatNPC with a brain that answers later: order, cancelling, superseding, actions.

A scripted brain streams its reply one token per tick, the way a language
model's tokens arrive between fixed steps; the NPC, its bubble and its
conversation log are driven on game time like in the village.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pygame
import pytest

from game.engine.collisions import CollisionWorld
from game.engine.events import EventBus
from game.engine.timers import Timers
from game.npc.brain import Action, ChatContext, ReplyCallbacks, ReplyRequest
from game.npc.chat import ChatNPC, ConversationLog, NpcAction, NpcSpoke
from game.npc.dialogue import load_npc
from game.npc.rule_brain import RuleBrain
from game.widgets.bubble import SpeechBubble
from game.widgets.fonts import load_font

DT = 1 / 60


class Recorder:
    """Callbacks that note each call (and its thread), then pass it on."""

    def __init__(self, inner: ReplyCallbacks, calls: list[tuple[str, str, int]]) -> None:
        self.inner = inner
        self.calls = calls

    def _note(self, name: str, text: str = "") -> None:
        self.calls.append((name, text, threading.get_ident()))

    def on_start(self) -> None:
        self._note("start")
        self.inner.on_start()

    def on_token(self, token: str) -> None:
        self._note("token", token)
        self.inner.on_token(token)

    def on_end(self, text: str) -> None:
        self._note("end", text)
        self.inner.on_end(text)

    def on_error(self, message: str) -> None:
        self._note("error", message)
        self.inner.on_error(message)


@dataclass
class Job:
    request: ReplyRequest
    tokens: list[str]
    action: str | None = None
    fail: bool = False


@dataclass
class SlowBrain:
    """Answers every question with a scripted reply, one token per :meth:`tick`."""

    script: dict[str, list[str]]
    actions: dict[str, str] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    calls: list[tuple[str, str, int]] = field(default_factory=list)
    asked: list[ChatContext] = field(default_factory=list)

    def ask(self, text: str, context: ChatContext, callbacks: ReplyCallbacks) -> ReplyRequest:
        self.asked.append(context)
        request = ReplyRequest(
            Recorder(callbacks, self.calls), on_cancel=lambda: self.cancelled.append(text)
        )
        self.jobs.append(Job(request, list(self.script[text]), self.actions.get(text)))
        return request

    def tick(self) -> None:
        """The worker's news for this tick: a start, a token, or the end."""
        for job in self.jobs:
            request = job.request
            if request.state == "pending":
                request.start()
            elif job.tokens:
                request.token(job.tokens.pop(0))  # after a cancel, dropped by the request
            elif request.active:
                request.action = job.action
                if job.fail:
                    request.fail("Sorry, I lost my thought.")
                else:
                    request.end()
        self.jobs = [job for job in self.jobs if job.tokens or job.request.active]


@dataclass
class Village:
    bus: EventBus
    timers: Timers
    world: CollisionWorld
    npc: ChatNPC
    brain: SlowBrain
    log: ConversationLog
    spoken: list[NpcSpoke]
    actions: list[NpcAction]

    def step(self, n: int = 1, player: tuple[float, float] = (0.0, 0.0)) -> None:
        """``n`` fixed steps: the brain's news, timers, then NPC and bubble on game time."""
        for _ in range(n):
            self.brain.tick()
            self.timers.update(DT)
            self.npc.on_fixed_update(DT, player)
            self.bus.flush()


SCRIPT = {
    "what is a callback?": ["A ", "callback ", "is ", "a ", "function."],
    "hello": ["Hi ", "there!"],
    "dance": ["Watch ", "this!"],
    "你好": ["你", "好", "！"],
}


@pytest.fixture
def village(bus: EventBus) -> Iterator[Village]:
    pygame.font.init()
    timers = Timers(bus)
    world = CollisionWorld(bus)
    dialogue = load_npc("guide")
    brain = SlowBrain(SCRIPT, actions={"dance": "dance"})
    log = ConversationLog(50)
    npc = ChatNPC(
        dialogue,
        bus=bus,
        timers=timers,
        world=world,
        position=(200.0, 200.0),
        brain=brain,
        barks=RuleBrain(dialogue, random.Random(1)),
        bubble=SpeechBubble(load_font(18), cps=30.0),
        facts=lambda: {"score": 0, "coins_left": 8, "coins_total": 0, "clock": "08:00"},
        log=log,
        layer="npc",
        talk_layer="talk",
        mask=["wall", "npc", "player"],
        talk_mask=["player"],
    )
    spoken: list[NpcSpoke] = []
    actions: list[NpcAction] = []
    bus.subscribe(NpcSpoke, spoken.append)
    bus.subscribe(NpcAction, actions.append)
    yield Village(bus, timers, world, npc, brain, log, spoken, actions)
    pygame.font.quit()


def test_a_streamed_reply_thinks_then_types_its_tokens_then_is_logged(village: Village) -> None:
    npc, bubble = village.npc, village.npc.bubble
    npc.player_entered()
    village.step()  # the greeting comes the tick after the player arrives
    village.spoken.clear()
    request = npc.hear("what is a callback?")
    assert request.active and bubble.state == "typing"  # still the greeting: nothing yet
    village.step()
    assert bubble.state == "thinking"
    grown = []
    for _ in range(5):
        village.step()
        grown.append(bubble.text)
    assert grown == ["A ", "A callback ", "A callback is ", "A callback is a ", SCRIPT_TEXT]
    assert not village.spoken  # not finished yet
    village.step()
    assert request.state == "done"
    assert [(s.text, s.reply) for s in village.spoken] == [(SCRIPT_TEXT, True)]
    assert list(village.log.lines)[-1] == ("Ada", SCRIPT_TEXT)
    village.step(120)
    assert bubble.revealed == bubble.total and bubble.text == SCRIPT_TEXT
    names = [name for name, _, _ in village.brain.calls]
    assert names == ["start"] + ["token"] * 5 + ["end"]
    assert {thread for _, _, thread in village.brain.calls} == {threading.get_ident()}


SCRIPT_TEXT = "".join(SCRIPT["what is a callback?"])


def test_walking_away_cancels_the_reply_and_its_tokens_never_show(village: Village) -> None:
    npc, bubble = village.npc, village.npc.bubble
    npc.player_entered()
    village.step(200)  # the greeting is over
    village.spoken.clear()
    npc.hear("what is a callback?")
    village.step(3)
    assert bubble.text == "A callback "
    npc.player_left()
    assert village.brain.cancelled == ["what is a callback?"]
    farewell = bubble.text
    assert village.spoken == [NpcSpoke("guide", farewell, reply=False)]
    village.step(20)
    assert "callback" not in bubble.text
    assert not any(s.reply for s in village.spoken)
    assert all(name != "end" for name, _, _ in village.brain.calls)
    assert ("Ada", SCRIPT_TEXT) not in village.log.lines


def test_a_new_question_supersedes_the_reply_in_progress(village: Village) -> None:
    npc, bubble = village.npc, village.npc.bubble
    npc.player_entered()
    first = npc.hear("what is a callback?")
    village.step(3)
    second = npc.hear("hello")
    assert first.state == "cancelled" and second.active
    assert village.brain.cancelled == ["what is a callback?"]
    seen = []
    for _ in range(30):
        village.step()
        seen.append(bubble.text)
    assert all("callback" not in text for text in seen)
    assert bubble.text == "Hi there!"
    replies = [s.text for s in village.spoken if s.reply]
    assert replies == ["Hi there!"]


def test_a_requested_action_is_published_once_when_the_reply_ends(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    npc.hear("dance")
    village.step(3)
    assert village.actions == []  # not before the reply is complete
    village.step(2)
    assert village.actions == [NpcAction("guide", "dance")]
    village.step(30)
    assert village.actions == [NpcAction("guide", "dance")]


def test_a_cancelled_reply_asks_for_no_action(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    npc.hear("dance")
    village.step(2)
    npc.player_left()
    village.step(10)
    assert village.actions == []


def test_a_failed_reply_shows_the_apology_and_logs_it(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    npc.hear("hello")
    village.brain.jobs[-1].fail = True
    village.step(4)
    assert npc.bubble.text == "Sorry, I lost my thought."
    assert list(village.log.lines)[-1] == ("Ada", "Sorry, I lost my thought.")
    assert [name for name, _, _ in village.brain.calls][-1] == "error"


def test_chinese_switches_the_npcs_name_and_language(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    npc.hear("你好")
    assert npc.language == "zh" and npc.name == "艾达"
    assert village.brain.asked[-1].npc_name == "艾达"
    village.step(5)
    assert list(village.log.lines)[-1] == ("艾达", "你好！")


def test_the_greeting_has_a_cooldown_on_game_time(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    assert not village.spoken  # the greeting comes the tick after the player arrives
    village.step()
    greetings = len(village.spoken)
    assert greetings == 1
    village.step(600)  # 10 s: greeting read and faded
    npc.player_left()  # a farewell
    village.step(600)
    npc.player_entered()  # 20 s after the greeting: ready again (a welcome back)
    village.step()
    assert len(village.spoken) == 3
    village.step(900)  # 15 s: the longer welcome back read and faded
    npc.player_left()
    village.step(60)
    npc.player_entered()  # only 16 s later: no greeting
    village.step()
    assert len(village.spoken) == 4
    assert [s.reply for s in village.spoken] == [False] * 4


def test_no_greeting_for_a_player_who_walked_off_before_it_was_due(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    npc.player_left()  # in the same tick: gone before the greeting was due
    village.step()
    assert len(village.spoken) == 1  # the farewell only, no greeting to no one


def test_a_follower_keeps_talking_when_the_player_walks_off(village: Village) -> None:
    npc = village.npc
    npc.player_entered()
    npc.follow()
    request = npc.hear("what is a callback?")
    npc.player_left()
    assert request.active
    village.step(10, player=(400.0, 200.0))
    assert request.state == "done"
    assert npc.position[0] > 200.0  # walking after the player
    village.step(int(ChatNPC.FOLLOW_TIME / DT), player=(400.0, 200.0))
    assert npc.following is None
    village.step(300, player=(400.0, 200.0))
    assert npc.position == npc.home


def test_the_log_keeps_the_last_lines_only() -> None:
    log = ConversationLog(3)
    for n in range(5):
        log.add("You", str(n))
    assert list(log.lines) == [("You", "2"), ("You", "3"), ("You", "4")]
    assert log.version == 5


# -- the LangChain brain in the village (optional extra) --------------------------------------


def test_the_fake_llm_streams_into_the_guides_bubble_and_cancels_on_walking_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("langchain_core")
    from game.app import App
    from game.npc import langchain_brain
    from game.npc.langchain_brain import LangChainBrain

    slow = langchain_brain.fake_llm_runnable
    # Fast enough for a test, slow enough that a reply is still streaming a few ticks in.
    monkeypatch.setattr(langchain_brain, "fake_llm_runnable", lambda: slow(delay=0.002))
    app = App(headless=True, seed=1, brain="fake-llm", render=False)
    try:
        guide = next(n for n in app.scene.npcs if n.key == "guide")
        assert isinstance(guide.brain, LangChainBrain)
        threads: set[int] = set()
        append = guide.bubble.append
        monkeypatch.setattr(
            guide.bubble, "append", lambda t: (threads.add(threading.get_ident()), append(t))
        )
        app.run_ticks(1)
        assert guide.in_range
        replies: list[NpcSpoke] = []
        app.bus.subscribe(NpcSpoke, lambda e: replies.append(e) if e.reply else None)

        request = guide.hear("what is a callback?")
        assert request.active
        assert guide.brain.join(timeout=10)
        app.run_ticks(2)
        assert request.state == "done"
        assert replies[-1].text in langchain_brain.FAKE_REPLIES_EN
        assert threads == {threading.get_ident()}  # tokens reached the bubble on the game thread
        app.run_ticks(200)
        assert guide.bubble.text == replies[-1].text
        assert guide.bubble.revealed == guide.bubble.total

        request = guide.hear("你好")
        # Walked away before the reply is in: whatever the worker has posted is
        # delivered at the end of the step, after the collision that cancels it.
        put = app.scene.player_body
        put.position = (640.0, 400.0)
        app.scene.player.position = app.scene.player.previous = (640.0, 400.0)
        app.run_ticks(1)
        assert not guide.in_range
        assert request.state == "cancelled"
        farewell = guide.bubble.text
        assert guide.brain.join(timeout=10)
        app.run_ticks(30)
        assert guide.bubble.text == farewell
        assert len(replies) == 1
        assert guide.brain.pending == 0
    finally:
        app.close()


def test_stop_actions_end_a_dance_and_a_follow_at_once(village: Village) -> None:
    npc = village.npc
    npc.perform(Action.DANCE)
    village.step(10)
    assert npc.spin != 0.0
    npc.perform(Action.STOP_DANCE)
    assert npc.spin == 0.0
    village.step(10)
    assert npc.spin == 0.0  # the spin timer was cancelled, not just paused
    npc.perform(Action.FOLLOW)
    assert npc.following is not None
    npc.perform(Action.STOP_FOLLOW)
    assert npc.following is None
