"""The village's quest line played in the demo: the bot finishes it, each mechanic reacts."""

from __future__ import annotations

import pygame
import pytest

from game.app import App
from game.demo.bell import BELL
from game.demo.daylight import DAY_LENGTH
from game.demo.errands import Errands
from game.demo.feedback import FloatingPoints
from game.demo.hazard import HazardPatrol
from game.demo.help import ControlsHelp
from game.demo.lamps import LAMP_SPOTS, Lamps
from game.demo.overlays import Overlays
from game.demo.toast import Toast
from game.quests import ItemDelivered, Signal, StepCompleted, TimerFired
from tests.app_driver import npc, put_player, say, tap
from tests.quest_events import canonical_events

SECOND = 60


def signals(app: App) -> list[Signal | TimerFired | ItemDelivered | StepCompleted]:
    heard: list[Signal | TimerFired | ItemDelivered | StepCompleted] = []
    for kind in (Signal, TimerFired, ItemDelivered, StepCompleted):
        app.bus.subscribe(kind, heard.append)
    return heard


# -- the whole game --------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_bot_finishes_the_quest_line_then_plays_on(seed: int) -> None:
    app = App(headless=True, seed=seed, autoplay=True, render=False)
    try:
        chats = 0
        while app.loop.tick < 900 * SECOND and (
            app.scene.ending.result is None or app.scene.ending.visible
        ):
            app.run_ticks(10 * SECOND)
            chats = app.event_counts["ChatSubmitted"]
        app.run_ticks(30 * SECOND)  # free play goes on
        summary = app.summary()
        ending = app.scene.ending
    finally:
        app.close()
    assert summary["game_completed"] is True
    assert summary["quests_completed"] == summary["quests_total"] >= 5
    assert 0 < summary["completed_at_tick"] < 900 * SECOND
    assert summary["handler_errors"] == 0
    assert not ending.visible  # the bot pressed Enter: free play
    assert ending.result is not None and ending.result[4]["Quest steps (StepCompleted)"] > 5
    assert summary["events"]["ChatSubmitted"] > chats  # it chats on in free play


def test_the_summary_says_no_quest_is_done_at_the_start(game: App) -> None:
    summary = game.summary()
    assert summary["quests_completed"] == 0 and summary["game_completed"] is False
    assert summary["completed_at_tick"] is None and summary["quests_total"] >= 5


def test_saying_hello_to_ada_finishes_the_first_quest_and_pays_and_explains(game: App) -> None:
    scene = game.scene
    put_player(game, (560, 270))
    say(game, "hello")
    game.run_ticks(2)
    assert scene.quests.book.quest_index == 1
    assert scene.scoreboard.score == scene.quests.line.quests[0].points
    assert scene.quests.note is not None
    assert any("on_start" in text for _who, text in scene.log.lines)


# -- errands, the bell, the lamps -----------------------------------------------------------


def test_an_item_goes_to_whom_it_is_for_on_walking_up_to_them(game: App) -> None:
    errands = game.scene.mechanic(Errands)
    heard = signals(game)
    put_player(game, (300, 400))
    game.bus.post(StepCompleted("q", "s", 0, ("bread", "guide")))
    game.run_ticks(1)
    assert errands.carried == [("bread", "guide")]
    put_player(game, (820, 250))  # Bruno's: not for him
    assert errands.carried == [("bread", "guide")]
    put_player(game, (560, 270))  # Ada's
    assert errands.carried == []
    assert ItemDelivered("bread", "guide") in heard


def test_an_item_given_beside_its_recipient_is_handed_over_at_once(game: App) -> None:
    heard = signals(game)
    put_player(game, (820, 250))
    assert npc(game, "baker").in_range
    game.bus.post(StepCompleted("q", "s", 0, ("coins", "baker")))
    game.run_ticks(1)
    assert ItemDelivered("coins", "baker") in heard


def test_one_bell_three_listeners_each_answering_through_its_own_callback(game: App) -> None:
    heard = signals(game)
    put_player(game, (BELL[0] - 40, BELL[1]))
    put_player(game, (BELL[0], BELL[1]))
    assert Signal("bell", "player") in heard
    game.run_ticks(2 * SECOND)
    assert sorted(e.source for e in heard if isinstance(e, Signal) and e.name == "bell_heard") == [
        "baker",
        "guide",
        "slime",
    ]
    put_player(game, (BELL[0] - 40, BELL[1]))
    put_player(game, (BELL[0], BELL[1]))  # within the cooldown: no second ring
    assert [e for e in heard if e == Signal("bell", "player")] == [Signal("bell", "player")]


def test_lamps_light_only_in_the_dark_then_a_repeating_timer_lights_the_rest(game: App) -> None:
    lamps = game.scene.mechanic(Lamps)
    heard = signals(game)
    x, y = LAMP_SPOTS[0]
    put_player(game, (x - 50, y - 20))
    put_player(game, (x - 14, y - 20))
    assert not any(lamps.lit) and game.scene.mechanic(Toast).text  # daylight: "at dusk"
    put_player(game, (x - 50, y - 20))
    game.run_ticks(round(DAY_LENGTH * 11.5 / 24 * SECOND))  # 08:00 → 19:30
    assert game.scene.day.dark and Signal("dusk", "sun") in heard
    put_player(game, (x - 14, y - 20))
    assert lamps.lit[0] and Signal("lamp_lit", "player") in heard
    game.run_ticks(2 * SECOND)
    assert all(lamps.lit)
    assert [e for e in heard if isinstance(e, TimerFired)] == [TimerFired("lamp fuse")] * 3


# -- feedback ---------------------------------------------------------------------------------


def test_a_slime_hit_floats_minus_five_flashes_and_blips(game: App) -> None:
    scene = game.scene
    blips = game.blips.played
    hazard = scene.mechanic(HazardPatrol)
    hx, hy = scene.hazard.position
    put_player(game, (hx, hy))
    game.run_ticks(SECOND // 2)
    assert scene.scoreboard.hazard_hits == 1
    assert [f[0] for f in scene.mechanic(FloatingPoints).floating] == ["\u22125"]
    assert hazard.hit_at >= 0
    assert game.blips.played == blips + 2


def test_the_controls_help_goes_once_the_player_walked_and_talked_and_f1_toggles(
    game: App,
) -> None:
    help_panel = game.scene.mechanic(ControlsHelp)
    assert help_panel.visible
    tap(game, pygame.K_RIGHT)
    assert help_panel.visible and help_panel.done == {"walked"}
    put_player(game, (560, 270))
    say(game, "hi")
    assert not help_panel.visible
    tap(game, pygame.K_F1)
    assert help_panel.visible


def test_the_hint_follows_the_language_the_player_types_in(game: App) -> None:
    scene = game.scene
    put_player(game, (560, 270))
    say(game, "你好")
    overlays = scene.mechanic(Overlays)
    assert scene.language.code == "zh"
    game.run_ticks(4 * SECOND)
    assert overlays.hint().startswith("按回车")
    assert scene.quests.tracker().startswith("任务")


def test_j_opens_the_quest_log_in_both_languages(game: App) -> None:
    quests = game.scene.quests
    tap(game, pygame.K_j)
    assert quests.panel.visible
    head = quests.log_lines()[0][0]
    assert "Hello, Ada" in head and "你好，艾达" in head


# -- the ending ---------------------------------------------------------------------------


def test_the_completion_card_shows_time_and_score_and_enter_gives_free_play(game: App) -> None:
    scene = game.scene
    book = scene.quests.book
    line = book.line
    # Finish every step by its own event, as the engine's tests do.
    for event in canonical_events(line, game.world):
        game.bus.publish(event)
        game.bus.flush()
    game.run_ticks(1)
    assert book.finished and scene.ending.visible
    seconds, score, faster, higher, _counts = scene.ending.result or (0, 0, 0, 0, {})
    assert seconds > 0 and faster and higher
    assert scene.records.best_score == score
    tap(game, pygame.K_LEFT)  # swallowed while the card is up
    assert scene.ending.visible and scene.player.velocity == (0.0, 0.0)
    tap(game, pygame.K_RETURN)
    assert not scene.ending.visible and not scene.chat.is_open


# -- the bot hands over ---------------------------------------------------------------------


def test_in_a_window_a_player_key_takes_over_from_the_bot_and_f2_gives_it_back() -> None:
    app = App(headless=True, seed=1, autoplay=True, render=False)
    try:
        app.headless = False  # the hand-over is for windows; the logic is the same
        app.run_ticks(30)
        assert app.bot_playing
        tap(app, pygame.K_DOWN)
        assert not app.bot_playing
        app.run_ticks(20)  # the bot's keys were let go: the player stops
        position = app.scene.player.position
        app.run_ticks(30)
        assert app.scene.player.position == position
        tap(app, pygame.K_F2)
        assert app.bot_playing
    finally:
        app.close()
