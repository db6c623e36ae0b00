"""For the demo tests: play the App the way a player does, through its real input path.

Keys and typed text are posted pygame events (``app.post``) and the loop runs with
``app.run_ticks``; only :func:`put_player` takes a short cut, setting the player's
collider to reach a spot quickly. ``run`` is how the steps after an input are run:
``App.run_ticks``, or a test's own that checks every frame.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.app import App
from game.demo.entities import Coin, Player
from game.demo.quests import QUEST_FILE
from game.npc.chat import ChatNPC

Run = Callable[[App, int], object]


def key(kind: int, code: int, mod: int = 0) -> pygame.event.Event:
    """A ``KEYDOWN``/``KEYUP`` event for ``code``, as SDL posts it for a key with no text."""
    return pygame.event.Event(kind, key=code, mod=mod, unicode="", scancode=0)


def tap(app: App, code: int, ticks: int = 1, *, run: Run = App.run_ticks) -> None:
    """Press and release a key, then run ``ticks`` steps."""
    app.post(key(pygame.KEYDOWN, code))
    app.post(key(pygame.KEYUP, code))
    run(app, ticks)


def hold(app: App, code: int, ticks: int, *, run: Run = App.run_ticks) -> None:
    """Hold a key for ``ticks`` steps, release it, run one more."""
    app.post(key(pygame.KEYDOWN, code))
    run(app, ticks)
    app.post(key(pygame.KEYUP, code))
    run(app, 1)


def say(app: App, text: str, *, run: Run = App.run_ticks) -> None:
    """Enter opens the chat box, the text arrives as TEXTINPUT, Enter sends it."""
    tap(app, pygame.K_RETURN, run=run)
    app.post(pygame.event.Event(pygame.TEXTINPUT, text=text))
    run(app, 1)
    tap(app, pygame.K_RETURN, run=run)


def put_player(app: App, at: tuple[float, float]) -> None:
    """Put the player at ``at`` (top-left), standing still; run one step so the world notices."""
    app.scene.player_body.position = at
    app.scene.player.position = app.scene.player.previous = at
    app.scene.player.velocity = (0.0, 0.0)
    app.run_ticks(1)


def npc(app: App, key_name: str) -> ChatNPC:
    """The NPC whose dialogue key is ``key_name`` (``"guide"``, ``"baker"``)."""
    return next(n for n in app.scene.npcs if n.key == key_name)


def go_to(app: App, key_name: str) -> None:
    """Stand beside an NPC, inside its talk radius."""
    x, y = npc(app, key_name).position
    put_player(app, (x + 40, y))


def collect_a_coin(app: App) -> Coin:
    """Stand just left of a coin on the road and walk right into it; return the coin."""
    on_the_road = [c for c in app.scene.coins if 232 < c.spot[1] < 296]
    coin = max(on_the_road, key=lambda c: c.spot[0])  # east: far from where the hazard starts
    put_player(app, (coin.spot[0] - 60, coin.spot[1] - Player.SIZE / 2))
    hold(app, pygame.K_RIGHT, 30)
    return coin


def run_until(app: App, done: Callable[[], object], limit: int) -> int:
    """Run steps until ``done()`` is true; return how many it took (fails past ``limit``)."""
    for n in range(limit):
        if done():
            return n
        app.run_ticks(1)
    raise AssertionError(f"not done after {limit} ticks")


def village_quests(*ids: str) -> str:
    """Only the quests ``ids`` of the village's quest file, as TOML text."""
    text = QUEST_FILE.read_text(encoding="utf-8")
    parts = text.split("[[quest]]\n")
    return "".join("[[quest]]\n" + p for p in parts[1:] if any(f'id = "{i}"' in p for i in ids))
