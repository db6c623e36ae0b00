"""The conversation log (H): the lines said, newest at the bottom, scrollable.

The panel is opaque (nothing drawn under it shows through) and, like a chat
window, fills from the bottom up: the newest entry at the bottom, older ones above
as far as they fit, the topmost cut at its top if it must be (its speaker's name
stays, followed by "…"). Code quoted between backticks is drawn as code. Scrolling moves by entries:
:meth:`LogPanel.scroll` takes entries (positive: back in time), a page brings the
topmost entry down to the bottom; the scene maps PageUp/PageDown (a page), the
arrows and the wheel (one entry) to it. The header wraps to the panel's width.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.text.markup import code_runs, split_code
from game.text.wrap import wrap, wrap_spans
from game.widgets.text import CodeStyle, TextCache, text_size

__all__ = ["LogPanel"]

PANEL = (18, 22, 30)
EDGE = (240, 226, 180)
NAME = (250, 210, 110)
INK = (236, 236, 230)
TITLE = (200, 206, 214)
HEADER_TOP, HEADER_GAP, BOTTOM_PAD, LEFT = 10, 8, 8, 14
#: After the speaker's name of an entry cut at its top: it goes on above.
CUT = " …"
#: Code quoted in a line (between backticks): a light blue ink on a slate run.
CODE = CodeStyle(ink=(150, 214, 255), fill=(40, 52, 72))
#: A row of the panel, ``(text, colour, x, code runs)``, and an entry's rows under its speaker.
Row = tuple[str, tuple[int, int, int], int, tuple[tuple[int, int], ...]]
_Entry = tuple[str, list[Row]]


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
        #: The header lines the last frame showed (the title, wrapped to the width).
        self.header: list[str] = []
        #: Rows of text the last frame showed under the header, and rows it had room for.
        self.rows_shown, self.rows_room = 0, 0
        self._surface: pygame.Surface | None = None
        self._key: object = None
        self._entries = 0
        self._page = 1
        #: How far each PageUp since the last other move went back, for PageDown.
        self._pages: list[int] = []

    def toggle(self) -> None:
        """Show or hide the panel (it opens at the newest entry)."""
        self.visible = not self.visible
        self.offset = 0
        self._pages.clear()

    def scroll(self, entries: int) -> None:
        """Scroll back (``entries`` > 0) or forward, within the log."""
        self._pages.clear()
        self._move(entries)

    def _move(self, entries: int) -> None:
        self.offset = max(0, min(self.offset + entries, max(self._entries - 1, 0)))

    def page(self, direction: int) -> None:
        """Scroll a page back (``direction`` > 0: the topmost entry comes down to the
        bottom) or forward (retracing the pages gone back, so PageDown undoes PageUp)."""
        if direction < 0 and self._pages:
            self._move(-self._pages.pop())
            return
        before = self.offset
        self._move(direction * max(1, self._page - 1))
        if direction > 0 and self.offset != before:
            self._pages.append(self.offset - before)

    def draw(
        self, surface: pygame.Surface, lines: Sequence[tuple[str, str]], version: object
    ) -> None:
        """Draw the panel; ``version`` changes whenever ``lines`` do."""
        if not self.visible:
            return
        self._entries = len(lines)
        self.offset = min(self.offset, max(len(lines) - 1, 0))
        key = (version, self.offset, self.title)
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
        width = self.rect.width - 2 * LEFT - 10
        entries = list(lines)
        end = len(entries) - self.offset if self.newest_last else len(entries)

        def layout(title: str) -> tuple[list[str], int, list[_Entry], bool]:
            # The header, wrapped to the width, decides how many rows the entries get.
            header = wrap(title, self.rect.width - 2 * LEFT, self._width)
            top = HEADER_TOP + len(header) * line_height + HEADER_GAP
            room = max(1, (self.rect.height - top - BOTTOM_PAD) // line_height)
            self.rows_room = room
            return header, top, *self._choose(entries, end, room, width)

        header, top, chosen, whole = layout(self.title)
        if not whole:  # say where the view is, and how to move it
            header, top, chosen, whole = layout(f"{self.title} · {end}/{len(entries)} · PgUp/PgDn")
        self.header = header
        self._page = max(1, len(chosen))
        self.shown = [
            (speaker, " ".join(text for text, *_ in rows[1:])) for speaker, rows in chosen
        ]
        for n, text in enumerate(header):
            panel.blit(self.text.render(text, TITLE), (LEFT, HEADER_TOP + n * line_height))
        used = self.rows_shown = sum(len(rows) for _, rows in chosen)
        # A log sits on the panel's bottom edge, as a chat window does; a list starts at the top.
        y = self.rect.height - BOTTOM_PAD - used * line_height if self.newest_last else top
        for _speaker, rows in chosen:
            for text, color, x, code in rows:
                panel.blit(self.text.render_code(text, code, color, CODE), (x, y))
                y += line_height
        return panel

    def _choose(
        self, entries: list[tuple[str, str]], end: int, room: int, width: int
    ) -> tuple[list[_Entry], bool]:
        """The entries to show in ``room`` rows, as ``(speaker, rows)`` top to bottom,
        and whether that is every entry, whole.

        A log ends at entry ``end`` and goes back in time until the rows are full,
        cutting the topmost at its top; a list starts at entry ``offset`` and cuts
        the last at its end.
        """

        def rows_of(entry: tuple[str, str]) -> list[Row]:
            speaker, said = entry
            plain, code = split_code(said)  # code is shown as code, without its backticks
            rows: list[Row] = [(speaker, NAME, LEFT, ())]
            for start, stop in wrap_spans(plain, width, self._width):
                rows.append((plain[start:stop], INK, LEFT + 10, code_runs(start, stop, code)))
            return rows

        order = list(reversed(entries[:end])) if self.newest_last else entries[self.offset :]
        chosen: list[_Entry] = []
        used = 0
        for entry in order:
            rows = rows_of(entry)
            left = room - used
            if len(rows) <= left:
                chosen.append((entry[0], rows))
                used += len(rows)
                continue
            if self.newest_last and chosen and left >= 2:
                # The name, marked as cut, then the last rows that fit.
                name = (entry[0] + CUT, NAME, LEFT, ())
                chosen.append((entry[0], [name, *rows[len(rows) - (left - 1) :]]))
            elif not chosen:  # one entry taller than the panel: its start
                chosen.append((entry[0], rows[:room]))
            break
        if self.newest_last:
            chosen.reverse()
        whole = len(chosen) == len(entries) and used == sum(len(r) for _, r in chosen)
        return chosen, whole
