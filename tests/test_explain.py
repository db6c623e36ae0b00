"""Ada explains the wiring: "what just happened?" and "who listens to X?", read from the bus."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from game.app import App
from game.engine.collisions import CollisionWorld
from game.engine.events import Event, EventBus
from game.npc.explain import BusExplainer, ExplainError, load_words
from game.widgets.chat_events import ChatSubmitted
from tests.app_driver import collect_a_coin, go_to, say

SECONDS = 60  # ticks: long enough for a bubble to type any of these answers


def ask(game: App, npc: str, text: str) -> str:
    """Say ``text`` beside ``npc`` and return what it answered (from the conversation log)."""
    go_to(game, npc)
    before = len(game.scene.log.lines)
    say(game, text)
    game.run_ticks(SECONDS)
    said = [line for who, line in list(game.scene.log.lines)[before:] if who != "You"]
    assert said, f"no answer to {text!r}"
    return said[-1]


# -- through the game -------------------------------------------------------------------


def test_after_a_coin_ada_says_what_just_happened_in_english(game: App) -> None:
    collect_a_coin(game)
    assert game.scene.scoreboard.score == 10
    answer = ask(game, "guide", "what just happened?")
    assert answer.startswith("You walked into a coin: the collision world published ")
    assert "CollisionEnter(player, coin)" in answer
    assert "Coins.collect, subscribed to it, added 10 points" in answer


def test_after_a_coin_ada_says_what_just_happened_in_chinese(game: App) -> None:
    collect_a_coin(game)
    answer = ask(game, "guide", "刚才发生了什么？")
    assert answer.startswith("你走到了一枚金币上：碰撞世界发布了 CollisionEnter(player, coin)")
    assert "订阅了它的 Coins.collect 给你加了 10 分" in answer


def test_talking_to_ada_is_not_what_just_happened(game: App) -> None:
    """Walking up to her and the question itself are part of talking; the coin was last."""
    collect_a_coin(game)
    ask(game, "guide", "what is a callback?")
    assert "a coin" in ask(game, "guide", "what happened just now?")


def test_with_nothing_to_tell_ada_says_so(game: App) -> None:
    assert ask(game, "guide", "what just happened?").startswith("Nothing much")
    assert ask(game, "guide", "刚才发生了什么").startswith("没发生什么特别的")


def test_ada_tells_who_listens_to_an_event_from_the_live_subscriptions(game: App) -> None:
    handlers = [s for s in game.bus.subscriptions(ChatSubmitted) if s.event_type is not Event]
    answer = ask(game, "guide", "who listens to ChatSubmitted?")
    assert answer.startswith(f"ChatSubmitted goes to {len(handlers)} handlers, in call order: ")
    assert "Conversations.say (1 so far)" in answer
    assert "App._count_event" in answer and "see every event" in answer

    heard: list[ChatSubmitted] = []

    def overhear(event: ChatSubmitted) -> None:
        heard.append(event)

    game.bus.subscribe(ChatSubmitted, overhear)
    answer = ask(game, "guide", "who listens to chat submitted")
    assert f"{len(handlers) + 1} handlers, in call order: " in answer
    assert answer.index("Conversations.say") < answer.index("overhear (0 so far)")


def test_ada_tells_who_listens_in_chinese_with_the_layer_pairs(game: App) -> None:
    collect_a_coin(game)
    answer = ask(game, "guide", "谁在监听碰撞？")
    assert answer.startswith("CollisionEnter 会按调用顺序送到 ")
    assert "(player, coin) → Coins.collect（到目前为止 1 次）" in answer
    assert "(player, hazard) → HazardPatrol.knock_back" in answer


def test_other_questions_still_get_the_dialogue_answers(game: App) -> None:
    answer = ask(game, "guide", "what is a callback?")
    assert "published" not in answer and "handler" not in answer.lower()


def test_bruno_leaves_the_wiring_to_ada(game: App) -> None:
    collect_a_coin(game)
    assert "CollisionEnter" not in ask(game, "baker", "what just happened?")


# -- the explainer on its own ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ping(Event):
    n: int = 0


def test_unknown_events_and_other_lines_are_not_answered() -> None:
    explainer = BusExplainer(EventBus())
    assert explainer.answer("who listens to Gizmo?", "en") is None
    assert explainer.answer("how do timers work?", "en") is None
    assert explainer.answer("你好", "zh") is None


def test_a_handler_without_words_is_named_and_said_to_have_run() -> None:
    bus = EventBus(on_error="raise")
    bus.start_tracing()
    world = CollisionWorld(bus)

    def ring_bell(player: object, bell: object) -> None:
        pass

    world.on_enter("player", "bell", ring_bell)
    world.add((0, 0, 10, 10), layer="player")
    world.add((5, 5, 10, 10), layer="bell")
    world.update()
    answer = BusExplainer(bus).what_just_happened("en")
    assert answer == (
        "You walked into bell: the collision world published CollisionEnter(player, bell), "
        "and test_a_handler_without_words_is_named_and_said_to_have_run.<locals>.ring_bell, "
        "subscribed to it, ran."
    )


def test_an_event_no_one_reacted_to_is_skipped_for_the_last_one_someone_did() -> None:
    bus = EventBus(on_error="raise")
    bus.start_tracing()
    bus.subscribe(Ping, lambda e: None)
    bus.subscribe(Event, lambda e: None)  # a monitor: sees everything, reacts to nothing
    bus.publish(Ping(1))
    bus.publish(Event())
    answer = BusExplainer(bus).what_just_happened("en")
    assert answer.startswith("Something happened: the game published Ping(n=1)")


def test_the_words_file_covers_the_demos_collision_and_talk_handlers() -> None:
    words = load_words()
    for name in ("Coins.collect", "HazardPatrol.knock_back", "Conversations.approach"):
        assert set(words.handlers[name]) >= {"en", "zh"}


def test_a_broken_words_file_names_the_table_and_key(tmp_path: Path) -> None:
    broken = tmp_path / "explain.toml"
    broken.write_text('[handlers]\n"Coins.collect" = { en = "scored" }\n', encoding="utf-8")
    with pytest.raises(ExplainError, match=r"\[handlers\] 'Coins.collect' needs en and zh"):
        load_words(broken)


# -- wired into the guide's intent table ---------------------------------------------------


def test_paraphrases_reach_the_live_answers_through_the_intent_table(game: App) -> None:
    collect_a_coin(game)
    assert "Coins.collect" in ask(game, "guide", "why did my score change?")
    assert "Coins.collect" in ask(game, "guide", "刚才是怎么回事")
    assert ask(game, "guide", "who handles key presses").startswith("KeyDown goes to ")
    assert ask(game, "guide", "who gets the collision events").startswith("CollisionEnter ")


def test_asked_who_listens_without_an_event_the_guide_asks_which() -> None:
    explainer = BusExplainer(EventBus())
    assert explainer.answer("who reacts to the thing?", "en", "who_listens") == (
        explainer.answer("who reacts to it?", "en", "who_listens")
    )
    assert str(explainer.answer("谁在监听那个？", "zh", "who_listens")).startswith("哪个事件？")


def test_without_a_running_game_ada_says_she_reads_it_off_the_bus() -> None:
    from game.npc.terminal import run_chat

    lines = io.StringIO("what just happened?\n刚才发生了什么？\n")
    out = io.StringIO()
    assert run_chat("guide", stdin=lines, stdout=out) == 0
    en, zh = out.getvalue().splitlines()
    assert en.startswith("Ada: I read that off the event bus while the game runs")
    assert zh.startswith("Ada: 这要在游戏运行时从事件总线上读出来")


def test_a_dialogue_intent_with_an_unknown_live_question_is_refused() -> None:
    from game.npc.dialogue import DialogueError, parse_dialogue

    text = """
[npc]
name = "Ada"
name_zh = "艾达"
[fallback]
en = ["?"]
zh = ["？"]
[intents.oops]
live = "what_time_is_it"
examples = ["what time is it", "几点了"]
en = ["x"]
zh = ["x"]
"""
    with pytest.raises(DialogueError, match="unknown 'live' 'what_time_is_it'"):
        parse_dialogue(text)
