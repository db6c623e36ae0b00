"""A deterministic bot that plays through the real input path (posted pygame events)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pygame

__all__ = ["Autoplay"]

_DIRECTIONS = (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_UP, pygame.K_DOWN)


class Autoplay:
    """Holds a random arrow key (or none) for a random while, then picks again.

    ``post`` receives pygame events exactly as the OS would deliver them, so
    the game cannot tell the bot from a player.
    """

    def __init__(self, post: Callable[[pygame.event.Event], None], rng: random.Random) -> None:
        self.post = post
        self.rng = rng
        self._held: int | None = None
        self._next_decision = 0

    def before_tick(self, tick: int) -> None:
        """Called by the app before each fixed step's input is gathered."""
        if tick < self._next_decision:
            return
        if self._held is not None:
            self.post(pygame.event.Event(pygame.KEYUP, key=self._held, mod=0))
            self._held = None
        choice = self.rng.choice((*_DIRECTIONS, None))
        if choice is not None:
            self.post(pygame.event.Event(pygame.KEYDOWN, key=choice, mod=0, unicode=""))
            self._held = choice
        self._next_decision = tick + self.rng.randrange(20, 90)
