"""The conversation log (H): the last lines said, newest at the bottom."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.text.wrap import wrap
from game.widgets.text import TextCache

__all__ = ["LogPanel"]

PANEL = (18, 22, 30, 215)
EDGE = (240, 226, 180)
NAME = (250, 210, 110)
INK = (236, 236, 230)
TITLE = (200, 206, 214)


class LogPanel:
    """Draws ``(speaker, text)`` lines wrapped into a panel; recomposed only when they change."""

    def __init__(
        self,
        font: pygame.font.Font,
        rect: tuple[int, int, int, int],
        title: str = "Conversation (H to close)",
        *,
        newest_last: bool = True,
    ) -> None:
        self.font = font
        self.title = title
        #: True: when the lines overflow, the first are cut (a log); False: the last (a list).
        self.newest_last = newest_last
        self.rect = pygame.Rect(rect)
        self.visible = False
        self.text = TextCache(font, capacity=256)
        self._surface: pygame.Surface | None = None
        self._version: object = None

    def toggle(self) -> None:
        """Show or hide the panel."""
        self.visible = not self.visible

    def draw(
        self, surface: pygame.Surface, lines: Sequence[tuple[str, str]], version: object
    ) -> None:
        """Draw the panel; ``version`` changes whenever ``lines`` do."""
        if not self.visible:
            return
        if self._surface is None or version != self._version:
            self._surface = self._compose(lines)
            self._version = version
        surface.blit(self._surface, self.rect.topleft)

    def _width(self, text: str) -> int:
        return self.font.size(text)[0]

    def _compose(self, lines: Sequence[tuple[str, str]]) -> pygame.Surface:
        panel = pygame.Surface(self.rect.size, pygame.SRCALPHA)
        pygame.draw.rect(panel, PANEL, panel.get_rect(), border_radius=12)
        pygame.draw.rect(panel, EDGE, panel.get_rect(), width=2, border_radius=12)
        line_height = self.font.get_linesize()
        panel.blit(self.text.render(self.title, TITLE), (14, 10))
        width = self.rect.width - 28
        rows: list[tuple[str, tuple[int, int, int], int]] = []  # text, colour, indent
        for speaker, said in lines:
            rows.append((speaker, NAME, 14))
            rows.extend((row, INK, 24) for row in wrap(said, width - 10, self._width))
        room = (self.rect.height - 44) // line_height
        y = 38
        for text, color, x in rows[-room:] if self.newest_last else rows[:room]:
            panel.blit(self.text.render(text, color), (x, y))
            y += line_height
        return panel
