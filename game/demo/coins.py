"""Coins: touch one to score it; a timer brings a new one somewhere else."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pygame

from game.demo.entities import Coin
from game.demo.looks import GOLD, GOLD_EDGE
from game.demo.player import PlayerCharacter
from game.demo.score import Scoreboard
from game.demo.village import LAYOUT
from game.engine.collisions import Collider
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["COINS_ON_MAP", "COIN_POINTS", "COIN_RESPAWN", "Coins"]

COINS_ON_MAP = 8
COIN_RESPAWN = (4.0, 9.0)  # game seconds, drawn from the seeded RNG
COIN_POINTS = 10
#: A new coin never appears closer than this to the player (pixels).
RESPAWN_DISTANCE = 80


class Coins(Mechanic):
    """The coins on the ground (trigger colliders); owns the ``coins`` state part.

    Reacts to ``world.on_enter("player", "coin")``: score, remove the coin,
    and a timer (4–9 s of game time) respawns one on a free spot.
    """

    def __init__(self, context: SceneContext, you: PlayerCharacter, score: Scoreboard) -> None:
        super().__init__(context)
        self.rng = context.rng
        self.you = you
        self.score = score
        #: The coins lying on the ground now.
        self.coins: list[Coin] = []
        free_spots = list(LAYOUT.coin_spots)
        self.rng.shuffle(free_spots)
        for spot in free_spots[:COINS_ON_MAP]:
            self._place(Coin(spot))
        self.on_enter("player", "coin", self.collect)
        self.draws(DrawLayer.ITEMS, self.draw)

    def _place(self, coin: Coin) -> None:
        coin.collider = self.add_collider(coin.rect, layer="coin", trigger=True, owner=coin)
        self.coins.append(coin)

    def collect(self, _player: Collider, coin_body: Collider) -> None:
        """A coin touched: score it, take it away, and schedule a new one elsewhere."""
        coin = coin_body.owner
        assert isinstance(coin, Coin)
        self.remove_collider(coin_body)
        coin.collider = None
        self.coins.remove(coin)
        self.score.add(COIN_POINTS, coin.spot)
        self.score.coins_collected += 1
        self.after(self.rng.uniform(*COIN_RESPAWN), self.respawn, name="coin respawn")

    def respawn(self) -> None:
        """A coin appears on a free spot away from the player."""
        taken = {coin.spot for coin in self.coins}
        px, py = self.you.position
        spots = [
            s
            for s in LAYOUT.coin_spots
            if s not in taken and math.hypot(s[0] - px, s[1] - py) > RESPAWN_DISTANCE
        ]
        if spots:
            self._place(Coin(self.rng.choice(spots)))

    def state(self) -> Mapping[str, object]:
        return {"coins": sorted(coin.spot for coin in self.coins)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """Each coin bobs and spins (a squeezed ellipse), on game time."""
        time = self.loop.time + alpha * self.loop.step
        for coin in self.coins:
            x, y = coin.spot
            bob = math.sin(time * 4.0 + x * 0.05) * 2.5
            squeeze = abs(math.cos(time * 2.0 + y * 0.05))
            width = max(2, round(Coin.SIZE * (0.35 + 0.65 * squeeze)))
            rect = pygame.Rect(0, 0, width, Coin.SIZE)
            rect.center = (round(x), round(y + bob))
            pygame.draw.ellipse(surface, GOLD, rect)
            pygame.draw.ellipse(surface, GOLD_EDGE, rect, width=2)
