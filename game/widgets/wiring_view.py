"""The wiring overlay (F4): who reacts to what, drawn from the live bus.

Event types on the left, handlers (by qualified name) on the right, one row
and line for every subscription, with the events it received so far; the
lines that fired in the last second are drawn thick and orange. The edges come from
:func:`game.engine.wiring.edges` each frame while the overlay is up, and
nothing at all is done while it is hidden.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pygame

from game.engine.events import EventBus
from game.engine.wiring import Edge, RecentlyFired, edges
from game.widgets.text import TextCache

__all__ = ["WiringOverlay"]

PANEL = (12, 16, 24)  # opaque: nothing under the wiring ghosts through its text
INK = (226, 232, 226)
DIM = (150, 160, 160)
LINE = (92, 104, 118)
HOT = (255, 170, 60)
TITLE = (
    "Who reacts to what (F4): the live bus subscriptions, with the events each received; "
    "orange: fired in the last second"
)
MARGIN = 12
ROW = 17
#: Rows may close up to this (pixels) to keep to two columns: a third leaves each name
#: too little room, and they run into each other.
MIN_ROW = 14


class WiringOverlay:
    """Draws the bus's wiring over the game; :meth:`toggle` shows or hides it.

    ``clock`` gives seconds (default: the wall clock, which is right for a
    view: while the game is paused, menus still fire edges). Fonts: ``font``,
    or pygame's default at 15 px, made when first drawn.
    """

    def __init__(
        self,
        bus: EventBus,
        *,
        font: pygame.font.Font | None = None,
        clock: Callable[[], float] = time.monotonic,
        window: float = 1.0,
    ) -> None:
        self.bus = bus
        self.clock = clock
        self.visible = False
        self.recent = RecentlyFired(window)
        #: The edges and hot keys of the last frame drawn (for tests and tools).
        self.shown: list[Edge] = []
        self.hot: set[int] = set()
        self._font = font
        self._text: TextCache | None = None
        self._panel: pygame.Surface | None = None

    def toggle(self) -> None:
        """Show or hide. Reopening starts afresh: nothing is hot until it fires again."""
        self.visible = not self.visible
        self.recent = RecentlyFired(self.recent.window)
        self.shown, self.hot = [], set()

    def refresh(self) -> None:
        """Read the wiring now (:meth:`draw` does it every frame while visible)."""
        self.shown = edges(self.bus)
        self.hot = self.recent.update(self.shown, self.clock())

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the panel over the whole surface, if visible."""
        if not self.visible:
            return
        self.refresh()
        if self._text is None:
            self._text = TextCache(self._font or pygame.font.Font(None, 17), capacity=256)
        text = self._text
        width, height = surface.get_size()
        size = (width - 2 * MARGIN, height - 2 * MARGIN)
        if self._panel is None or self._panel.get_size() != size:
            self._panel = pygame.Surface(size, pygame.SRCALPHA)
            self._panel.fill(PANEL)
        surface.blit(self._panel, (MARGIN, MARGIN))
        surface.blit(text.render(TITLE, DIM), (2 * MARGIN, 2 * MARGIN))

        # One row per edge, grouped by event type (edges() sorts them so), in as
        # many columns as the rows need (a group never splits across two).
        top = 2 * MARGIN + ROW + 8
        columns = fit_columns(self.shown, height - top - 2 * MARGIN)
        step = min(ROW, (height - top - 2 * MARGIN) / max(max(map(len, columns)), 1))
        width_each = (width - 2 * MARGIN) / len(columns)
        for n, column in enumerate(columns):
            self._draw_column(surface, column, MARGIN + n * width_each, width_each, top, step)

    def _draw_column(
        self,
        surface: pygame.Surface,
        column: list[Edge],
        x: float,
        width: float,
        top: int,
        step: float,
    ) -> None:
        """The type on its group's first row, a bracket joining the group, and one straight
        line per row to its handler: no line crosses another."""
        assert self._text is not None
        text = self._text
        names = [text.render(e.source, INK).get_width() for e in column] or [0]
        left_edge = round(x + min(max(names) + MARGIN, width * 0.48))  # end of the type names
        right_edge = round(left_edge + min(64, width * 0.14))  # start of the handler names
        first_row: dict[str, int] = {}
        last_row: dict[str, int] = {}
        hot_sources: set[str] = set()
        for row, edge in enumerate(column):
            first_row.setdefault(edge.source, row)
            last_row[edge.source] = row
            if edge.key in self.hot:
                hot_sources.add(edge.source)

        def y_of(row: int) -> int:
            return round(top + step * row + step / 2)

        for source, row in first_row.items():
            color = HOT if source in hot_sources else INK
            name = text.render(source, color)
            surface.blit(name, name.get_rect(midright=(left_edge, y_of(row))))
            if last_row[source] > row:
                bracket = left_edge + 8
                pygame.draw.line(
                    surface, LINE, (bracket, y_of(row)), (bracket, y_of(last_row[source]))
                )
        for row, edge in enumerate(column):
            hot = edge.key in self.hot
            y = y_of(row)
            start = left_edge + (8 if last_row[edge.source] > first_row[edge.source] else 4)
            pygame.draw.line(
                surface, HOT if hot else LINE, (start, y), (right_edge - 6, y), 3 if hot else 1
            )
            count = text.render(f"{edge.delivered:,}", HOT if hot else DIM)
            box = count.get_rect(midright=(right_edge - 10, y)).inflate(6, 0)
            pygame.draw.rect(surface, PANEL[:3], box)
            surface.blit(count, count.get_rect(center=box.center))
            handler = text.render(edge.handler, HOT if hot else INK)
            surface.blit(handler, handler.get_rect(midleft=(right_edge, y)))


def fit_columns(shown: list[Edge], room: float) -> list[list[Edge]]:
    """``shown`` in columns ``room`` pixels tall: rows of ``ROW`` pixels, closing up to
    ``MIN_ROW`` if that keeps them to two columns."""
    for row in range(ROW, MIN_ROW - 1, -1):
        columns = _columns(shown, max(int(room // row), 1))
        if len(columns) <= 2:
            break
    return columns


def _columns(shown: list[Edge], fits: int) -> list[list[Edge]]:
    """``shown`` cut into the fewest columns of at most ``fits`` rows (more if one event
    type alone has more edges), never splitting an event type's group."""
    groups: list[list[Edge]] = []
    for edge in shown:
        if groups and groups[-1][0].source == edge.source:
            groups[-1].append(edge)
        else:
            groups.append([edge])
    count = max(1, -(-len(shown) // fits))
    # Balanced heights if the groups allow it, else as full as a column can be.
    for limit in (-(-len(shown) // count), fits):
        columns: list[list[Edge]] = [[]]
        for group in groups:
            if columns[-1] and len(columns[-1]) + len(group) > limit:
                columns.append([])
            columns[-1].extend(group)
        if len(columns) <= count:
            break
    return columns
