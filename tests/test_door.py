"""The documented example mechanic: a plate that opens a door 3 s of game time later."""

from __future__ import annotations

import random

import pygame
import pytest

from game.app import App
from game.demo.autoplay import Autoplay
from game.demo.door import DOOR, OPEN_DELAY, OPEN_TIME, PLATE, PlateDoor
from game.demo.entities import Player
from game.engine.collisions import Box
from tests.app_driver import put_player

SECOND = 60
NORTH_OF_DOOR = (691.0, 66.0)  # top-left of the player, just north of the gate
SOUTH_OF_DOOR = (705.0, 150.0)  # a point in the garden, just south of it


def player_box(app: App) -> Box:
    x, y = app.scene.player.position  # type: ignore[attr-defined]
    return Box(x, y, Player.SIZE, Player.SIZE)


def step_on_the_plate(app: App) -> int:
    """Stand on the plate; return the tick whose collision phase saw it."""
    put_player(app, (PLATE[0], PLATE[1]))
    return app.loop.tick - 1


def test_the_door_is_one_line_in_the_scene(game: App) -> None:
    door = game.scene.mechanic(PlateDoor)  # type: ignore[attr-defined]
    assert not door.is_open
    assert game.world.query_rect(DOOR, mask="door")  # a solid collider in the gap


def test_stepping_on_the_plate_opens_the_door_3_s_of_game_time_later(game: App) -> None:
    door = game.scene.mechanic(PlateDoor)  # type: ignore[attr-defined]
    pressed_at = step_on_the_plate(game)
    assert door.opening is not None and not door.is_open
    put_player(game, NORTH_OF_DOOR)  # stepping off changes nothing
    delay = round(OPEN_DELAY * SECOND)
    game.run_ticks(pressed_at + delay - game.loop.tick)
    assert not door.is_open  # 3 s less one step
    game.run_ticks(1)
    assert door.is_open  # exactly 3 s of game time after the step that saw the plate
    assert not game.world.query_rect(DOOR, mask="door")


def test_stepping_on_the_plate_again_does_not_restart_the_timer(game: App) -> None:
    door = game.scene.mechanic(PlateDoor)  # type: ignore[attr-defined]
    pressed_at = step_on_the_plate(game)
    timer = door.opening
    put_player(game, NORTH_OF_DOOR)
    step_on_the_plate(game)
    assert door.opening is timer
    game.run_ticks(pressed_at + round(OPEN_DELAY * SECOND) + 1 - game.loop.tick)
    assert door.is_open


def walk(app: App, bot: Autoplay, ticks: int) -> bool:
    """Let the bot play ``ticks`` steps; return whether the player crossed the doorway."""
    crossed = False
    for _ in range(ticks):
        bot.before_tick(app.loop.tick)
        app.run_ticks(1)
        crossed |= player_box(app).overlaps(DOOR)
    return crossed


def test_the_bot_walks_round_the_closed_door_and_through_the_open_one(game: App) -> None:
    bot = game.scene.make_bot(game.post, random.Random(0))  # type: ignore[attr-defined]
    assert isinstance(bot, Autoplay)
    put_player(game, NORTH_OF_DOOR)
    bot.go_to(SOUTH_OF_DOOR)
    assert not walk(game, bot, SECOND)  # closed: its plan goes the long way round
    assert player_box(game).y < DOOR[1]  # still north of the fence

    step_on_the_plate(game)
    game.run_ticks(round(OPEN_DELAY * SECOND))
    assert game.scene.mechanic(PlateDoor).is_open  # type: ignore[attr-defined]
    put_player(game, NORTH_OF_DOOR)
    bot.go_to(SOUTH_OF_DOOR)
    assert walk(game, bot, SECOND)  # the next plan asks the world: the gap is free
    x, y = player_box(game).x + Player.SIZE / 2, player_box(game).y + Player.SIZE / 2
    assert abs(x - SOUTH_OF_DOOR[0]) < 12 and abs(y - SOUTH_OF_DOOR[1]) < 12


def test_the_door_has_its_own_part_of_the_state_hash(game: App) -> None:
    before = game.state_parts()["door"]
    step_on_the_plate(game)
    assert game.state_parts()["door"] != before


def test_the_demo_declares_its_layer_pairs(game: App) -> None:
    with pytest.raises(ValueError, match="never lets these layers meet"):
        game.world.on_enter("coin", "hazard", lambda a, b: None)
    with pytest.raises(ValueError, match="unknown layer 'cloud'"):
        game.world.add((0, 0, 1, 1), layer="cloud")


def test_the_open_door_shuts_when_its_timer_fires_and_the_plate_opens_it_again(game: App) -> None:
    door = game.scene.mechanic(PlateDoor)  # type: ignore[attr-defined]
    step_on_the_plate(game)
    put_player(game, NORTH_OF_DOOR)
    game.run_ticks(round(OPEN_DELAY * SECOND))
    assert door.is_open
    game.run_ticks(round(OPEN_TIME * SECOND) - 2)
    assert door.is_open
    game.run_ticks(2)
    assert not door.is_open and game.world.query_rect(DOOR, mask="door")
    step_on_the_plate(game)
    assert door.pressed_down()


def test_the_door_does_not_shut_on_someone_standing_in_the_gap(game: App) -> None:
    door = game.scene.mechanic(PlateDoor)  # type: ignore[attr-defined]
    step_on_the_plate(game)
    game.run_ticks(round(OPEN_DELAY * SECOND))
    put_player(game, (DOOR[0] + 10, DOOR[1] - 10))  # in the gap
    game.run_ticks(round(OPEN_TIME * SECOND) + SECOND)
    assert door.is_open  # it waits
    put_player(game, SOUTH_OF_DOOR)
    game.run_ticks(SECOND)
    assert not door.is_open


def test_the_doorway_is_touched_only_through_the_open_door(game: App) -> None:
    entered: list[object] = []
    game.world.on_enter("player", "doorway", lambda a, b: entered.append(b))
    put_player(game, NORTH_OF_DOOR)
    game.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN, mod=0, unicode="", scancode=0))
    game.run_ticks(SECOND)
    assert not entered  # shut: the player is stopped at the door
    step_on_the_plate(game)
    put_player(game, NORTH_OF_DOOR)
    game.run_ticks(round(OPEN_DELAY * SECOND) + SECOND)
    assert entered
