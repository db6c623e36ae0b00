"""Headless from the first import: SDL's dummy drivers before pygame loads."""

from __future__ import annotations

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from collections.abc import Iterator

import pytest
from hypothesis import settings

from game.engine.events import EventBus

settings.register_profile("ci", deadline=None, derandomize=True, max_examples=100)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _records_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test may touch the player's real best times: records go to a temporary folder."""
    monkeypatch.setenv("CALLBACK_QUEST_DATA_DIR", str(tmp_path_factory.mktemp("records")))


@pytest.fixture
def bus() -> EventBus:
    """A bus that raises handler errors, as tests want."""
    return EventBus(on_error="raise")


@pytest.fixture
def app() -> Iterator[object]:
    """The demo app on the dummy driver, closed afterwards."""
    from game.app import App

    instance = App(headless=True, seed=1)
    yield instance
    instance.close()


@pytest.fixture
def game() -> Iterator[object]:
    """The demo without drawing frames (the simulation is the same, see test_app), closed
    afterwards; tests/app_driver.py plays it like a player."""
    from game.app import App

    instance = App(headless=True, seed=1, render=False)
    yield instance
    instance.close()
