"""The things that live in the demo world."""

from __future__ import annotations

import math

__all__ = ["Player"]

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

    def steer(self, ax: float, ay: float, dt: float) -> None:
        """Accelerate towards the direction (ax, ay) for one step (zero means brake)."""
        vx, vy = self.velocity
        length = math.hypot(ax, ay)
        if length > 0:
            ax, ay = ax / length, ay / length
            self.facing = (ax, ay)
            vx += ax * self.ACCELERATION * dt
            vy += ay * self.ACCELERATION * dt
            speed = math.hypot(vx, vy)
            if speed > self.MAX_SPEED:
                vx, vy = vx * self.MAX_SPEED / speed, vy * self.MAX_SPEED / speed
        else:
            speed = math.hypot(vx, vy)
            slower = max(speed - self.FRICTION * dt, 0.0)
            if speed > 0:
                vx, vy = vx * slower / speed, vy * slower / speed
        self.velocity = (vx, vy)

    def integrate(self, dt: float, bounds: tuple[float, float, float, float]) -> None:
        """Move by velocity × dt, staying inside ``bounds`` (x, y, width, height)."""
        self.previous = self.position
        left, top, width, height = bounds
        x = min(max(self.position[0] + self.velocity[0] * dt, left), left + width - self.SIZE)
        y = min(max(self.position[1] + self.velocity[1] * dt, top), top + height - self.SIZE)
        self.position = (x, y)

    def displacement(self, dt: float) -> Vec:
        """How far the velocity carries it in one step; the scene moves it through the world."""
        return (self.velocity[0] * dt, self.velocity[1] * dt)

    def place(self, position: Vec, *, stopped_x: bool = False, stopped_y: bool = False) -> None:
        """Take the position the collision world allowed; a blocked axis loses its speed."""
        self.previous = self.position
        self.position = position
        vx, vy = self.velocity
        self.velocity = (0.0 if stopped_x else vx, 0.0 if stopped_y else vy)

    def interpolated(self, alpha: float) -> Vec:
        """Where to draw the player between the last two steps."""
        (px, py), (x, y) = self.previous, self.position
        return (px + (x - px) * alpha, py + (y - py) * alpha)
