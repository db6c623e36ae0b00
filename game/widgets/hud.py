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
        #: The strip's height with its text, in pixels: other text keeps below it.
        self.bar_height = max(self.BAR_HEIGHT, 8 + font.get_height())
        #: What the last :meth:`draw` showed: ``(kind, rect, text)``, kind "hud" or "hint".
        self.shown: list[tuple[str, pygame.Rect, str]] = []

    #: The HUD strip at the top of the screen, in pixels: other text keeps out of it.
    BAR_HEIGHT = 36

    def _shadowed(self, surface: pygame.Surface, text: str, pos: tuple[int, int]) -> int:
        surface.blit(self.text.render(text, SHADOW), (pos[0] + 1, pos[1] + 1))
        rendered = self.text.render(text, INK)
        surface.blit(rendered, pos)
        self.shown.append(("hud", rendered.get_rect(topleft=pos), text))
        return rendered.get_width()

    def hint_size(self, hint: str) -> tuple[int, int]:
        """The hint panel's size in pixels (0×0 for no hint)."""
        if not hint:
            return (0, 0)
        rendered = self.text.render(hint, INK)
        return rendered.get_width() + 24, rendered.get_height() + 12

    def hint_home(self, hint: str) -> tuple[int, int]:
        """Where the hint panel goes when nothing is in the way (its top-left corner)."""
        w, h = self.hint_size(hint)
        return (self.width - w) // 2, self.height - h - 56

    def draw(
        self,
        surface: pygame.Surface,
        *,
        score: int,
        clock: str,
        hint: str = "",
        score_label: str = "Score",
        hint_at: tuple[int, int] | None = None,
    ) -> None:
        """Draw the HUD for this frame's values: "● Score 105" on the left, the clock right.

        The hint goes at ``hint_at`` (its top-left; default: its home spot).
        :attr:`shown` lists what was drawn: ``(kind, rect, text)``.
        """
        self.shown = []
        surface.blit(self._bar, (0, 0))
        pygame.draw.circle(surface, GOLD, (22, 18), 9)
        pygame.draw.circle(surface, GOLD_EDGE, (22, 18), 9, width=2)
        self._shadowed(surface, f"{score_label} {score}", (38, 8))
        clock_width = self.text.render(clock, INK).get_width()
        self._shadowed(surface, clock, (self.width - clock_width - 14, 8))
        if hint:
            rendered = self.text.render(hint, INK)
            size = self.hint_size(hint)
            panel = self._hint_panels.get(size)
            if panel is None:
                panel = pygame.Surface(size, pygame.SRCALPHA)
                pygame.draw.rect(panel, BAR, panel.get_rect(), border_radius=10)
                self._hint_panels[size] = panel
            left, top = hint_at if hint_at is not None else self.hint_home(hint)
            surface.blit(panel, (left, top))
            surface.blit(rendered, (left + 12, top + 6))
            self.shown.append(("hint", pygame.Rect((left, top), size), hint))
