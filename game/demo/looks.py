"""Colours and small drawing helpers the demo's mechanics share."""

from __future__ import annotations

import pygame

__all__ = ["GOLD", "GOLD_EDGE", "OUTLINE", "PLAYER_BODY", "eyes"]

PLAYER_BODY = (242, 201, 76)
OUTLINE = (52, 40, 34)
GOLD = (246, 196, 64)
GOLD_EDGE = (170, 118, 30)


def eyes(surface: pygame.Surface, body: pygame.Rect, facing: tuple[float, float]) -> None:
    """Two eyes in ``body``, looking along ``facing``."""
    fx, fy = facing
    look = (round(fx * 4), round(fy * 3))
    for side in (-1, 1):
        eye = (body.centerx + side * 6 + look[0], body.centery + look[1])
        pygame.draw.circle(surface, (255, 255, 255), eye, 4)
        pygame.draw.circle(surface, OUTLINE, (eye[0] + look[0] // 2, eye[1] + look[1] // 2), 2)
