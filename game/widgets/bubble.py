"""Speech bubbles: a rounded box with a tail pointing at the speaker, typed out on game time.

Lifecycle (all on game time, advanced by :meth:`SpeechBubble.update`)::

    hidden ─think()─► thinking "…" ─append()/say()─► typing ─► reading ─► fading ─► hidden

* *typing* reveals ``cps`` characters (grapheme clusters) per second;
  :meth:`~SpeechBubble.skip` reveals the rest at once.
* *reading* lasts ``read_base + read_per_char × length`` seconds (at most ``read_max``).
* *fading* lowers the opacity to zero over ``fade_time`` seconds.

Streaming replies call :meth:`~SpeechBubble.append` per token and
:meth:`~SpeechBubble.finish` at the end; reading starts only after both the
stream and the reveal are complete.

:meth:`~SpeechBubble.draw` takes the speaker's screen position (interpolated by
the caller) every frame; :func:`layout_bubble` keeps the box inside the screen
while the tail still points at the speaker. The box with its text is composed
once per change (``renders`` counts compositions) and the lines come from a
:class:`~game.widgets.text.TextCache`, so a frame where nothing changed renders no text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import pygame

from game.text.wrap import graphemes, wrap
from game.widgets.text import TextCache

__all__ = ["BubbleLayout", "BubbleState", "BubbleStyle", "SpeechBubble", "layout_bubble"]

Color = tuple[int, int, int]
Point = tuple[int, int]

THINKING = "…"


class BubbleState(str, Enum):
    """A bubble's state machine, driven by game time in :meth:`SpeechBubble.update`.

    ``HIDDEN`` → (``THINKING``: "…" while a reply is awaited) → ``TYPING`` (the
    typewriter) → ``READING`` (time to read it) → ``FADING`` → ``HIDDEN``.
    Members equal their values (``BubbleState.TYPING == "typing"``).
    """

    HIDDEN = "hidden"
    THINKING = "thinking"
    TYPING = "typing"
    READING = "reading"
    FADING = "fading"


@dataclass(frozen=True, slots=True)
class BubbleStyle:
    """How a bubble looks; sizes in pixels."""

    max_text_width: int = 260
    min_text_width: int = 24
    padding: int = 8
    radius: int = 8
    border: int = 2
    tail_width: int = 14
    tail_height: int = 12
    #: Smallest gap between the bubble and the screen edge.
    margin: int = 4
    line_gap: int = 0
    fill: Color = (252, 250, 242)
    border_color: Color = (44, 42, 54)
    text_color: Color = (32, 30, 40)


@dataclass(frozen=True, slots=True)
class BubbleLayout:
    """Where a bubble goes: its box and its tail (a triangle from ``base`` to ``tip``)."""

    box: pygame.Rect
    tip: Point
    base: tuple[Point, Point]
    #: The box hangs below the speaker (no room above it).
    below: bool


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(value, high)) if low <= high else low


def layout_bubble(
    size: tuple[int, int],
    anchor: tuple[float, float],
    screen: pygame.Rect,
    style: BubbleStyle = BubbleStyle(),
    *,
    prefer_below: bool = False,
) -> BubbleLayout:
    """Place a box of ``size`` above ``anchor`` (the speaker), inside ``screen``.

    The box goes below the speaker when there is no room above (or when
    ``prefer_below`` and there is room below, to keep clear of another
    speaker's bubble); it slides
    sideways at the left and right edges. The tail's tip is the speaker's
    position (pulled inside the screen when the speaker is off it) and its base
    stays on the box edge facing the speaker, so it always points at them.
    """
    width, height = size
    m = style.margin
    tip_x = round(_clamp(anchor[0], screen.left + m, screen.right - 1 - m))
    tip_y = round(_clamp(anchor[1], screen.top + m, screen.bottom - 1 - m))
    gap = style.tail_height
    top = tip_y - gap - height
    room_below = tip_y + gap + height <= screen.bottom - m
    below = room_below and (prefer_below or top < screen.top + m)
    if below:
        top = tip_y + gap
    top = round(_clamp(top, screen.top + m, screen.bottom - m - height))
    left = round(_clamp(tip_x - width / 2, screen.left + m, screen.right - m - width))
    box = pygame.Rect(left, top, width, height)

    half = style.tail_width // 2
    inset = style.radius + half
    base_x = round(_clamp(tip_x, box.left + inset, box.right - inset))
    # The base sits on the border line, so the tail's fill hides the border under it.
    edge = box.top + style.border // 2 if below else box.bottom - 1 - style.border // 2
    base = ((base_x - half, edge), (base_x + half, edge))
    return BubbleLayout(box, (tip_x, tip_y), base, below)


class SpeechBubble:
    """One speaker's bubble. Drive it with :meth:`update` (game time) and :meth:`draw`.

    ``on_reveal(text)`` is called with the characters each update revealed
    (for typing blips). ``cache`` may be shared by several bubbles.
    """

    def __init__(
        self,
        font: pygame.font.Font,
        *,
        style: BubbleStyle = BubbleStyle(),
        cps: float = 30.0,
        read_base: float = 1.5,
        read_per_char: float = 0.06,
        read_max: float = 8.0,
        fade_time: float = 0.4,
        cache: TextCache | None = None,
        on_reveal: Callable[[str], None] | None = None,
    ) -> None:
        for name, value in (
            ("cps", cps),
            ("read_base", read_base),
            ("read_per_char", read_per_char),
            ("read_max", read_max),
            ("fade_time", fade_time),
        ):
            if not value >= 0 or value == float("inf"):
                raise ValueError(f"{name} must be a finite number >= 0, not {value!r}")
        if cps == 0:
            raise ValueError("cps must be > 0 characters per second")
        self.font = font
        self.style = style
        self.cps = cps
        self.read_base = read_base
        self.read_per_char = read_per_char
        self.read_max = read_max
        self.fade_time = fade_time
        self.cache = cache if cache is not None else TextCache(font)
        self.on_reveal = on_reveal
        #: Where the bubble is in its life (hidden → thinking → typing → reading → fading).
        self.state = BubbleState.HIDDEN
        #: The text so far (all of it, revealed or not).
        self.text = ""
        #: True while a streamed reply may still grow.
        self.streaming = False
        #: How many times the box was composed (text drawn into it), for tests.
        self.renders = 0
        self._lines: list[list[str]] = []  # the wrapped text, as grapheme clusters per line
        self._flat: list[str] = []
        self._total = 0
        self._revealed = 0
        self._typed_time = 0.0
        self._state_time = 0.0
        self._read_time = 0.0
        self._text_width = 0
        self._surface: pygame.Surface | None = None
        self._surface_key: tuple[object, ...] | None = None
        self._version = 0
        self._think_min = 0.0

    # -- what the NPC calls ---------------------------------------------------------------

    def say(self, text: str) -> None:
        """Show ``text``, typed out from the start."""
        self._reset(BubbleState.TYPING)
        self.streaming = False
        self._set_text(text)
        self._after_reveal()

    def think(self, min_time: float = 0.0) -> None:
        """Show the "…" thinking bubble until the reply arrives, for at least ``min_time``.

        Text that arrives sooner (the rule brain answers at once) waits, so the
        player sees the NPC think for a moment.
        """
        if not 0 <= min_time < float("inf"):
            raise ValueError(f"min_time must be a finite number >= 0, not {min_time!r}")
        self._reset(BubbleState.THINKING)
        self.streaming = True
        self._think_min = min_time

    def append(self, token: str) -> None:
        """Add a streamed token; text turns the thinking bubble into typing.

        Appending to a bubble that is not streaming starts a new stream.
        """
        if self.streaming and self.state == BubbleState.THINKING:
            self._set_text(self.text + token)
            self._stop_thinking()
            return
        if not (self.streaming and self.state == BubbleState.TYPING):
            self._reset(BubbleState.TYPING)
            self.streaming = True
        self._set_text(self.text + token)

    def finish(self, text: str | None = None) -> None:
        """The stream is complete (``text``, if given, replaces what was streamed)."""
        if text is not None and text != self.text:
            if self.state == BubbleState.HIDDEN:
                self.say(text)
                return
            self._set_text(text)
            self._revealed = min(self._revealed, self._total)
        self.streaming = False
        if self.state == BubbleState.THINKING and not self.text:
            self.hide()  # an empty reply: nothing to show
            return
        self._stop_thinking()
        self._after_reveal()

    def skip(self) -> None:
        """Reveal all of the text now; while reading, start fading out."""
        if self.state == BubbleState.TYPING:
            self._reveal_to(self._total)
            self._typed_time = self._total / self.cps
            self._after_reveal()
        elif self.state == BubbleState.READING:
            self._set_state(BubbleState.FADING)

    def hide(self) -> None:
        """Disappear at once (a cancelled reply)."""
        self._reset(BubbleState.HIDDEN)

    # -- time ----------------------------------------------------------------------------

    @property
    def visible(self) -> bool:
        """Whether the bubble draws anything."""
        return self.state != BubbleState.HIDDEN

    @property
    def revealed(self) -> int:
        """How many characters (grapheme clusters) are shown."""
        return self._revealed

    @property
    def total(self) -> int:
        """How many characters the wrapped text has (without the spaces at line breaks)."""
        return self._total

    @property
    def shown_text(self) -> str:
        """The revealed part of the text, lines joined with ``\\n``."""
        return "\n".join("".join(line) for line in self._visible_lines())

    @property
    def read_time(self) -> float:
        """How long the full text stays after it is revealed, before fading."""
        return min(self.read_max, self.read_base + self.read_per_char * self._total)

    @property
    def alpha(self) -> int:
        """Current opacity, 0..255."""
        if self.state == BubbleState.HIDDEN:
            return 0
        if self.state != BubbleState.FADING or self.fade_time == 0:
            return 255
        return max(0, min(255, round(255 * (1 - self._state_time / self.fade_time))))

    def update(self, dt: float) -> None:
        """Advance the bubble by ``dt`` seconds of game time."""
        if dt < 0:
            raise ValueError(f"dt must be >= 0, not {dt!r}")
        if self.state == BubbleState.HIDDEN:
            return
        self._state_time += dt
        if self.state == BubbleState.THINKING:
            waited = self._state_time
            self._stop_thinking()
            if self._now(BubbleState.TYPING):
                dt = waited - self._think_min  # the rest of dt is typing time
        if self.state == BubbleState.TYPING:
            full = self._total / self.cps
            reached = self._typed_time + dt
            # Never bank time while waiting for streamed text: it would burst out later.
            self._typed_time = min(reached, full)
            self._reveal_to(min(self._total, int(self._typed_time * self.cps + 1e-9)))
            self._after_reveal()
            if self._now(BubbleState.READING):
                self._state_time = max(0.0, reached - full)  # the rest of dt counts as reading
        # Leftover time flows on, so the timing does not depend on how frames fall.
        if self.state == BubbleState.READING and self._state_time >= self._read_time:
            leftover = self._state_time - self._read_time
            self._set_state(BubbleState.FADING)
            self._state_time = leftover
        if self.state == BubbleState.FADING and self._state_time >= self.fade_time:
            self._reset(BubbleState.HIDDEN)

    # -- drawing -------------------------------------------------------------------------

    def box_size(self) -> tuple[int, int]:
        """The box's size in pixels (it does not change while a known text is typed)."""
        s = self.style
        if self.state == BubbleState.THINKING:
            text_w, lines = max(s.min_text_width, self.font.size(THINKING)[0]), 1
        else:
            text_w, lines = max(s.min_text_width, self._text_width), max(1, len(self._lines))
        line_h = self.font.get_linesize() + s.line_gap
        return text_w + 2 * s.padding, lines * line_h - s.line_gap + 2 * s.padding

    def layout(
        self, anchor: tuple[float, float], screen: pygame.Rect, *, below: bool = False
    ) -> BubbleLayout:
        """Where :meth:`draw` puts the bubble for this anchor and screen."""
        return layout_bubble(self.box_size(), anchor, screen, self.style, prefer_below=below)

    def draw(
        self, surface: pygame.Surface, anchor: tuple[float, float], *, below: bool = False
    ) -> BubbleLayout | None:
        """Draw the bubble pointing at ``anchor`` (the speaker's head, in screen pixels).

        ``below`` hangs it under ``anchor`` (then the speaker's feet) where it fits.
        """
        if self.state == BubbleState.HIDDEN:
            return None
        placed = self.layout(anchor, surface.get_rect(), below=below)
        body = self._compose()
        alpha = self.alpha
        body.set_alpha(alpha if alpha < 255 else None)
        surface.blit(body, placed.box.topleft)
        self._draw_tail(surface, placed, alpha)
        return placed

    def _draw_tail(self, surface: pygame.Surface, placed: BubbleLayout, alpha: int) -> None:
        s = self.style
        points = [placed.base[0], placed.tip, placed.base[1]]
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        pad = s.border + 1
        area = pygame.Rect(min(xs) - pad, min(ys) - pad, 0, 0)
        area.width = max(xs) - area.left + pad + 1
        area.height = max(ys) - area.top + pad + 1
        layer = pygame.Surface(area.size, pygame.SRCALPHA)
        local = [(x - area.left, y - area.top) for x, y in points]
        pygame.draw.polygon(layer, s.fill, local)
        if s.border:
            pygame.draw.line(layer, s.border_color, local[0], local[1], s.border)
            pygame.draw.line(layer, s.border_color, local[1], local[2], s.border)
        if alpha < 255:
            layer.set_alpha(alpha)
        surface.blit(layer, area.topleft)

    def _compose(self) -> pygame.Surface:
        key = (self.state == BubbleState.THINKING, self._version, self._revealed)
        if self._surface is not None and key == self._surface_key:
            return self._surface
        s = self.style
        size = self.box_size()
        body = pygame.Surface(size, pygame.SRCALPHA)
        rect = body.get_rect()
        pygame.draw.rect(body, s.fill, rect, border_radius=s.radius)
        if s.border:
            pygame.draw.rect(body, s.border_color, rect, s.border, border_radius=s.radius)
        line_h = self.font.get_linesize() + s.line_gap
        if self.state == BubbleState.THINKING:
            lines = [THINKING]
        else:
            lines = ["".join(line) for line in self._visible_lines()]
        for row, line in enumerate(lines):
            if line:
                text = self.cache.render(line, s.text_color)
                body.blit(text, (s.padding, s.padding + row * line_h))
        self._surface, self._surface_key = body, key
        self.renders += 1
        return body

    # -- internals -----------------------------------------------------------------------

    def _visible_lines(self) -> list[list[str]]:
        left = self._revealed
        shown = []
        for line in self._lines:
            if left <= 0:
                break
            shown.append(line[:left])
            left -= len(line)
        return shown

    def _measure(self, text: str) -> int:
        return self.font.size(text)[0]

    def _set_text(self, text: str) -> None:
        self.text = text
        wrapped = wrap(text, self.style.max_text_width, self._measure)
        self._lines = [list(graphemes(line)) for line in wrapped]
        self._flat = [c for line in self._lines for c in line]
        self._total = len(self._flat)
        self._text_width = max((self._measure(line) for line in wrapped), default=0)
        self._version += 1

    def _reveal_to(self, count: int) -> None:
        if count <= self._revealed:
            return
        if self.on_reveal is not None:
            self.on_reveal("".join(self._flat[self._revealed : count]))
        self._revealed = count

    def _stop_thinking(self) -> None:
        thought = self._state_time >= self._think_min
        if self.state == BubbleState.THINKING and self.text and thought:
            self._set_state(BubbleState.TYPING)

    def _after_reveal(self) -> None:
        if (
            self.state == BubbleState.TYPING
            and self._revealed >= self._total
            and not self.streaming
        ):
            self._read_time = self.read_time
            self._set_state(BubbleState.READING)

    def _now(self, state: BubbleState) -> bool:
        # A call, not ``self.state == state``: mypy would carry the narrowing of an
        # earlier test across the method call that just changed the state.
        return self.state is state

    def _set_state(self, state: BubbleState) -> None:
        self.state = state
        self._state_time = 0.0

    def _reset(self, state: BubbleState) -> None:
        self._set_state(state)
        self.text = ""
        self.streaming = False
        self._lines = []
        self._flat = []
        self._total = 0
        self._revealed = 0
        self._typed_time = 0.0
        self._text_width = 0
        self._version += 1
