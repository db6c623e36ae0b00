"""A player who comes back is welcomed back, at the quest they are on: never the first
greeting's advice again ("Walk around, pick up coins…" at quest 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.app import App
from game.demo.scene import demo_scene
from game.npc.chat import ChatNPC
from tests.app_driver import npc, put_player, say, village_quests

SECOND = 60


def ada(app: App) -> ChatNPC:
    return npc(app, "guide")


def come_back(app: App, quest_index: int) -> str:
    """Leave Ada, let her greeting cool down, be at quest ``quest_index``, come back."""
    guide = ada(app)
    home = app.scene.player.position
    put_player(app, (guide.position[0] + 300, guide.position[1] + 200))  # out of range
    app.run_ticks(round((ChatNPC.GREET_COOLDOWN + 2) * SECOND))
    book = app.scene.quests.book
    book.quest_index, book.step_index, book.progress = quest_index, 0, 0
    put_player(app, home)
    app.run_ticks(1)  # she greets the tick after the player arrives
    assert guide.in_range and guide.bubble.visible
    return guide.bubble.text


def test_the_first_greeting_is_the_greeting(app: App) -> None:
    app.run_ticks(2)
    first = ada(app).bubble.text
    assert first.startswith("Good morning") and "welcome back" not in first.lower()


@pytest.mark.parametrize(
    ("quest", "step"),
    [
        (1, "pick up coins (0/5)"),
        (3, "step on the stone plate north of the bakery's garden fence"),
        (4, "ring the bell in the square: walk into it"),
    ],
)
def test_coming_back_ada_points_at_the_quest_on_now(app: App, quest: int, step: str) -> None:
    app.run_ticks(2)
    line = come_back(app, quest)
    assert step in line
    assert line.startswith(("Welcome back", "Good to see you again"))
    assert "Walk around, pick up coins" not in line


def test_coming_back_after_the_last_quest_the_village_is_yours(app: App) -> None:
    app.run_ticks(2)
    line = come_back(app, len(app.scene.quests.line.quests))
    assert "quest" in line.lower() and "{" not in line


def test_in_chinese_the_welcome_back_is_chinese_with_the_chinese_step(app: App) -> None:
    guide = ada(app)
    app.run_ticks(2)
    guide.hear("你好")  # she now speaks Chinese with the player
    app.run_ticks(5 * SECOND)
    line = come_back(app, 4)
    assert line.startswith(("欢迎回来", "又见面了")) and "敲响广场上的钟：走过去碰它" in line


def test_walking_up_with_the_bread_the_welcome_back_names_the_step_after_the_delivery(
    tmp_path: Path,
) -> None:
    # The delivery and the arrival are one collision, in one tick: the greeting waits a
    # tick, so it names the step the delivery led to, not "bring the bread to Ada".
    path = tmp_path / "bread.toml"
    path.write_text(village_quests("bread", "door"), encoding="utf-8")
    app = App(demo_scene(quests=path), headless=True, seed=1, render=False)
    try:
        app.run_ticks(2)  # Ada's first greeting
        guide, book = ada(app), app.scene.quests.book
        home = app.scene.player.position
        put_player(app, (820, 250))  # at Bruno's
        say(app, "I want to buy bread")
        app.run_ticks(round((ChatNPC.GREET_COOLDOWN + 2) * SECOND))  # Ada's greeting cools
        assert (book.quest_index, book.step_index) == (0, 1)  # the loaf in hand
        put_player(app, home)
        app.run_ticks(1)
        assert book.quest_index == 1  # delivered: on to the plate and the gate
        assert "stone plate" in guide.bubble.text and "bread" not in guide.bubble.text
    finally:
        app.close()
