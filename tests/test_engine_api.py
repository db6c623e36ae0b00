"""The engine's namespace is its API: every public name in ``game.engine``, loaded lazily."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import game
import game.engine as engine


def _modules_after(statement: str) -> set[str]:
    """Top-level modules a fresh interpreter has loaded after running ``statement``."""
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_importing_game_engine_loads_neither_pygame_nor_numpy() -> None:
    loaded = _modules_after("import game.engine, game")
    assert "pygame" not in loaded
    assert "numpy" not in loaded


def test_the_bus_loop_and_timers_need_neither_pygame_nor_numpy() -> None:
    loaded = _modules_after("from game.engine import EventBus, FixedStepLoop, Timers, CatchUp")
    assert "pygame" not in loaded
    assert "numpy" not in loaded


def test_a_name_loads_its_own_module_only_when_used() -> None:
    assert "numpy" in _modules_after("from game.engine import CollisionWorld")
    assert "pygame" in _modules_after("from game.engine import InputMapper")


def test_all_lists_every_exported_name_and_each_is_the_defining_modules_object() -> None:
    assert sorted(engine.__all__) == sorted(engine._EXPORTS)
    for name, module in engine._EXPORTS.items():
        assert getattr(engine, name) is getattr(importlib.import_module(module), name), name


@pytest.mark.parametrize(
    "name",
    ["InputMapper", "InputTap", "FocusPause", "Bindings", "CatchUp", "Box", "RectLike",
     "CollisionEvent", "DataError", "Replay", "Gamepads", "Viewport"],
)  # fmt: skip
def test_the_issue_names_are_exported(name: str) -> None:
    assert name in engine.__all__


def test_a_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from game.engine import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(engine.__all__)


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'Nope'"):
        engine.Nope  # noqa: B018
    with pytest.raises(AttributeError, match="'Nope'"):
        game.Nope  # type: ignore[attr-defined]  # noqa: B018


def test_game_reexports_the_core_from_the_engine() -> None:
    for name in game.__all__:
        if name != "__version__":
            assert getattr(game, name) is getattr(engine, name)
