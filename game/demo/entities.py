"""The things that live in the demo world."""

from __future__ import annotations

import math

from game.engine.collisions import Collider

__all__ = ["Coin", "Hazard", "Player", "lerp"]

Vec = tuple[float, float]


class Player:
    """The player: a box that accelerates towards where the input points.

    Keeps its previous position so rendering can blend between the last two
    fixed steps with the loop's ``alpha``.
    """

    SIZE = 28
    MAX_SPEED = 220.0  # px per second
    ACCELERATION = 1800.0  # px per second², so full speed in ~0.12 s
    FRICTION = 2200.0  # px per second², stops in ~0.1 s

    def __init__(self, position: Vec) -> None:
        self.position: Vec = position
        self.previous: Vec = position
        self.velocity: Vec = (0.0, 0.0)
        self.facing: Vec = (0.0, 1.0)
        #: No control after a knock-back (a timer ends it).
        self.stunned = False
        #: Cannot be hit again yet after a knock-back (a timer ends it; the player blinks).
        self.safe = False

    def steer(self, ax: float, ay: float, dt: float) -> None:
        """Change velocity towards full speed along (ax, ay) for one step (zero means brake).

        The whole velocity vector turns towards the wanted one, so pressing only
        "left" after walking up also stops the upward drift (no icy orbits).
        """
        length = math.hypot(ax, ay)
        if length > 0:
            ax, ay = ax / length, ay / length
            self.facing = (ax, ay)
            change = self.ACCELERATION * dt
        else:
            change = self.FRICTION * dt
        vx, vy = self.velocity
        dx, dy = ax * self.MAX_SPEED - vx, ay * self.MAX_SPEED - vy
        gap = math.hypot(dx, dy)
        if gap <= change:
            self.velocity = (ax * self.MAX_SPEED, ay * self.MAX_SPEED)
        else:
            self.velocity = (vx + dx / gap * change, vy + dy / gap * change)

    def moved(self, position: Vec, wanted: Vec, got: Vec) -> None:
        """Record where the world let the player go; a blocked axis loses its speed."""
        self.previous = self.position
        self.position = position
        vx, vy = self.velocity
        if abs(got[0]) < abs(wanted[0]) - 1e-9:
            vx = 0.0
        if abs(got[1]) < abs(wanted[1]) - 1e-9:
            vy = 0.0
        self.velocity = (vx, vy)

    def push(self, direction: Vec, speed: float) -> None:
        """An impulse: the velocity becomes ``speed`` along ``direction``."""
        length = math.hypot(*direction) or 1.0
        self.velocity = (direction[0] / length * speed, direction[1] / length * speed)

    def interpolated(self, alpha: float) -> Vec:
        """Where to draw the player between the last two steps."""
        return lerp(self.previous, self.position, alpha)


def lerp(a: Vec, b: Vec, alpha: float) -> Vec:
    """The point ``alpha`` of the way from ``a`` to ``b``: how every body is drawn."""
    return (a[0] + (b[0] - a[0]) * alpha, a[1] + (b[1] - a[1]) * alpha)


class Coin:
    """A coin on the ground: a trigger collider while it lies there."""

    SIZE = 16

    def __init__(self, spot: Vec) -> None:
        self.spot = spot
        self.collider: Collider | None = None  # while it lies on the ground

    @property
    def rect(self) -> tuple[float, float, float, float]:
        """The coin's box, centred on its spot."""
        half = self.SIZE / 2
        return (self.spot[0] - half, self.spot[1] - half, self.SIZE, self.SIZE)


class Hazard:
    """Something that patrols a route back and forth at a steady speed."""

    SIZE = 26
    SPEED = 80.0  # px per second

    def __init__(self, route: tuple[Vec, ...]) -> None:
        if len(route) < 2:
            raise ValueError(f"route: a patrol needs at least two points, not {route!r}")
        self.route = route
        self.position: Vec = self._top_left(route[0])
        self.previous: Vec = self.position
        self.target = 1
        self.direction = 1  # +1 along the route, -1 back

    def _top_left(self, centre: Vec) -> Vec:
        return (centre[0] - self.SIZE / 2, centre[1] - self.SIZE / 2)

    def patrol(self, dt: float) -> None:
        """Walk ``SPEED * dt`` along the route, turning round at either end."""
        self.previous = self.position
        budget = self.SPEED * dt
        x, y = self.position
        while budget > 0:
            tx, ty = self._top_left(self.route[self.target])
            distance = math.hypot(tx - x, ty - y)
            if distance > budget:
                x += (tx - x) / distance * budget
                y += (ty - y) / distance * budget
                break
            x, y = tx, ty
            budget -= distance
            if not 0 <= self.target + self.direction < len(self.route):
                self.direction = -self.direction
            self.target += self.direction
        self.position = (x, y)

    def interpolated(self, alpha: float) -> Vec:
        """Where to draw it between the last two steps."""
        return lerp(self.previous, self.position, alpha)
