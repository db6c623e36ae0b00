"""Bindings files: the bundled one loads; a malformed one gives one clear error."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.assets import BINDINGS
from game.engine.platform.bindings import (
    BindingsError,
    KeyInput,
    PadAxisInput,
    PadButtonInput,
    load_bindings,
    parse_bindings,
)


def test_bundled_bindings_load_with_keys_and_pad_inputs() -> None:
    bindings = load_bindings(BINDINGS)
    assert bindings.actions["move_left"] == (
        KeyInput("left", pygame.K_LEFT),
        KeyInput("a", pygame.K_a),
        PadButtonInput("pad:dpleft", "dpleft"),
        PadAxisInput("pad:leftx-", "leftx", -1),
    )
    for action in ("move_right", "move_up", "move_down", "chat", "pause", "log", "debug", "step"):
        assert bindings.actions[action]
    chat_keys = {i.key for i in bindings.actions["chat"] if isinstance(i, KeyInput)}
    assert {pygame.K_RETURN, pygame.K_t} <= chat_keys
    assert bindings.axes["move_x"].stick == "leftx"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[actions]\njump = ["spacebarr"]', "actions.jump[0]: unknown key name 'spacebarr'"),
        ('[actions]\njump = ["space", "pad:zz"]', "actions.jump[1]: unknown pad input 'pad:zz'"),
        (
            '[actions]\nleft = ["pad:leftx"]',
            "actions.left[0]: pad axis 'pad:leftx' needs a direction",
        ),
        ("[actions]\njump = 3", "actions.jump: expected a list of inputs"),
        ('[actions]\njump = "space"', "actions.jump: expected a list of inputs"),
        ("[actions]\njump = [1]", "actions.jump[0]: expected a string, got int"),
        ("[actions]\njump = []", "actions.jump: the list is empty"),
        ("[actions\njump = []", "not valid TOML"),
        ('[actoins]\njump = ["space"]', "unknown table 'actoins'"),
        ('[axes]\nx = { negative = "a", positive = "b" }', "no [actions] table"),
        (
            '[actions]\nl = ["a"]\nr = ["d"]\n[axes]\nx = { negative = "l", positive = "right" }',
            "axes.x.positive: no action named 'right'",
        ),
        (
            '[actions]\nl = ["a"]\nr = ["d"]\n[axes]\nx = { negative = "l", positive = "r", '
            'stick = "leftx" }',
            "axes.x.stick: expected 'pad:<axis>'",
        ),
        (
            '[actions]\nl = ["a"]\nr = ["d"]\n[axes]\nx = { negative = "l", positive = "r", '
            "deadzone = 1.5 }",
            "axes.x.deadzone: must be in [0, 1)",
        ),
        ('[actions]\nl = ["a"]\n[axes]\nx = 3', "axes.x: expected a table"),
    ],
)
def test_malformed_file_names_the_file_the_key_and_the_problem(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BindingsError) as error:
        load_bindings(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert expected in message


def test_missing_file_is_a_bindings_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(BindingsError, match=r"nothing\.toml: cannot read"):
        load_bindings(tmp_path / "nothing.toml")


def test_key_names_are_case_insensitive_and_mappings_parse_too() -> None:
    bindings = parse_bindings({"go": ["LEFT", "Pad:A", "pad:RightTrigger+"]})
    assert bindings.actions["go"] == (
        KeyInput("left", pygame.K_LEFT),
        PadButtonInput("pad:a", "a"),
        PadAxisInput("pad:righttrigger+", "righttrigger", 1),
    )
