"""A door that opens 3 s after the player steps on a pressure plate, and shuts 6 s later.

The example of ``docs/architecture.md``: one file, and one line in the scene's
list of mechanics. It owns three colliders (the door is solid while shut; the
plate and the doorway are triggers), one collision callback and two timers.
The quest "Before the door shuts" is won by passing the doorway in time.
"""

from __future__ import annotations

from collections.abc import Mapping

import pygame

from game.demo.looks import OUTLINE
from game.engine.collisions import Collider
from game.engine.timers import TimerHandle
from game.scene import DrawLayer, Mechanic, SceneContext

__all__ = ["DOOR", "OPEN_DELAY", "OPEN_TIME", "PLATE", "PlateDoor"]

#: Seconds of game time between stepping on the plate and the door opening.
OPEN_DELAY = 3.0
#: Seconds of game time the door stays open before its timer shuts it.
OPEN_TIME = 6.0
#: Seconds to wait before trying again when someone stands in the way of the shutting door.
RETRY = 0.5
#: The gate between the bakery's garden fence and the green house (x, y, w, h).
DOOR = (680.0, 110.0, 50.0, 8.0)
#: The plate, north of the fence.
PLATE = (586.0, 70.0, 26.0, 26.0)

WOOD = (150, 104, 62)
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
    Owns the ``door`` state part.
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
        self.closing = self.after(OPEN_TIME, self.shut, name="door shuts")

    def shut(self) -> None:
        """Put the door back, unless something stands in the gap (then try again soon)."""
        if self.world.query_rect(self.door_rect, mask=["player", "npc"]):
            self.closing = self.after(RETRY, self.shut, name="door shuts")
            return
        self.closing = None
        if self.door is None:
            self.door = self.add_collider(self.door_rect, layer="door", owner=self)

    def state(self) -> Mapping[str, object]:
        waiting = self.opening.remaining if self.opening is not None else None
        left = self.closing.remaining if self.closing is not None else None
        return {"door": (self.is_open, waiting, self.opening is not None, left)}

    def draw(self, surface: pygame.Surface, alpha: float) -> None:
        """The plate (sunk once pressed) and the gate (swung open: two posts)."""
        plate = pygame.Rect(self.plate_rect)
        pressed = self.pressed_down()
        pygame.draw.rect(surface, STONE_DOWN if pressed else STONE, plate, border_radius=4)
        pygame.draw.rect(surface, OUTLINE, plate, width=2, border_radius=4)
        door = pygame.Rect(self.door_rect)
        if self.is_open:
            for x in (door.left, door.right - 6):
                pygame.draw.rect(surface, WOOD, (x, door.top - 6, 6, door.height + 8))
            if self.closing is not None:  # the time left, as a shrinking bar over the gap
                left = max(0.0, self.closing.remaining) / OPEN_TIME
                bar = pygame.Rect(door.left, door.top - 14, round(door.width * left), 5)
                pygame.draw.rect(surface, TIME_LEFT, bar, border_radius=2)
        else:
            pygame.draw.rect(surface, WOOD, door.inflate(0, 4))
            pygame.draw.rect(surface, OUTLINE, door.inflate(0, 4), width=2)
