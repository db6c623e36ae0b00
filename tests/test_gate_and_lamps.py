"""The quests a newcomer had to guess at: the gate, the lamps at dusk, and bubbles in the way.

Played through the App contract, headless: keys, text and the player's position in,
the scene's state out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.app import App
from game.demo.daylight import DAY_LENGTH, DAY_START_HOUR, DUSK_HOUR
from game.demo.door import DOOR, OPEN_DELAY, OPEN_TIME, PLATE, PlateDoor
from game.demo.entities import Hazard, Player
from game.demo.lamps import DUSK, LAMP_SPOTS, NOT_YET, Lamps
from game.demo.quests import SEE_THROUGH
from game.demo.scene import demo_scene
from game.demo.toast import Toast
from game.demo.village import LAYOUT
from tests.app_driver import hold, npc, put_player, say, village_quests

SECOND = 60
DUSK_AT = (DUSK_HOUR - DAY_START_HOUR) / 24 * DAY_LENGTH  # game seconds from the start


@pytest.fixture
def game() -> Iterator[App]:
    instance = App(headless=True, seed=1, render=False)
    yield instance
    instance.close()


@pytest.fixture
def door_quest(tmp_path: Path) -> Iterator[App]:
    """The demo whose quest line starts at the village's quest 4 (plate and gate)."""
    path = tmp_path / "door.toml"
    path.write_text(village_quests("door", "lamps"), encoding="utf-8")
    instance = App(demo_scene(quests=path), headless=True, seed=1, render=False)
    yield instance
    instance.close()


@pytest.fixture
def lamps_quest(tmp_path: Path) -> Iterator[App]:
    """The demo whose quest line is the village's quest 6 (lamps at dusk)."""
    path = tmp_path / "lamps.toml"
    path.write_text(village_quests("lamps"), encoding="utf-8")
    instance = App(demo_scene(quests=path), headless=True, seed=1, render=False)
    yield instance
    instance.close()


def tracker(app: App) -> str:
    return app.scene.quests.tracker().split(": ", 1)[1]


def run_to(app: App, seconds: float) -> None:
    """Run until ``seconds`` of game time have passed since the start."""
    app.run_ticks(round(seconds * SECOND) - app.loop.tick)


# -- quest 4: the gate ---------------------------------------------------------------------


def test_the_gate_tracker_counts_down_to_opening_then_to_shutting_then_says_it_shut(
    door_quest: App,
) -> None:
    app = door_quest
    assert "plate" in tracker(app)
    put_player(app, (PLATE[0], PLATE[1]))
    seen = []
    for _ in range(round((OPEN_DELAY + OPEN_TIME) * SECOND) + 2 * SECOND):
        app.run_ticks(1)
        if not seen or seen[-1] != tracker(app):
            seen.append(tracker(app))
    assert seen == [
        "Gate opens in 3 s…",
        "Gate opens in 2 s…",
        "Gate opens in 1 s…",
        *(f"Gate open: {n} s left — go through!" for n in range(6, 0, -1)),
        "The gate shut: step on the plate again",
    ]
    put_player(app, (PLATE[0] + 60, PLATE[1]))
    put_player(app, (PLATE[0], PLATE[1]))  # again: the countdown starts over
    assert tracker(app) == "Gate opens in 3 s…"


def test_the_gate_tracker_speaks_chinese_after_a_chinese_line(door_quest: App) -> None:
    app = door_quest
    say(app, "你好")  # nobody near: only the UI language changes
    put_player(app, (PLATE[0], PLATE[1]))
    assert tracker(app) == "门 3 秒后打开……"
    app.run_ticks(round(OPEN_DELAY * SECOND))
    assert tracker(app) == "门开了：还剩 6 秒，快穿过去！"


def test_from_the_plate_the_player_walks_straight_east_then_south_through_the_gate(
    door_quest: App,
) -> None:
    app = door_quest
    door = app.scene.mechanic(PlateDoor)
    put_player(app, (PLATE[0], PLATE[1] - 8))  # on its north half, where the tree stood
    assert door.pressed_down()
    hold(app, pygame.K_RIGHT, SECOND)  # nothing in the way but the green house's wall
    x, y = app.scene.player.position
    assert DOOR[0] <= x and x + Player.SIZE <= DOOR[0] + DOOR[2], (x, y)  # over the gap
    app.run_ticks(round(OPEN_DELAY * SECOND))
    assert door.is_open
    hold(app, pygame.K_DOWN, SECOND)
    assert app.scene.quests.book.quest_index == 1  # quest 4 done: the lamps are next
    assert app.scene.player.position[1] > DOOR[1]


def test_the_gate_shows_whether_it_is_shut_or_open(door_quest: App) -> None:
    app = door_quest
    door = app.scene.mechanic(PlateDoor)
    gap = pygame.Rect(DOOR).inflate(-16, 0)  # between the posts

    def picture() -> bytes:
        surface = pygame.Surface((960, 540))
        surface.fill((0, 0, 0))
        door.draw(surface, 0.0)
        return pygame.image.tobytes(surface.subsurface(gap), "RGB")

    shut = picture()
    assert shut.count(b"\x00\x00\x00") < len(shut) // 3 // 4  # the leaves fill the gap
    put_player(app, (PLATE[0], PLATE[1]))
    app.run_ticks(round(OPEN_DELAY * SECOND) + SECOND)
    opened = picture()
    assert opened.count(b"\x00\x00\x00") > len(opened) // 3 // 2  # swung aside: a gap


def test_while_the_gates_timers_run_no_bubble_or_label_covers_the_plate_or_the_gate(
    tmp_path: Path,
) -> None:
    path = tmp_path / "door.toml"
    path.write_text(village_quests("door"), encoding="utf-8")
    app = App(demo_scene(quests=path), headless=True, seed=1)  # drawn: the layout runs
    try:
        door = app.scene.mechanic(PlateDoor)
        put_player(app, (PLATE[0], PLATE[1]))
        (_, clear, _), *_ = door.text_rects()
        assert clear.contains(pygame.Rect(DOOR)) and clear.contains(pygame.Rect(PLATE))
        for who in ("guide", "baker"):  # long lines, as over Ada's and Bruno's heads
            npc(app, who).bubble.say("A long line for the square to read, " * 3)
        shown = 0
        for _ in range(round((OPEN_DELAY + OPEN_TIME) * SECOND)):
            app.run_ticks(1)
            texts = [e for e in app.visible_text() if e[0] in ("bubble", "label")]
            assert not [e for e in texts if e[2].colliderect(clear)], texts
            shown += sum(e[0] == "bubble" for e in texts)
        assert shown > 2 * SECOND  # the bubbles were placed elsewhere, not just hidden
    finally:
        app.close()


# -- quest 6: lamps at dusk ----------------------------------------------------------------


def touch_post(app: App, n: int) -> None:
    x, y = LAMP_SPOTS[n]
    put_player(app, (x - 14, y - 20))


def test_a_player_already_touching_a_lamp_post_when_dusk_comes_lights_it(
    lamps_quest: App,
) -> None:
    app = lamps_quest
    lamps = app.scene.mechanic(Lamps)
    run_to(app, DUSK_AT - 3)
    touch_post(app, 0)  # too early...
    assert not lamps.lit[0]
    run_to(app, DUSK_AT + 0.1)  # ...and stays there, never stepping off
    assert app.scene.day.dark and lamps.lit[0]
    assert app.scene.quests.book.step_index == 1  # the quest's first step is done


def test_touching_a_lamp_too_early_says_so_every_time(game: App) -> None:
    toast = game.scene.mechanic(Toast)
    for n in (0, 1, 0):
        touch_post(game, n)
        assert toast.text == NOT_YET["en"]
        put_player(game, (466.0, 300.0))
        game.run_ticks(4 * SECOND)  # the toast has gone
        assert toast.text == ""


def test_dusk_is_announced_and_the_village_is_plainly_darker_at_once(game: App) -> None:
    day = game.scene.day
    run_to(game, DUSK_AT - 1 / SECOND)
    assert not day.dark and day.darkness() == 0
    game.run_ticks(2)
    assert day.dark and day.darkness() >= 3  # half of the night's tint, from the first tick
    assert game.scene.mechanic(Toast).text == DUSK["en"]
    assert day.clock().endswith("18:40")


def test_waiting_for_dusk_the_tracker_counts_down_and_suggests_something(
    lamps_quest: App,
) -> None:
    app = lamps_quest
    run_to(app, DUSK_AT - 35)
    assert tracker(app) == "Dusk at 18:40 (in 35 s): meanwhile ask Ada how timers work"
    run_to(app, DUSK_AT + 0.1)
    assert tracker(app) == "It is dark: touch a lamp post by the road"


def test_a_welcome_back_names_the_step_as_the_tracker_says_it_now(lamps_quest: App) -> None:
    # Before dusk the step's own text ("It is dark: ...") is not true yet.
    app = lamps_quest
    run_to(app, DUSK_AT - 35)
    assert app.scene.quests.step_text("en") == (
        "dusk at 18:40 (in 35 s): meanwhile ask Ada how timers work"
    )
    assert app.scene.quests.step_text("zh").startswith("18:40 黄昏（还有 35 秒）")
    run_to(app, DUSK_AT + 0.1)
    assert app.scene.quests.step_text("en") == "it is dark: touch a lamp post by the road"


# -- bubbles and the slime -------------------------------------------------------------------


def test_an_npcs_reply_fades_once_read_while_the_player_stays_next_to_them(game: App) -> None:
    bruno = npc(game, "baker")
    put_player(game, (800.0, 200.0))
    game.run_ticks(30 * SECOND)  # his greeting comes and goes
    say(game, "I want to buy bread")
    game.run_ticks(SECOND)
    assert bruno.bubble.visible and bruno.in_range
    reading = bruno.bubble.read_time
    game.run_ticks(round((reading + bruno.bubble.fade_time) * SECOND) + 2)
    assert bruno.in_range and not bruno.bubble.visible


def test_the_slime_patrols_the_west_road_and_never_enters_the_square(game: App) -> None:
    square = pygame.Rect(LAYOUT.paths[2])
    put_player(game, (900.0, 500.0))  # out of its way
    east = 0.0
    for _ in range(40):
        game.run_ticks(SECOND // 2)
        x, _y = game.scene.hazard.position
        east = max(east, x + Hazard.SIZE)
    assert 300 < east < square.left


def test_the_quest_log_shows_the_live_line_in_both_languages(door_quest: App) -> None:
    put_player(door_quest, (PLATE[0], PLATE[1]))
    rows = dict(door_quest.scene.quests.log_lines())
    assert rows["→ Before the door shuts · 赶在门关上之前"] == "Gate opens in 3 s…\n门 3 秒后打开……"


def test_the_tracker_turns_see_through_while_the_player_walks_under_it(tmp_path: Path) -> None:
    path = tmp_path / "door.toml"
    path.write_text(village_quests("door"), encoding="utf-8")
    app = App(demo_scene(quests=path), headless=True, seed=1)  # drawn
    try:
        quests = app.scene.quests
        put_player(app, (PLATE[0], PLATE[1]))
        assert quests._tracker_pill()[1].get_alpha() in (None, 255)  # the plate is clear of it
        put_player(app, (120.0, 40.0))  # north of the inn, under the tracker
        assert quests._tracker_pill()[1].get_alpha() == SEE_THROUGH
        put_player(app, (120.0, 200.0))
        assert quests._tracker_pill()[1].get_alpha() in (None, 255)
    finally:
        app.close()
