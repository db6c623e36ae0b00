"""The heads-up display: the score, the clock, and a context hint."""

from __future__ import annotations

import pygame

from game.widgets.text import TextCache

__all__ = ["Hud"]

INK = (250, 248, 238)
SHADOW = (30, 30, 36)
GOLD = (246, 196, 64)
GOLD_EDGE = (160, 110, 30)
BAR = (16, 20, 28, 150)


class Hud:
    """Draws the top bar and the hint; every text is cached, so a frame is a few blits."""

    def __init__(self, font: pygame.font.Font, width: int, height: int) -> None:
        self.text = TextCache(font, capacity=128)
        self.width = width
        self.height = height
        self._bar = pygame.Surface((width, 36), pygame.SRCALPHA)
        self._bar.fill(BAR)
        self._hint_panels: dict[tuple[int, int], pygame.Surface] = {}

    def _shadowed(self, surface: pygame.Surface, text: str, pos: tuple[int, int]) -> int:
        surface.blit(self.text.render(text, SHADOW), (pos[0] + 1, pos[1] + 1))
        rendered = self.text.render(text, INK)
        surface.blit(rendered, pos)
        return rendered.get_width()

    def draw(
        self,
        surface: pygame.Surface,
        *,
        score: int,
        clock: str,
        hint: str = "",
        score_label: str = "Score",
    ) -> None:
        """Draw the HUD for this frame's values: "● Score 105" on the left, the clock right."""
        surface.blit(self._bar, (0, 0))
        pygame.draw.circle(surface, GOLD, (22, 18), 9)
        pygame.draw.circle(surface, GOLD_EDGE, (22, 18), 9, width=2)
        self._shadowed(surface, f"{score_label} {score}", (38, 8))
        clock_width = self.text.render(clock, INK).get_width()
        self._shadowed(surface, clock, (self.width - clock_width - 14, 8))
        if hint:
            rendered = self.text.render(hint, INK)
            size = (rendered.get_width() + 24, rendered.get_height() + 12)
            panel = self._hint_panels.get(size)
            if panel is None:
                panel = pygame.Surface(size, pygame.SRCALPHA)
                pygame.draw.rect(panel, BAR, panel.get_rect(), border_radius=10)
                self._hint_panels[size] = panel
            left = (self.width - size[0]) // 2
            top = self.height - size[1] - 56
            surface.blit(panel, (left, top))
            surface.blit(rendered, (left + 12, top + 6))
