"""The stress scene's rules written twice more, for ``bench_stress``: plain pygame-ce and pymunk.

Both play the rules of :mod:`game.stress.scene` (same sizes, speeds, shares of
kinds, zones and timings): red and blue balls bounce off each other (swapping
velocities) and flash while they touch; a ball that hits a blob bounces back and
the blob splits off its spare for 4 s; balls take the colour of a paint pool
while in it; a ball in a hole despawns and respawns at an edge 2 s later.

* :class:`SpriteGroups` is the scene the way pygame-ce's docs teach it: a
  ``pygame.sprite.Sprite`` per entity moved by its ``update()``, ``Group``s per
  kind, ``pygame.sprite.groupcollide`` each frame, the begin and end of a
  contact found by comparing this frame's pairs with the last frame's (pygame
  reports overlaps, not their changes), ``Group.draw``.
* :class:`PymunkIndex` keeps our numpy motion and drawing and replaces the
  collision world by pymunk's spatial index: a kinematic body with a sensor box
  per entity, ``space.on_collision(begin=…, separate=…)`` per layer pair,
  ``space.step``. A despawned entity is parked outside the canvas.

Each has ``frame()`` (one fixed step and one drawing, flipped) and ``close()``.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pygame

from game.stress.scene import (
    BACKGROUND,
    BALL_SIZE,
    BALL_SPEED,
    BLOB_SIZE,
    BLOB_SPEED,
    FLASH,
    HOLES,
    PAINT,
    RESPAWN_AFTER,
    SPLIT_LIFETIME,
    TEAM,
)

__all__ = ["PymunkIndex", "SpriteGroups"]

WIDTH, HEIGHT = 960, 540
STEP = 1 / 60
RED, BLUE, BLOB = 0, 1, 2


def _kind_of(i: int) -> int:
    # The same shares as the scene: of every 40, 19 red, 19 blue, 2 blobs (one spare).
    return RED if i % 40 < 19 else BLUE if i % 40 < 38 else BLOB


def _velocity(rng: random.Random, kind: int) -> tuple[float, float]:
    speed = rng.uniform(*(BLOB_SPEED if kind == BLOB else BALL_SPEED))
    angle = rng.uniform(0.0, 2 * math.pi)
    return speed * math.cos(angle), speed * math.sin(angle)


def _edge_spot(rng: random.Random, limit_x: float, limit_y: float) -> tuple[float, float]:
    x, y = rng.uniform(0, limit_x), rng.uniform(0, limit_y)
    if rng.random() < 0.5:
        x = 0.0 if rng.random() < 0.5 else limit_x
    else:
        y = 0.0 if rng.random() < 0.5 else limit_y
    return x, y


def _due(
    timers: list[tuple[int, int, str]], tick: int
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The ``(due tick, entity, what)`` timers due by ``tick``, and those still waiting."""
    if not any(t[0] <= tick for t in timers):
        return [], timers
    return [t for t in timers if t[0] <= tick], [t for t in timers if t[0] > tick]


def _draw_zones(screen: pygame.Surface) -> None:
    screen.fill(BACKGROUND)
    for rect, (r, g, b) in PAINT:
        pygame.draw.rect(screen, (r // 4, g // 4, b // 4), rect)
    for rect in HOLES:
        pygame.draw.rect(screen, (0, 0, 0), rect)


def _square(colour: tuple[int, int, int], size: int) -> pygame.Surface:
    sprite = pygame.Surface((size, size)).convert()
    sprite.fill(colour)
    return sprite


# -- pygame-ce, the way its docs teach it ---------------------------------------------


class Entity(pygame.sprite.Sprite):
    """One ball or blob: a float position, a velocity, an ``image`` and a ``rect``."""

    def __init__(self, index: int, kind: int, x: float, y: float, vx: float, vy: float) -> None:
        super().__init__()
        self.index = index
        self.kind = kind
        self.size = BLOB_SIZE if kind == BLOB else BALL_SIZE
        self.x, self.y, self.vx, self.vy = x, y, vx, vy
        self.touching = 0
        self.paint = -1
        self.image: pygame.Surface = LOOKS[kind]
        self.rect = pygame.Rect(round(x), round(y), self.size, self.size)

    def update(self, dt: float) -> None:
        """Move, bounce off the canvas edges."""
        self.x += self.vx * dt
        self.y += self.vy * dt
        limit_x, limit_y = WIDTH - self.size, HEIGHT - self.size
        if self.x < 0 or self.x > limit_x:
            self.vx = abs(self.vx) if self.x < 0 else -abs(self.vx)
            self.x = min(max(self.x, 0.0), limit_x)
        if self.y < 0 or self.y > limit_y:
            self.vy = abs(self.vy) if self.y < 0 else -abs(self.vy)
            self.y = min(max(self.y, 0.0), limit_y)
        self.rect.topleft = (round(self.x), round(self.y))

    def look(self) -> None:
        if self.touching > 0:
            self.image = LOOKS[3]
        elif self.paint >= 0:
            self.image = LOOKS[4 + self.paint]
        else:
            self.image = LOOKS[self.kind]


LOOKS: dict[int, pygame.Surface] = {}


class Zone(pygame.sprite.Sprite):
    def __init__(self, rect: tuple[int, int, int, int], number: int) -> None:
        super().__init__()
        self.rect = pygame.Rect(rect)
        self.number = number


class SpriteGroups:
    """The stress scene with ``pygame.sprite`` groups and ``groupcollide``."""

    def __init__(self, n: int, seed: int = 1) -> None:
        self.screen = pygame.display.set_mode((WIDTH, HEIGHT))
        if not LOOKS:
            colours = [TEAM[RED], TEAM[BLUE], TEAM[BLOB], FLASH, *(c for _, c in PAINT)]
            for look, colour in enumerate(colours):
                LOOKS[look] = _square(colour, BLOB_SIZE if look == BLOB else BALL_SIZE)
        self.rng = random.Random(seed)
        self.tick = 0
        self.everything: pygame.sprite.Group[Any] = pygame.sprite.Group()
        self.balls: pygame.sprite.Group[Any] = pygame.sprite.Group()
        self.reds: pygame.sprite.Group[Any] = pygame.sprite.Group()
        self.blues: pygame.sprite.Group[Any] = pygame.sprite.Group()
        self.blobs: pygame.sprite.Group[Any] = pygame.sprite.Group()
        self.pools = pygame.sprite.Group(*(Zone(r, k) for k, (r, _) in enumerate(PAINT)))
        self.holes = pygame.sprite.Group(*(Zone(r, k) for k, r in enumerate(HOLES)))
        self.entities: list[Entity] = []
        for i in range(n):
            kind = _kind_of(i)
            size = BLOB_SIZE if kind == BLOB else BALL_SIZE
            x, y = self.rng.uniform(0, WIDTH - size), self.rng.uniform(0, HEIGHT - size)
            entity = Entity(i, kind, x, y, *_velocity(self.rng, kind))
            self.entities.append(entity)
            if not (kind == BLOB and i % 40 == 39):  # one blob in two is spare
                self._join(entity)
        self.timers: list[tuple[int, int, str]] = []  # (due tick, entity, what)
        self.red_blue: set[tuple[Entity, Entity]] = set()
        self.ball_blob: set[tuple[Entity, Entity]] = set()
        self.ball_pool: set[tuple[Entity, Zone]] = set()
        self.ball_hole: set[tuple[Entity, Zone]] = set()
        self.events = 0

    def _join(self, entity: Entity) -> None:
        groups = {RED: self.reds, BLUE: self.blues, BLOB: self.blobs}
        entity.add(self.everything, groups[entity.kind])
        if entity.kind != BLOB:
            entity.add(self.balls)

    @staticmethod
    def _pairs(hits: dict[Any, list[Any]]) -> set[tuple[Any, Any]]:
        return {(a, b) for a, others in hits.items() for b in others}

    def frame(self) -> None:
        """One step (timers, update, collisions) and one drawing."""
        pygame.event.pump()
        self.tick += 1
        due, self.timers = _due(self.timers, self.tick)
        if due:
            for _, i, what in due:
                entity = self.entities[i]
                if what == "respawn":
                    limit = WIDTH - entity.size, HEIGHT - entity.size
                    entity.x, entity.y = _edge_spot(self.rng, *limit)
                    entity.vx, entity.vy = _velocity(self.rng, entity.kind)
                    entity.touching, entity.paint = 0, -1
                    entity.look()
                    entity.rect.topleft = (round(entity.x), round(entity.y))
                    self._join(entity)
                else:
                    entity.kill()
        self.everything.update(STEP)
        now = self._pairs(pygame.sprite.groupcollide(self.reds, self.blues, False, False))
        for red, blue in now - self.red_blue:
            red.vx, red.vy, blue.vx, blue.vy = blue.vx, blue.vy, red.vx, red.vy
            for entity in (red, blue):
                entity.touching += 1
                entity.look()
        for red, blue in self.red_blue - now:
            for entity in (red, blue):
                entity.touching = max(0, entity.touching - 1)
                entity.look()
        self.events += len(now ^ self.red_blue)
        self.red_blue = now
        now = self._pairs(pygame.sprite.groupcollide(self.balls, self.blobs, False, False))
        for ball, blob in now - self.ball_blob:
            ball.vx, ball.vy = -ball.vx, -ball.vy
            spare_i = blob.index + 1 if blob.index % 40 == 38 else blob.index - 1
            if 0 <= spare_i < len(self.entities):
                spare = self.entities[spare_i]
                if spare.kind == BLOB and not spare.alive():
                    spare.x = min(blob.x + BLOB_SIZE, WIDTH - BLOB_SIZE)
                    spare.y, spare.vx, spare.vy = blob.y, -blob.vx, -blob.vy
                    spare.rect.topleft = (round(spare.x), round(spare.y))
                    self._join(spare)
                    self.timers.append((self.tick + round(SPLIT_LIFETIME / STEP), spare_i, "end"))
        self.events += len(now ^ self.ball_blob)
        self.ball_blob = now
        now = self._pairs(pygame.sprite.groupcollide(self.balls, self.pools, False, False))
        for ball, pool in now - self.ball_pool:
            ball.paint = pool.number
            ball.look()
        for ball, pool in self.ball_pool - now:
            if ball.paint == pool.number:
                ball.paint = -1
                ball.look()
        self.events += len(now ^ self.ball_pool)
        self.ball_pool = now
        now = self._pairs(pygame.sprite.groupcollide(self.balls, self.holes, False, False))
        for ball, _hole in now - self.ball_hole:
            ball.kill()
            self.timers.append((self.tick + round(RESPAWN_AFTER / STEP), ball.index, "respawn"))
        self.events += len(now ^ self.ball_hole)
        self.ball_hole = now
        _draw_zones(self.screen)
        self.everything.draw(self.screen)
        pygame.display.flip()

    def close(self) -> None:
        self.everything.empty()


# -- pymunk's spatial index -------------------------------------------------------------


class PymunkIndex:
    """The stress scene with our numpy motion and drawing, pymunk finding the contacts."""

    def __init__(self, n: int, seed: int = 1) -> None:
        import pymunk

        self.screen = pygame.display.set_mode((WIDTH, HEIGHT))
        rng = np.random.default_rng(seed)
        self.rng = rng
        self.tick = 0
        index = np.arange(n)
        kind = np.array([_kind_of(i) for i in range(n)])
        self.kind = kind
        size = np.where(kind == BLOB, BLOB_SIZE, BALL_SIZE).astype(np.float64)
        self.size = size
        self.limit = np.column_stack((WIDTH - size, HEIGHT - size))
        self.pos = rng.uniform(0, 1, (n, 2)) * self.limit
        self.prev = self.pos.copy()
        speed = np.where(kind == BLOB, rng.uniform(*BLOB_SPEED, n), rng.uniform(*BALL_SPEED, n))
        angle = rng.uniform(0, 2 * np.pi, n)
        self.vel = np.column_stack((np.cos(angle), np.sin(angle))) * speed[:, None]
        self.active = ~((kind == BLOB) & (index % 40 == 39))
        self.vel[~self.active] = 0.0
        self.park = np.column_stack((-1e6 - 20.0 * index, np.full(n, -1e6)))
        colours = [TEAM[RED], TEAM[BLUE], TEAM[BLOB], FLASH, *(c for _, c in PAINT)]
        self.table = {
            look: _square(c, BLOB_SIZE if look == BLOB else BALL_SIZE)
            for look, c in enumerate(colours)
        }
        self.table[-1] = pygame.Surface((0, 0))
        self.touching = [0] * n
        self.paint = [-1] * n
        self.sprites = [
            self.table[k] if on else self.table[-1]
            for k, on in zip(kind.tolist(), self.active.tolist(), strict=True)
        ]
        self.space = pymunk.Space()
        self.bodies: list[Any] = []
        self.entity_of: dict[Any, int] = {}
        for i in range(n):
            body = pymunk.Body(body_type=pymunk.Body.KINEMATIC)
            s = float(size[i])
            shape = pymunk.Poly.create_box(body, (s, s))
            shape.sensor = True
            shape.collision_type = int(kind[i]) + 1
            self.space.add(body, shape)
            self.bodies.append(body)
            self.entity_of[shape] = i
        self.zone_of: dict[Any, int] = {}
        static = self.space.static_body
        for number, (rect, _) in enumerate(PAINT):
            self._zone(pymunk, static, rect, 4, number)
        for number, rect in enumerate(HOLES):
            self._zone(pymunk, static, rect, 5, number)
        self.timers: list[tuple[int, int, str]] = []
        self.events = 0
        on = self.space.on_collision
        on(1, 2, begin=self._meet, separate=self._part)
        for ball in (1, 2):
            on(ball, 3, begin=self._blob_hit, separate=self._count)
            on(ball, 4, begin=self._paint_in, separate=self._paint_out)
            on(ball, 5, begin=self._hole, separate=self._count)
        self._place()

    def _zone(self, pymunk: Any, static: Any, rect: tuple[int, ...], kind: int, n: int) -> None:
        x, y, w, h = rect
        shape = pymunk.Poly(static, [(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
        shape.sensor = True
        shape.collision_type = kind
        self.space.add(shape)
        self.zone_of[shape] = n

    def _place(self) -> None:
        centre = np.where(self.active[:, None], self.pos, self.park) + self.size[:, None] / 2
        for body, xy in zip(self.bodies, centre.tolist(), strict=True):
            body.position = xy

    def _look(self, i: int) -> None:
        if not self.active[i]:
            look = -1
        elif self.touching[i] > 0:
            look = 3
        elif self.paint[i] >= 0:
            look = 4 + self.paint[i]
        else:
            look = int(self.kind[i])
        self.sprites[i] = self.table[look]

    def _count(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1

    def _meet(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1
        a, b = (self.entity_of[s] for s in arbiter.shapes)
        vel = self.vel
        va = vel[a].copy()
        vel[a] = vel[b]
        vel[b] = va
        for i in (a, b):
            self.touching[i] += 1
            self._look(i)

    def _part(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1
        for s in arbiter.shapes:
            i = self.entity_of[s]
            self.touching[i] = max(0, self.touching[i] - 1)
            self._look(i)

    def _blob_hit(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1
        ball, blob = (self.entity_of[s] for s in arbiter.shapes)
        self.vel[ball] = -self.vel[ball]
        spare = blob + 1 if blob % 40 == 38 else blob - 1
        if 0 <= spare < len(self.kind) and self.kind[spare] == BLOB and not self.active[spare]:
            x, y = self.pos[blob].tolist()
            self.pos[spare] = self.prev[spare] = (min(x + BLOB_SIZE, WIDTH - BLOB_SIZE), y)
            self.vel[spare] = -self.vel[blob]
            self.active[spare] = True
            self._look(spare)
            self.timers.append((self.tick + round(SPLIT_LIFETIME / STEP), spare, "end"))

    def _paint_in(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1
        ball, pool = arbiter.shapes
        i = self.entity_of[ball]
        self.paint[i] = self.zone_of[pool]
        self._look(i)

    def _paint_out(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1
        ball, pool = arbiter.shapes
        i = self.entity_of.get(ball)
        if i is not None and self.paint[i] == self.zone_of[pool]:
            self.paint[i] = -1
            self._look(i)

    def _hole(self, arbiter: Any, space: Any, data: Any) -> None:
        self.events += 1
        i = self.entity_of[arbiter.shapes[0]]
        self.active[i] = False
        self.vel[i] = 0.0
        self._look(i)
        self.timers.append((self.tick + round(RESPAWN_AFTER / STEP), i, "respawn"))

    def frame(self) -> None:
        """One step (timers, motion, pymunk's step and callbacks) and one drawing."""
        pygame.event.pump()
        self.tick += 1
        due, self.timers = _due(self.timers, self.tick)
        if due:
            for _, i, what in due:
                if what == "respawn":
                    limit_x, limit_y = self.limit[i].tolist()
                    x, y = _edge_spot(random.Random(self.tick * 7919 + i), limit_x, limit_y)
                    self.pos[i] = self.prev[i] = (x, y)
                    speed = float(self.rng.uniform(*BALL_SPEED))
                    angle = float(self.rng.uniform(0, 2 * np.pi))
                    self.vel[i] = (speed * math.cos(angle), speed * math.sin(angle))
                    self.active[i] = True
                else:
                    self.active[i] = False
                    self.vel[i] = 0.0
                self._look(i)
        pos, vel = self.pos, self.vel
        self.prev[:] = pos
        pos += vel * STEP
        low, high = pos < 0.0, pos > self.limit
        vel[low] = np.abs(vel[low])
        vel[high] = -np.abs(vel[high])
        np.clip(pos, 0.0, self.limit, out=pos)
        self._place()
        self.space.step(STEP)
        _draw_zones(self.screen)
        flat = iter(pos.astype(np.int32).ravel().tolist())
        self.screen.fblits(zip(self.sprites, zip(flat, flat, strict=True), strict=True))
        pygame.display.flip()

    def close(self) -> None:
        self.bodies.clear()
