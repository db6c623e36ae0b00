"""The hazard: a slime that patrols the west road and knocks the player back."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pygame

from game.demo.entities import Hazard, Player
from game.demo.looks import OUTLINE
from game.demo.player import PlayerCharacter
from game.demo.score import Scoreboard
from game.demo.village import LAYOUT
from game.engine.collisions import Collider
from game.engine.loop import FixedUpdate
from game.quests.events import Signal
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["HAZARD_PENALTY", "KNOCKBACK_SPEED", "SAFE_TIME", "STUN_TIME", "HazardPatrol"]

HAZARD_PENALTY = 5
KNOCKBACK_SPEED = 560.0  # px per second: about 60 px of flight, enough to see
STUN_TIME = 0.45  # seconds without control after a knock-back
SAFE_TIME = 1.2  # seconds the hazard cannot hit again
FLASH_TIME = 0.2  # seconds the slime and the screen's edge flash after a hit
HIT_BLIPS = (220.0, 147.0)  # Hz: a falling two-note "bonk"
HOP_TIME = 0.6  # seconds of the slime's startled hop when the bell rings
HAZARD_BODY = (214, 66, 74)
FLASH = (255, 246, 240)


class HazardPatrol(Mechanic):
    """The hazard's trigger collider and its route; owns the ``hazard`` state part.

    Reacts to ``FixedUpdate`` (walk the route) and to
    ``world.on_enter("player", "hazard")``: push the player away, take five
    points, and two timers end the stun and the safe time.
    """

    def __init__(self, context: SceneContext, you: PlayerCharacter, score: Scoreboard) -> None:
        super().__init__(context)
        self.you = you
        self.score = score
        self.blips = context.blips
        self.size = context.size
        self.hazard = Hazard(LAYOUT.hazard_route)
        #: Game time of the last hit and of the last bell heard (for the flash and the hop).
        self.hit_at = -1.0
        self.hop_at = -1.0
        self.body = self.add_collider(
            (*self.hazard.position, Hazard.SIZE, Hazard.SIZE),
            layer="hazard",
            trigger=True,
            owner=self.hazard,
        )
        self.on(FixedUpdate, self.patrol)
        self.on_enter("player", "hazard", self.knock_back)
        self.on(Signal, self.hear)
        self.draws(DrawLayer.FIGURES, self.draw)
        self.draws(DrawLayer.HUD, self.draw_flash)

    def patrol(self, event: FixedUpdate) -> None:
        """The hazard walks its route back and forth."""
        self.hazard.patrol(event.dt)
        self.body.position = self.hazard.position

    def knock_back(self, _player: Collider, _hazard: Collider) -> None:
        """The hazard hit: push the player away and take control for a moment."""
        player = self.you.player
        if player.safe:
            return
        hx = self.hazard.position[0] + Hazard.SIZE / 2
        hy = self.hazard.position[1] + Hazard.SIZE / 2
        px = player.position[0] + Player.SIZE / 2
        py = player.position[1] + Player.SIZE / 2
        away = (px - hx, py - hy) if (px, py) != (hx, hy) else (0.0, 1.0)
        player.push(away, KNOCKBACK_SPEED)
        self.score.hazard_hits += 1
        self.score.add(-HAZARD_PENALTY, (px, py - Player.SIZE / 2))
        self.hit_at = self.loop.time
        for delay, pitch in enumerate(HIT_BLIPS):
            self.after(delay * 0.08, self.blips.play, pitch, name="hit blip")
        player.stunned = player.safe = True
        self.after(STUN_TIME, self._recover, name="stun")
        self.after(SAFE_TIME, self._unsafe, name="safe")

    def hear(self, event: Signal) -> None:
        """The bell rang: the slime jumps, and after a moment says it heard."""
        if event.name == "bell":
            self.after(0.5, self._startled, name="slime hears the bell")

    def _startled(self) -> None:
        self.hop_at = self.loop.time
        self.bus.publish(Signal("bell_heard", "slime"))

    def _recover(self) -> None:
        self.you.player.stunned = False

    def _unsafe(self) -> None:
        self.you.player.safe = False

    def state(self) -> Mapping[str, object]:
        h = self.hazard
        return {"hazard": (h.position, h.target, h.direction)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """A squashing slime with two eyes."""
        at = self.hazard.interpolated(alpha)
        time = self.loop.time + alpha * self.loop.step
        centre = (round(at[0] + Hazard.SIZE / 2), round(at[1] + Hazard.SIZE / 2))
        squash = 1.0 + 0.12 * math.sin(time * 9.0)
        hop = time - self.hop_at
        lift = round(math.sin(hop / HOP_TIME * math.pi) * 22) if 0 <= hop < HOP_TIME else 0
        rect = pygame.Rect(0, 0, round(Hazard.SIZE * squash), round(Hazard.SIZE / squash))
        rect.midbottom = (centre[0], centre[1] + Hazard.SIZE // 2 - lift)
        flashing = 0 <= time - self.hit_at < FLASH_TIME
        pygame.draw.ellipse(surface, FLASH if flashing else HAZARD_BODY, rect)
        pygame.draw.ellipse(surface, OUTLINE, rect, width=2)
        for side in (-1, 1):
            eye = (rect.centerx + side * 5, rect.centery - 2)
            pygame.draw.circle(surface, (255, 255, 255), eye, 4)
            pygame.draw.circle(surface, OUTLINE, (eye[0] + side, eye[1] + 1), 2)

    def draw_flash(self, surface: pygame.Surface, alpha: float) -> None:
        """Just after a hit, a red frame round the screen (fading over ``FLASH_TIME``)."""
        since = self.loop.time + alpha * self.loop.step - self.hit_at
        if not 0 <= since < FLASH_TIME * 2:
            return
        strength = 1.0 - since / (FLASH_TIME * 2)
        frame = pygame.Surface(self.size, pygame.SRCALPHA)
        pygame.draw.rect(frame, (230, 40, 50, round(170 * strength)), frame.get_rect(), width=14)
        surface.blit(frame, (0, 0))
