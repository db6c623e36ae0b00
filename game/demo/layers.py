"""The village's collision layers, and the one table of which layers meet.

Like Godot's layer/mask or Unity's collision matrix: a collider's mask comes
from this table, and a collision callback for two layers it never pairs is a
``ValueError`` when the scene starts, not a callback that silently never fires.
"""

from __future__ import annotations

__all__ = ["LAYERS", "PAIRS"]

LAYERS = (
    "wall",
    "player",
    "npc",
    "talk",
    "coin",
    "hazard",
    "door",
    "plate",
    "doorway",
    "bell",
    "lamp",
)

PAIRS = (
    ("player", "wall"),  # walls stop the player ...
    ("npc", "wall"),  # ... and the villagers
    ("player", "npc"),  # villagers are solid: the player walks round them
    ("npc", "npc"),
    ("player", "talk"),  # an NPC's talk radius (a trigger)
    ("player", "coin"),
    ("player", "hazard"),
    ("player", "door"),  # a closed door is a wall
    ("npc", "door"),
    ("player", "plate"),  # the pressure plate that opens it
    ("player", "doorway"),  # the open door's gap: passing through it (a trigger)
    ("player", "bell"),  # the bell in the square (a trigger)
    ("player", "lamp"),  # the street lamps' posts (triggers)
)
