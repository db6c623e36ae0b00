"""The quests a newcomer had to guess at: the gate, the lamps at dusk, and bubbles in the way.

Played through the App contract, headless: keys, text and the player's position in,
the scene's state out.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from game.app import App
from tests.test_demo import npc, put_player, say

SECOND = 60


@pytest.fixture
def game() -> Iterator[App]:
    instance = App(headless=True, seed=1, render=False)
    yield instance
    instance.close()


# -- bubbles ---------------------------------------------------------------------------------


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
