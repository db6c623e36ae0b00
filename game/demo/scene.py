"""The demo scene. Read ``__init__`` as the table of contents: what reacts to what."""

from __future__ import annotations

import logging
import random
from typing import Any

import pygame

from game.demo.entities import Player
from game.engine.events import EventBus
from game.engine.input import InputMapper
from game.engine.loop import FixedStepLoop, FixedUpdate
from game.engine.timers import Timers
from game.ui.chat_events import ChatOpened, ChatSubmitted
from game.ui.text import TextCache
from game.ui.textbox import TextBox

__all__ = ["DemoScene"]

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 960, 540
GRASS = (92, 148, 84)
GRASS_DARK = (84, 138, 77)
PLAYER = (242, 201, 76)
PLAYER_EDGE = (60, 45, 20)
INK = (250, 250, 245)
BEACON_ON = (255, 96, 64)
BEACON_OFF = (96, 40, 32)
BEACON_POS = (WIDTH - 28, HEIGHT - 28)
#: Game seconds between two toggles of the beacon.
BEACON_BLINK = 0.5


class DemoScene:
    """A field the player walks around in."""

    def __init__(
        self,
        bus: EventBus,
        loop: FixedStepLoop,
        controls: InputMapper,
        rng: random.Random,
        *,
        timers: Timers,
    ) -> None:
        self.bus = bus
        self.loop = loop
        self.controls = controls
        self.rng = rng
        self.bounds = (0.0, 0.0, float(WIDTH), float(HEIGHT))
        self.player = Player((WIDTH / 2 - Player.SIZE / 2, HEIGHT / 2 - Player.SIZE / 2))
        self.score = 0
        self.npc_replies = 0
        self.beacon_on = False
        # Decoration scattered by the seeded RNG: the same seed, the same field.
        self.flowers = [
            (rng.randrange(8, WIDTH - 8), rng.randrange(8, HEIGHT - 8)) for _ in range(40)
        ]

        # -- what reacts to what --------------------------------------------
        bus.subscribe(FixedUpdate, self.on_fixed_update)
        self.beacon = timers.every(BEACON_BLINK, self.on_beacon_blink, name="beacon")
        self.chat = TextBox(bus, screen_size=(WIDTH, HEIGHT))  # Enter or T opens it
        bus.subscribe(ChatOpened, self.on_chat_opened)
        bus.subscribe(ChatSubmitted, self.on_chat_submitted)

        self._background: pygame.Surface | None = None
        self._text: TextCache | None = None

    # -- callbacks ---------------------------------------------------------

    def on_fixed_update(self, event: FixedUpdate) -> None:
        """Each step: steer the player by the held actions, then move it."""
        ax = self.controls.axis("move_x")
        ay = self.controls.axis("move_y")
        self.player.steer(ax, ay, event.dt)
        self.player.integrate(event.dt, self.bounds)

    def on_beacon_blink(self) -> None:
        """Every 0.5 s of game time: the beacon toggles (a paused game freezes it)."""
        self.beacon_on = not self.beacon_on

    def on_chat_opened(self, event: ChatOpened) -> None:
        """The chat box takes the keyboard: let go of whatever was held."""
        self.controls.release_all(event.tick)

    def on_chat_submitted(self, event: ChatSubmitted) -> None:
        """The player said something (the NPC will answer; for now, log it)."""
        log.info("player says: %s", event.text)

    # -- state -------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything that decides what happens next, for the state hash."""
        return {
            "player": [self.player.position, self.player.velocity, self.player.facing],
            "score": self.score,
            "beacon": [self.beacon_on, self.beacon.fired],
        }

    # -- drawing -----------------------------------------------------------

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        """Draw the scene, blending moving things between steps by ``alpha``."""
        surface.blit(self._static_background(), (0, 0))
        x, y = self.player.interpolated(alpha)
        body = pygame.Rect(round(x), round(y), Player.SIZE, Player.SIZE)
        pygame.draw.rect(surface, PLAYER, body, border_radius=6)
        pygame.draw.rect(surface, PLAYER_EDGE, body, width=2, border_radius=6)
        fx, fy = self.player.facing
        eye = (body.centerx + round(fx * 7), body.centery + round(fy * 7))
        pygame.draw.circle(surface, PLAYER_EDGE, eye, 3)
        pygame.draw.circle(surface, BEACON_ON if self.beacon_on else BEACON_OFF, BEACON_POS, 7)
        pygame.draw.circle(surface, PLAYER_EDGE, BEACON_POS, 7, width=2)
        self._draw_hud(surface)
        self.chat.draw(surface, self.loop.time)

    def _static_background(self) -> pygame.Surface:
        # Drawn once: the field never changes, so each frame is one blit.
        if self._background is None:
            background = pygame.Surface((WIDTH, HEIGHT)).convert()
            background.fill(GRASS)
            for row in range(0, HEIGHT, 48):
                for col in range((row // 48) % 2 * 48, WIDTH, 96):
                    background.fill(GRASS_DARK, (col, row, 48, 48))
            for fx, fy in self.flowers:
                pygame.draw.circle(background, (236, 236, 210), (fx, fy), 3)
                pygame.draw.circle(background, (230, 180, 60), (fx, fy), 1)
            self._background = background
        return self._background

    def _draw_hud(self, surface: pygame.Surface) -> None:
        if self._text is None:
            self._text = TextCache(pygame.font.Font(None, 26))
        seconds = int(self.loop.time)
        clock = f"{seconds // 60:02d}:{seconds % 60:02d}"
        surface.blit(self._text.render(f"Score {self.score}", INK), (12, 10))
        surface.blit(self._text.render(clock, INK), (WIDTH - 70, 10))
