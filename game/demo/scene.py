"""The demo scene. Read ``__init__`` as the table of contents: what reacts to what."""

from __future__ import annotations

import logging
import random
from typing import Any

import pygame

from game.demo.entities import Player
from game.engine.collisions import Collider, CollisionWorld
from game.engine.events import EventBus
from game.engine.input import InputMapper
from game.engine.loop import FixedStepLoop, FixedUpdate
from game.ui.text import TextCache

__all__ = ["DemoScene"]

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 960, 540
GRASS = (92, 148, 84)
GRASS_DARK = (84, 138, 77)
PLAYER = (242, 201, 76)
PLAYER_EDGE = (60, 45, 20)
INK = (250, 250, 245)
WALL = (112, 98, 86)
WALL_EDGE = (70, 60, 52)
ZONE = (90, 160, 220, 70)
ZONE_INSIDE = (120, 200, 255, 130)

#: Solid walls the player slides along (x, y, w, h); the field's edges are walls too.
WALLS = (
    (150, 90, 230, 24),
    (150, 114, 24, 130),
    (600, 400, 250, 24),
    (826, 290, 24, 110),
    (300, 420, 24, 90),
)
#: A trigger zone: entering and leaving it are logged, and it glows while inside.
GLADE = (660, 80, 170, 120)
_BORDER = 64  # thickness of the invisible walls around the field


class DemoScene:
    """A field the player walks around in."""

    def __init__(
        self,
        bus: EventBus,
        loop: FixedStepLoop,
        controls: InputMapper,
        rng: random.Random,
        *,
        collisions: CollisionWorld,
    ) -> None:
        self.bus = bus
        self.loop = loop
        self.controls = controls
        self.rng = rng
        self.bounds = (0.0, 0.0, float(WIDTH), float(HEIGHT))
        self.player = Player((WIDTH / 2 - Player.SIZE / 2, HEIGHT / 2 - Player.SIZE / 2))
        self.score = 0
        self.npc_replies = 0
        # Decoration scattered by the seeded RNG: the same seed, the same field.
        self.flowers = [
            (rng.randrange(8, WIDTH - 8), rng.randrange(8, HEIGHT - 8)) for _ in range(40)
        ]

        # The player is a solid box that walls stop; the glade is a trigger.
        self.collisions = collisions
        border = [
            (-_BORDER, -_BORDER, WIDTH + 2 * _BORDER, _BORDER),
            (-_BORDER, HEIGHT, WIDTH + 2 * _BORDER, _BORDER),
            (-_BORDER, 0, _BORDER, HEIGHT),
            (WIDTH, 0, _BORDER, HEIGHT),
        ]
        self.walls = [collisions.add(rect, layer="wall") for rect in (*WALLS, *border)]
        self.glade = collisions.add(GLADE, layer="zone", trigger=True)
        self.body: Collider = collisions.add(
            (*self.player.position, Player.SIZE, Player.SIZE),
            layer="player",
            mask={"wall", "zone"},
            owner=self.player,
        )
        self.in_glade = False

        # -- what reacts to what --------------------------------------------
        bus.subscribe(FixedUpdate, self.on_fixed_update)
        collisions.on_enter("player", "zone", self.on_enter_zone)
        collisions.on_exit("player", "zone", self.on_leave_zone)

        self._background: pygame.Surface | None = None
        self._text: TextCache | None = None
        self._glades: dict[tuple[int, int, int, int], pygame.Surface] = {}

    # -- callbacks ---------------------------------------------------------

    def on_fixed_update(self, event: FixedUpdate) -> None:
        """Each step: steer the player by the held actions, then move it."""
        ax = self.controls.axis("move_left", "move_right")
        ay = self.controls.axis("move_up", "move_down")
        self.player.steer(ax, ay, event.dt)
        dx, dy = self.player.displacement(event.dt)
        moved_x, moved_y = self.collisions.move(self.body, dx, dy)
        self.player.place(self.body.position, stopped_x=moved_x != dx, stopped_y=moved_y != dy)

    def on_enter_zone(self, _player: Collider, zone: Collider) -> None:
        """The player walked into a trigger zone."""
        self.in_glade = True
        log.info("player entered the glade at tick %d", self.loop.tick)

    def on_leave_zone(self, _player: Collider, zone: Collider) -> None:
        """The player walked out of a trigger zone."""
        self.in_glade = False
        log.info("player left the glade at tick %d", self.loop.tick)

    # -- state -------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Everything that decides what happens next, for the state hash."""
        return {
            "player": [self.player.position, self.player.velocity, self.player.facing],
            "score": self.score,
            "in_glade": self.in_glade,
        }

    # -- drawing -----------------------------------------------------------

    def render(self, surface: pygame.Surface, alpha: float) -> None:
        """Draw the scene, blending moving things between steps by ``alpha``."""
        surface.blit(self._static_background(), (0, 0))
        self._draw_glade(surface)
        x, y = self.player.interpolated(alpha)
        body = pygame.Rect(round(x), round(y), Player.SIZE, Player.SIZE)
        pygame.draw.rect(surface, PLAYER, body, border_radius=6)
        pygame.draw.rect(surface, PLAYER_EDGE, body, width=2, border_radius=6)
        fx, fy = self.player.facing
        eye = (body.centerx + round(fx * 7), body.centery + round(fy * 7))
        pygame.draw.circle(surface, PLAYER_EDGE, eye, 3)
        self._draw_hud(surface)

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
            for rect in WALLS:
                pygame.draw.rect(background, WALL, rect, border_radius=4)
                pygame.draw.rect(background, WALL_EDGE, rect, width=2, border_radius=4)
            self._background = background
        return self._background

    def _draw_glade(self, surface: pygame.Surface) -> None:
        colour = ZONE_INSIDE if self.in_glade else ZONE
        glade = self._glades.get(colour)
        if glade is None:
            glade = self._glades[colour] = pygame.Surface(GLADE[2:], pygame.SRCALPHA)
            glade.fill(colour)
        surface.blit(glade, GLADE[:2])

    def _draw_hud(self, surface: pygame.Surface) -> None:
        if self._text is None:
            self._text = TextCache(pygame.font.Font(None, 26))
        seconds = int(self.loop.time)
        clock = f"{seconds // 60:02d}:{seconds % 60:02d}"
        surface.blit(self._text.render(f"Score {self.score}", INK), (12, 10))
        surface.blit(self._text.render(clock, INK), (WIDTH - 70, 10))
