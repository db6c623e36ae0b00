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


class Visitor:
    """Plays the demo like a player, through the App's real input path (for tests)."""

    def __init__(self, app: object) -> None:
        from game.app import App

        assert isinstance(app, App)
        self.app = app
        self.scene = app.scene

    def tap(self, code: int, ticks: int = 1) -> None:
        """Press and release a key, then run ``ticks`` steps."""
        import pygame

        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            self.app.post(pygame.event.Event(kind, key=code, mod=0, unicode="", scancode=0))
        self.app.run_ticks(ticks)

    def hold(self, code: int, ticks: int) -> None:
        """Hold a key down for ``ticks`` steps."""
        import pygame

        self.app.post(pygame.event.Event(pygame.KEYDOWN, key=code, mod=0, unicode="", scancode=0))
        self.app.run_ticks(ticks)
        self.app.post(pygame.event.Event(pygame.KEYUP, key=code, mod=0, unicode="", scancode=0))
        self.app.run_ticks(1)

    def say(self, text: str) -> None:
        """Enter opens the chat box, the text arrives as TEXTINPUT, Enter sends it."""
        import pygame

        self.tap(pygame.K_RETURN)
        self.app.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
        self.app.run_ticks(1)
        self.tap(pygame.K_RETURN)

    def put(self, at: tuple[float, float]) -> None:
        """Put the player at ``at`` (top-left), standing still; the next step notices."""
        self.scene.player_body.position = at
        self.scene.player.position = self.scene.player.previous = at
        self.scene.player.velocity = (0.0, 0.0)
        self.app.run_ticks(1)

    def collect_a_coin(self) -> object:
        """Stand left of a coin on the road and walk right into it; return the coin."""
        import pygame

        from game.demo.entities import Player

        on_the_road = [c for c in self.scene.coins if 232 < c.spot[1] < 296]
        coin = max(on_the_road, key=lambda c: c.spot[0])  # east, away from the hazard
        self.put((coin.spot[0] - 60, coin.spot[1] - Player.SIZE / 2))
        self.hold(pygame.K_RIGHT, 30)
        return coin

    def npc(self, key: str) -> object:
        return next(n for n in self.scene.npcs if n.key == key)

    def go_to(self, key: str) -> None:
        """Stand beside an NPC, inside its talk radius."""
        npc = self.npc(key)
        x, y = npc.position  # type: ignore[attr-defined]
        self.put((x + 40, y))


@pytest.fixture
def visitor() -> Iterator[Visitor]:
    """The demo (no drawing) and a player who walks and talks through real input."""
    from game.app import App

    instance = App(headless=True, seed=1, render=False)
    yield Visitor(instance)
    instance.close()
