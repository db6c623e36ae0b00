"""A gate that opens 3 s after the player steps on a pressure plate, and shuts 6 s later.

The example of ``docs/architecture.md``: one file, and one line in the scene's
list of mechanics. It owns three colliders (the door is solid while shut; the
plate and the doorway are triggers), one collision callback and two timers.
The quest "Before the door shuts" is won by passing the doorway in time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pygame

from game.demo.looks import OUTLINE
from game.engine.collisions import Collider
from game.engine.timers import TimerHandle
from game.quests.events import TimerFired
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["DOOR", "OPEN_DELAY", "OPEN_TIME", "PLATE", "PlateDoor"]

#: Seconds of game time between stepping on the plate and the door opening.
OPEN_DELAY = 3.0
#: Seconds of game time the door stays open before its timer shuts it.
OPEN_TIME = 6.0
#: Seconds to wait before trying again when someone stands in the way of the shutting door.
RETRY = 0.5
#: The gate at the east end of the bakery's garden fence, next to the green house (x, y, w, h).
DOOR = (680.0, 110.0, 50.0, 8.0)
#: The plate, north of the fence.
PLATE = (586.0, 70.0, 26.0, 26.0)

#: Pixels around the plate and the gate kept free of text while the gate's timers run.
KEEP_CLEAR = 32
#: Seconds of the gate's two leaves swinging open (into the garden) or shut.
SWING_TIME = 0.35
WOOD = (150, 104, 62)
GATE_WOOD = (112, 74, 44)
POST_CAP = (84, 56, 34)
LATCH = (236, 196, 96)
STONE = (168, 166, 156)
STONE_DOWN = (124, 122, 114)
TIME_LEFT = (250, 210, 110)


class PlateDoor(Mechanic):
    """Reacts to ``world.on_enter("player", "plate")``: a timer opens the door
    ``OPEN_DELAY`` s later (stepping on it again meanwhile changes nothing).
    Opening removes the door's collider, so the player, the villagers and the
    bot's next plan go through; a second timer puts it back ``OPEN_TIME`` s
    later (not onto someone standing in the gap: it waits for them). The
    ``doorway`` trigger inside the gap can only be touched while it is open.
    Each timer's callback publishes ``TimerFired("door opens")`` or
    ``TimerFired("door shuts")`` (the quest tracker's status lines follow them).
    While a timer runs, the plate, the gate and the way between them are kept
    clear of speech bubbles and labels (:meth:`text_rects`, for the scene's
    text layout). Owns the ``door`` state part.
    """

    def __init__(
        self,
        context: SceneContext,
        door: tuple[float, float, float, float] = DOOR,
        plate: tuple[float, float, float, float] = PLATE,
    ) -> None:
        super().__init__(context)
        self.door_rect = door
        self.plate_rect = plate
        self.door: Collider | None = self.add_collider(door, layer="door", owner=self)
        self.plate = self.add_collider(plate, layer="plate", trigger=True, owner=self)
        x, y, w, h = door
        # Inside the gap, smaller than the door: touched only by passing through it.
        self.doorway = self.add_collider(
            (x + 4, y + 2, w - 8, h - 4), layer="doorway", trigger=True, owner=self
        )
        self.opening: TimerHandle | None = None
        self.closing: TimerHandle | None = None
        #: Game time the gate last opened or shut (for the leaves' swing; drawing only).
        self.moved_at = -SWING_TIME
        #: Set by the text layout for a frame where an answer needs this room.
        self.yielded = False
        self.on_enter("player", "plate", self.pressed)
        self.draws(DrawLayer.GROUND, self.draw)

    @property
    def is_open(self) -> bool:
        """Whether the door is open now."""
        return self.door is None

    def pressed(self, _player: Collider, _plate: Collider) -> None:
        """The player stepped on the plate: start the timer, unless it runs or the door is open."""
        if self.door is not None and self.opening is None:
            self.opening = self.after(OPEN_DELAY, self.open, name="door opens")

    def pressed_down(self) -> bool:
        """Whether the plate has started the door (it opens soon, or is open)."""
        return self.opening is not None or self.is_open

    def open(self) -> None:
        """Take the door out of the world; a timer shuts it ``OPEN_TIME`` s later."""
        if self.door is not None:
            self.remove_collider(self.door)
            self.door = None
        self.opening = None
        self.moved_at = self.loop.time
        self.closing = self.after(OPEN_TIME, self.shut, name="door shuts")
        self.bus.publish(TimerFired("door opens"))

    def shut(self) -> None:
        """Put the door back, unless something stands in the gap (then try again soon)."""
        if self.world.query_rect(self.door_rect, mask=["player", "npc"]):
            self.closing = self.after(RETRY, self.shut, name="door shuts")
            return
        self.closing = None
        if self.door is None:
            self.door = self.add_collider(self.door_rect, layer="door", owner=self)
            self.moved_at = self.loop.time
            self.bus.publish(TimerFired("door shuts"))

    def text_rects(self) -> list[tuple[str, pygame.Rect, str]]:
        """While the plate's timers run, the plate-to-gate area as an obstacle for text
        (no text in it): the player has seconds to see the gate open and get there."""
        if not self.pressed_down():
            return []
        area = pygame.Rect(self.plate_rect).union(pygame.Rect(self.door_rect))
        return [("hud", area.inflate(KEEP_CLEAR, KEEP_CLEAR), "")]

    def state(self) -> Mapping[str, object]:
        waiting = self.opening.remaining if self.opening is not None else None
        left = self.closing.remaining if self.closing is not None else None
        return {"door": (self.is_open, waiting, self.opening is not None, left)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """The plate (sunk once pressed) and the gate: two posts and two leaves that
        swing south into the garden as it opens (a bar over the gap shows the time left)."""
        plate = pygame.Rect(self.plate_rect)
        pressed = self.pressed_down()
        pygame.draw.rect(surface, STONE_DOWN if pressed else STONE, plate, border_radius=4)
        pygame.draw.rect(surface, OUTLINE, plate, width=2, border_radius=4)
        door = pygame.Rect(self.door_rect)
        time = self.loop.time + alpha * self.loop.step
        swing = min(1.0, max(0.0, (time - self.moved_at) / SWING_TIME))
        opened = swing if self.is_open else 1.0 - swing  # 0 shut .. 1 wide open
        self._draw_leaves(surface, door, opened * math.pi / 2)
        for x in (door.left - 3, door.right - 4):  # the posts, taller than the fence's
            post = pygame.Rect(x, door.top - 12, 7, door.height + 16)
            pygame.draw.rect(surface, GATE_WOOD, post, border_radius=2)
            pygame.draw.rect(surface, OUTLINE, post, width=1, border_radius=2)
            pygame.draw.rect(surface, POST_CAP, (x - 1, post.top - 3, 9, 4), border_radius=1)
        if self.closing is not None:  # the time left, as a shrinking bar over the gap
            left = max(0.0, self.closing.remaining) / OPEN_TIME
            bar = pygame.Rect(door.left, door.top - 20, round(door.width * left), 5)
            pygame.draw.rect(surface, TIME_LEFT, bar, border_radius=2)

    def _draw_leaves(self, surface: pygame.Surface, door: pygame.Rect, angle: float) -> None:
        """Two leaves hinged on the posts, turned ``angle`` radians (0 shut, π/2 open)."""
        half = door.width / 2 - 3
        y = door.centery
        for hinge, sign in ((door.left + 3, 1), (door.right - 3, -1)):
            dx, dy = sign * math.cos(angle), math.sin(angle)  # along the leaf
            nx, ny = -dy * 5, dx * 5  # half its thickness, across it
            tip = (hinge + dx * half, y + dy * half)
            corners = [
                (hinge - nx, y - ny),
                (tip[0] - nx, tip[1] - ny),
                (tip[0] + nx, tip[1] + ny),
                (hinge + nx, y + ny),
            ]
            pygame.draw.polygon(surface, WOOD, corners)
            for t in (0.3, 0.55, 0.8):  # palings
                px, py = hinge + dx * half * t, y + dy * half * t
                pygame.draw.line(surface, GATE_WOOD, (px - nx, py - ny), (px + nx, py + ny), 2)
            pygame.draw.polygon(surface, OUTLINE, corners, width=1)
        if angle < 0.2:  # shut: the latch where the leaves meet
            pygame.draw.rect(surface, LATCH, (door.centerx - 2, y - 4, 4, 8))
