"""The debug overlay (F3): what the loop, the bus and the engine parts are doing now."""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Mapping

import pygame

from game.engine.events import Event, EventBus, Priority, Subscription
from game.engine.loop import FixedUpdate
from game.widgets.fonts import default_font
from game.widgets.text import TextCache

__all__ = ["DebugOverlay"]

INK = (236, 240, 232)
DIM = (170, 180, 170)
# Nearly opaque: opened over the pause panel or a log, their text must not ghost through
# its own; a faint glimpse of the village (and its collider boxes) is kept.
PANEL = (12, 16, 20, 236)
BOX = (255, 80, 200)


class DebugOverlay:
    """Counts events per second by class and remembers the last ten.

    ``stats`` is called when drawing and returns the lines to show as
    ``name -> value``, so the overlay knows nothing of the game it inspects.
    The overlay observes only while :attr:`visible`, so it costs nothing
    when hidden.
    """

    def __init__(
        self,
        bus: EventBus,
        stats: Callable[[], Mapping[str, object]],
        *,
        ticks_per_second: int = 60,
    ) -> None:
        self.bus = bus
        self.stats = stats
        self.ticks_per_second = ticks_per_second
        self.visible = False
        self.last_events: deque[str] = deque(maxlen=10)
        self.per_second: Counter[str] = Counter()
        self._window: deque[Counter[str]] = deque(maxlen=ticks_per_second)
        self._current: Counter[str] = Counter()
        self._subscription: Subscription | None = None
        self._text: TextCache | None = None
        self._panel: pygame.Surface | None = None

    def toggle(self) -> None:
        """Show or hide; while hidden nothing is observed."""
        self.visible = not self.visible
        if self.visible and self._subscription is None:
            # An observer: sees every event before any handler can stop it.
            self._subscription = self.bus.subscribe(
                Event, self._observe, priority=Priority.OBSERVER
            )
        elif not self.visible and self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
            self._window.clear()
            self._current.clear()
            self.per_second.clear()

    def _observe(self, event: Event) -> None:
        name = type(event).__name__
        if isinstance(event, FixedUpdate):
            # A sliding one-second window of ticks, summed on the way in and out.
            if len(self._window) == self._window.maxlen:
                self.per_second.subtract(self._window[0])
            self._window.append(self._current)
            self.per_second.update(self._current)
            self._current = Counter()
        self._current[name] += 1
        if isinstance(event, FixedUpdate):
            return  # one per tick: it would push every other event off the list
        text = repr(event)
        self.last_events.append(text if len(text) <= 70 else text[:69] + "…")

    def draw(self, surface: pygame.Surface, font: pygame.font.Font | None = None) -> None:
        """Draw the panel in the top-left corner."""
        if not self.visible:
            return
        if self._text is None:
            self._text = TextCache(font or default_font(18), capacity=256)
        lines: list[tuple[str, tuple[int, int, int]]] = [
            (f"{key}: {value}", INK) for key, value in self.stats().items()
        ]
        busiest = sorted(
            ((n, c) for n, c in self.per_second.items() if c > 0), key=lambda nc: (-nc[1], nc[0])
        )
        lines.append(("events / s:", DIM))
        lines.extend((f"  {name} {count}", INK) for name, count in busiest[:8])
        lines.append(("last events:", DIM))
        lines.extend((f"  {text}", INK) for text in self.last_events)
        height = 8 + 16 * len(lines)
        if self._panel is None or self._panel.get_height() != height:
            self._panel = pygame.Surface((470, height), pygame.SRCALPHA)
            self._panel.fill(PANEL)
        surface.blit(self._panel, (6, 40))
        for row, (text, color) in enumerate(lines):
            surface.blit(self._text.render(text, color), (12, 44 + 16 * row))

    @staticmethod
    def draw_boxes(surface: pygame.Surface, boxes: list[tuple[float, float, float, float]]) -> None:
        """Outline collider boxes (x, y, w, h)."""
        for x, y, w, h in boxes:
            pygame.draw.rect(surface, BOX, (round(x), round(y), round(w), round(h)), width=1)
