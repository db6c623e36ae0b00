"""The conversation log (H): the lines said, newest at the bottom, scrollable.

The panel is opaque (nothing drawn under it shows through) and shows whole
entries only, each under its speaker's name: scrolling moves by entries, so the
top one never loses its speaker. :meth:`LogPanel.scroll` takes entries (positive:
back in time); the scene maps PageUp/PageDown (a page), the arrows and the wheel
(one entry) to it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.text.markup import code_runs, split_code
from game.text.wrap import wrap_spans
from game.widgets.text import CodeStyle, TextCache, text_size

__all__ = ["LogPanel"]

PANEL = (18, 22, 30)
EDGE = (240, 226, 180)
NAME = (250, 210, 110)
INK = (236, 236, 230)
TITLE = (200, 206, 214)
TOP, BOTTOM_PAD, LEFT = 38, 8, 14
#: Code quoted in a line (between backticks): a light blue ink on a slate run.
CODE = CodeStyle(ink=(150, 214, 255), fill=(40, 52, 72))
Row = tuple[str, tuple[int, int, int], int, tuple[tuple[int, int], ...]]


class LogPanel:
    """Draws ``(speaker, text)`` entries wrapped into a panel; recomposed only on a change."""

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
        #: Entries scrolled back from the newest (0: the newest entry is at the bottom).
        self.offset = 0
        #: What the last frame showed: ``(speaker, text)`` per entry, oldest first.
        self.shown: list[tuple[str, str]] = []
        self._surface: pygame.Surface | None = None
        self._key: object = None
        self._entries = 0
        self._page = 1

    def toggle(self) -> None:
        """Show or hide the panel (it opens at the newest entry)."""
        self.visible = not self.visible
        self.offset = 0

    def scroll(self, entries: int) -> None:
        """Scroll back (``entries`` > 0) or forward, within the log."""
        self.offset = max(0, min(self.offset + entries, max(self._entries - 1, 0)))

    def page(self, direction: int) -> None:
        """Scroll a page back (``direction`` > 0) or forward."""
        self.scroll(direction * max(1, self._page - 1))

    def draw(
        self, surface: pygame.Surface, lines: Sequence[tuple[str, str]], version: object
    ) -> None:
        """Draw the panel; ``version`` changes whenever ``lines`` do."""
        if not self.visible:
            return
        self._entries = len(lines)
        self.offset = min(self.offset, max(len(lines) - 1, 0))
        key = (version, self.offset)
        if self._surface is None or key != self._key:
            self._surface = self._compose(lines)
            self._key = key
        surface.blit(self._surface, self.rect.topleft)

    def _width(self, text: str) -> int:
        return text_size(self.font, text)[0]

    def _compose(self, lines: Sequence[tuple[str, str]]) -> pygame.Surface:
        panel = pygame.Surface(self.rect.size)
        panel.fill((0, 0, 0))
        panel.set_colorkey((0, 0, 0))  # the rounded corners only
        pygame.draw.rect(panel, PANEL, panel.get_rect(), border_radius=12)
        pygame.draw.rect(panel, EDGE, panel.get_rect(), width=2, border_radius=12)
        line_height = self.font.get_linesize()
        room = (self.rect.height - TOP - BOTTOM_PAD) // line_height
        width = self.rect.width - 2 * LEFT - 10

        def rows_of(entry: tuple[str, str]) -> list[Row]:
            speaker, said = entry
            plain, code = split_code(said)  # code is shown as code, without its backticks
            rows: list[Row] = [(speaker, NAME, LEFT, ())]
            for start, end in wrap_spans(plain, width, self._width):
                rows.append((plain[start:end], INK, LEFT + 10, code_runs(start, end, code)))
            return rows

        # Whole entries, as many as fit: a log ends at the newest (less the offset),
        # a list starts at its first (plus the offset).
        entries = list(lines)
        if self.newest_last:
            end = len(entries) - self.offset
            order = list(reversed(entries[:end]))
        else:
            end = len(entries)
            order = entries[self.offset :]
        chosen: list[list[Row]] = []
        used = 0
        for entry in order:
            rows = rows_of(entry)
            if used + len(rows) > room:
                if not chosen:  # one entry taller than the panel: its start, cut
                    chosen.append(rows[:room])
                break
            chosen.append(rows)
            used += len(rows)
        if self.newest_last:
            chosen.reverse()
        self._page = max(1, len(chosen))
        self.shown = [(entry[0][0], " ".join(r[0] for r in entry[1:])) for entry in chosen]
        title = self.title
        if len(chosen) < len(entries):
            title = f"{self.title}  {end}/{len(entries)} · PgUp/PgDn"
        panel.blit(self.text.render(title, TITLE), (LEFT, 10))
        y = TOP
        for rows in chosen:
            for text, color, x, code in rows:
                panel.blit(self.text.render_code(text, code, color, CODE), (x, y))
                y += line_height
        return panel
