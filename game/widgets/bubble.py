"""Speech bubbles: a rounded box with a tail pointing at the speaker, typed out on game time.

Lifecycle (all on game time, advanced by :meth:`SpeechBubble.update`)::

    hidden ─think()─► thinking "…" ─append()/say()─► typing ─► reading ─► fading ─► hidden
                                                        ▲          │ a next page
                                                        └──────────┘

* The box is bounded: at most ``style.max_lines`` lines show at once (a *page*).
  Longer text is paged: each page is typed, then read, then the next page is typed.
* *typing* reveals ``cps`` characters (grapheme clusters) per second of the page;
  :meth:`~SpeechBubble.skip` reveals the rest of the page at once.
* *reading*: a page is on show for its reading time, ``read_base + read_per_char ×
  its length`` seconds (at most ``read_max``; a wide CJK character or emoji counts
  ``WIDE_READ_WEIGHT``), counted from when it began typing: the reader reads along as
  it types, so after the reveal it holds only the rest of that time (at least
  ``read_base``). Then the next page types, or, after the last page, the bubble fades:
  however long the player stays next to the speaker, a bubble that was read goes away.
* *fading* lowers the opacity to zero over ``fade_time`` seconds.
* ``say(text, instant=True)`` shows each page whole at once (the player's own line).

The box grows with its text, line by line, instead of showing an empty box sized
for the whole answer.

Streaming replies call :meth:`~SpeechBubble.append` per token and
:meth:`~SpeechBubble.finish` at the end; the last page is read only after both the
stream and the reveal are complete. Wrapping is incremental (:func:`wrap_spans`
re-wraps only the last two lines), so a token costs work proportional to the
token, not to the reply so far.

:meth:`~SpeechBubble.draw` takes the speaker's screen position (interpolated by
the caller) every frame; :func:`layout_bubble` keeps the box inside the screen
while the tail still points at the speaker (a layout step may instead pass a
:class:`BubbleLayout` it chose to :meth:`~SpeechBubble.draw_at`). The box with its
text is composed once per change (``renders`` counts compositions) and the lines come
from a :class:`~game.widgets.text.TextCache`, so a frame where nothing changed renders no text.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import pygame

from game.text.markup import Span, code_runs, split_code
from game.text.wrap import graphemes, is_wide, wrap_spans
from game.widgets.text import CodeStyle, TextCache

__all__ = [
    "WIDE_READ_WEIGHT",
    "BubbleLayout",
    "BubbleState",
    "BubbleStyle",
    "SpeechBubble",
    "layout_at",
    "layout_bubble",
]

Color = tuple[int, int, int]
Point = tuple[int, int]

THINKING = "…"
#: How many Latin letters' reading time a wide (CJK) character takes: Chinese is read at
#: about 255 characters a minute, English at about 238 words (~1,200 letters) a minute
#: (Brysbaert 2019, "How many words do we read per minute?"), ~4.7 times slower a
#: character; 3 is kept lower, since a Chinese line says as much in fewer characters.
WIDE_READ_WEIGHT = 3
#: Code quoted in a bubble: a blue ink on a pale blue-grey run.
CODE = CodeStyle(ink=(22, 78, 140), fill=(224, 231, 243))


class BubbleState(str, Enum):
    """A bubble's state machine, driven by game time in :meth:`SpeechBubble.update`.

    ``HIDDEN`` → (``THINKING``: "…" while a reply is awaited) → ``TYPING`` (the
    typewriter) → ``READING`` (time to read it; then the next page types, or) →
    ``FADING`` → ``HIDDEN``. Members equal their values (``BubbleState.TYPING == "typing"``).
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
    #: Lines shown at once (one page); longer text is paged.
    max_lines: int = 4
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
    #: Code quoted between backticks.
    code: CodeStyle = CODE


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


def layout_at(box: pygame.Rect, anchor: tuple[float, float], style: BubbleStyle) -> BubbleLayout:
    """The tail for a box a layout step placed: from the box edge facing ``anchor`` to it."""
    tip = (round(anchor[0]), round(anchor[1]))
    below = tip[1] < box.centery
    half = style.tail_width // 2
    inset = style.radius + half
    base_x = round(_clamp(tip[0], box.left + inset, box.right - inset))
    edge = box.top + style.border // 2 if below else box.bottom - 1 - style.border // 2
    return BubbleLayout(
        pygame.Rect(box), tip, ((base_x - half, edge), (base_x + half, edge)), below
    )


_STARTS = itertools.count(1)


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
        if style.max_lines < 1:
            raise ValueError(f"style.max_lines must be at least 1, not {style.max_lines!r}")
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
        #: The text so far (all of it, revealed or not), without the backticks of code.
        self.text = ""
        #: Where :attr:`text` quotes code (it was between backticks): ``(start, end)``
        #: code point spans, drawn in ``style.code``.
        self.code: tuple[Span, ...] = ()
        self._raw = ""  # the text as given, backticks and all (a stream appends to it)
        #: True while a streamed reply may still grow.
        self.streaming = False
        #: Each page shows whole at once (the player's own line), not typed out.
        self.instant = False
        #: How many times the box was composed (text drawn into it), for tests.
        self.renders = 0
        #: Grows each time a bubble starts a new line of speech: newer bubbles are larger.
        self.started = 0
        #: The page shown (0-based); pages are ``style.max_lines`` lines each.
        self.page = 0
        self._spans: list[tuple[int, int]] = []  # each line's code point span in text
        self._lines: list[list[str]] = []  # each line's grapheme clusters
        self._widths: list[int] = []  # each line's width in pixels
        self._starts: list[int] = [0]  # the cluster index each line starts at (+ the total)
        self._flat: list[str] = []
        self._cluster_widths: dict[str, int] = {}  # kept across tokens: same font, same sizes
        self._prefix_widths: dict[str, int] = {}  # of partly typed lines
        self._tails: dict[tuple[tuple[int, int], ...], pygame.Surface] = {}
        self._size_key: tuple[object, ...] | None = None
        self._ahead_key: tuple[object, ...] | None = None
        self._typed_columns: dict[int, int] = {}  # row → pixels of it drawn into the box
        self._size = (0, 0)
        self._wrapped_all = True  # the lines cover all of the text
        self._stale_tail = False  # text was added after the last line: re-wrap it
        self._revealed = 0
        self._typed_time = 0.0  # seconds of typing on this page
        self._read_along = 0.0  # of which the reader read along (not skipped)
        self._page_base = 0  # clusters revealed when this page began typing
        self._state_time = 0.0
        self._read_time = 0.0
        self._surface: pygame.Surface | None = None
        self._surface_key: tuple[object, ...] | None = None
        self._surface_quick: tuple[object, ...] | None = None
        self._version = 0
        self._think_min = 0.0

    # -- what the NPC calls ---------------------------------------------------------------

    def say(self, text: str, *, instant: bool = False) -> None:
        """Show ``text``, typed out from the start (``instant``: each page whole at once)."""
        self._reset(BubbleState.TYPING)
        self.streaming = False
        self.instant = instant
        self._set_text(text)
        if instant:
            self._reveal_to(self._page_end())
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
        if self.streaming and self._now(BubbleState.THINKING):
            self._set_text(self._raw + token)
            self._stop_thinking()
            return
        if not (self.streaming and self.state in (BubbleState.TYPING, BubbleState.READING)):
            self._reset(BubbleState.TYPING)
            self.streaming = True
        # Only the text grows here: the lines are wrapped when they are next needed,
        # so the tokens that arrive within one frame are wrapped together.
        self._set_text(self._raw + token)

    def finish(self, text: str | None = None) -> None:
        """The stream is complete (``text``, if given, replaces what was streamed)."""
        if text is not None and text != self._raw:
            if self._now(BubbleState.HIDDEN):
                self.say(text)
                return
            self._set_text(text)
        self.streaming = False
        if self._now(BubbleState.THINKING) and not self.text:
            self.hide()  # an empty reply: nothing to show
            return
        self._stop_thinking()
        self._after_reveal()

    def skip(self) -> None:
        """Reveal the rest of the page now; while reading, turn the page or start fading."""
        if self._now(BubbleState.TYPING):
            self._reveal_to(self._page_end())
            self._read_along = self._typed_time  # the rest was skipped, not read yet
            self._typed_time = (self._revealed - self._page_base) / self.cps
            self._after_reveal()
        elif self._now(BubbleState.READING):
            if self._has_next_page():
                self._next_page()
            else:
                self._set_state(BubbleState.FADING)

    def hide(self) -> None:
        """Disappear at once (a cancelled reply)."""
        self._reset(BubbleState.HIDDEN)

    # -- time ----------------------------------------------------------------------------

    @property
    def visible(self) -> bool:
        """Whether the bubble draws anything."""
        return not self._now(BubbleState.HIDDEN)

    @property
    def revealed(self) -> int:
        """How many characters (grapheme clusters) of the whole text have been shown."""
        return self._revealed

    @property
    def total(self) -> int:
        """How many characters the wrapped text has (without the spaces at line breaks).

        Wraps all of the text (the bubble itself wraps only as far as it shows).
        """
        self._sync(everything=True)
        return self._starts[-1]

    @property
    def pages(self) -> int:
        """How many pages the text so far fills (wraps all of it, like :attr:`total`)."""
        self._sync(everything=True)
        return max(1, -(-len(self._lines) // self.style.max_lines))

    @property
    def shown_text(self) -> str:
        """The revealed part of the page on show, lines joined with ``\\n``."""
        if self._now(BubbleState.THINKING):
            return THINKING
        return "\n".join("".join(line) for line in self._visible_lines())

    @property
    def read_time(self) -> float:
        """Seconds a reader needs for the page on show: ``read_base`` + ``read_per_char``
        a character, a wide one (CJK, emoji) ``WIDE_READ_WEIGHT`` times that; at most
        ``read_max``."""
        first, last = self._page_lines()
        length = sum(
            WIDE_READ_WEIGHT if is_wide(cluster) else 1
            for line in self._lines[first:last]
            for cluster in line
        )
        return min(self.read_max, self.read_base + self.read_per_char * length)

    @property
    def hold_time(self) -> float:
        """Seconds the revealed page stays before the next page or fading: its
        :attr:`read_time` less the time it spent typing (read along), at least ``read_base``."""
        reading = self.read_time
        return max(min(self.read_base, reading), reading - self._read_along)

    @property
    def alpha(self) -> int:
        """Current opacity, 0..255."""
        if self._now(BubbleState.HIDDEN):
            return 0
        if not self._now(BubbleState.FADING) or self.fade_time == 0:
            return 255
        return max(0, min(255, round(255 * (1 - self._state_time / self.fade_time))))

    def update(self, dt: float) -> None:
        """Advance the bubble by ``dt`` seconds of game time."""
        if dt < 0:
            raise ValueError(f"dt must be >= 0, not {dt!r}")
        if self._now(BubbleState.HIDDEN):
            return
        self._state_time += dt
        showing = self.state in (BubbleState.TYPING, BubbleState.READING)
        if showing and self._has_next_page():
            self._sync(ahead=min(self.style.max_lines, len(self._lines) - self._page_lines()[1]))
        if self._now(BubbleState.THINKING):
            waited = self._state_time
            self._stop_thinking()
            if self._now(BubbleState.TYPING):
                dt = waited - self._think_min  # the rest of dt is typing time
        # Leftover time flows on, so the timing does not depend on how frames fall.
        while True:  # each pass turns at most one page, and there are finitely many
            if self._now(BubbleState.TYPING):
                dt = self._type(dt)
            if self._now(BubbleState.READING) and self._state_time >= self._read_time:
                leftover = self._state_time - self._read_time
                if self._has_next_page():
                    self._next_page()
                    if self._now(BubbleState.READING):  # an instant page: read at once
                        self._state_time = leftover
                    dt = leftover
                    continue
                self._set_state(BubbleState.FADING)
                self._state_time = leftover
            break
        if self._now(BubbleState.FADING) and self._state_time >= self.fade_time:
            self._reset(BubbleState.HIDDEN)

    def _type(self, dt: float) -> float:
        """Type for ``dt`` seconds; returns the time left over once the page was read out."""
        available = self._page_end() - self._page_base
        full = available / self.cps
        reached = self._typed_time + dt
        # Never bank time while waiting for streamed text: it would burst out later.
        self._typed_time = self._read_along = min(reached, full)
        self._reveal_to(self._page_base + min(available, int(self._typed_time * self.cps + 1e-9)))
        self._after_reveal()
        if self._now(BubbleState.READING):
            self._state_time = max(0.0, reached - full)  # the rest of dt counts as reading
        return max(0.0, reached - full)

    # -- drawing -------------------------------------------------------------------------

    def box_size(self) -> tuple[int, int]:
        """The box's size in pixels: it grows line by line as the page is revealed."""
        key = (self._now(BubbleState.THINKING), self._version, self._revealed, self.page)
        if key != self._size_key:
            self._size_key, self._size = key, self._measure_box()
        return self._size

    def _measure_box(self) -> tuple[int, int]:
        s = self.style
        if self._now(BubbleState.THINKING):
            text_w, lines = max(s.min_text_width, self.font.size(THINKING)[0]), 1
        else:
            first, last = self._page_lines()
            shown = self._shown_line_count(first, last)
            widest = max(self._widths[first : first + shown], default=0)
            text_w, lines = max(s.min_text_width, widest), max(1, shown)
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
        if self._now(BubbleState.HIDDEN):
            return None
        placed = self.layout(anchor, surface.get_rect(), below=below)
        self.draw_at(surface, placed)
        return placed

    def draw_at(self, surface: pygame.Surface, placed: BubbleLayout) -> None:
        """Draw the bubble where a layout step put it (its box must be :meth:`box_size`)."""
        if self._now(BubbleState.HIDDEN):
            return
        self._sync()  # streamed text may have changed the lines on show
        alpha = self.alpha
        if self._now(BubbleState.TYPING):
            surface.blit(self._compose_typing(), placed.box.topleft)
        else:
            body = self._compose()
            body.set_alpha(alpha if alpha < 255 else None)
            surface.blit(body, placed.box.topleft)
        self._draw_tail(surface, placed, alpha)
        if self._ahead_key != (self._version, self.page):
            self._render_ahead()

    def _render_ahead(self) -> None:
        """Render one line of this or the next page before it shows (one per frame).

        A line's first render rasterises its new glyphs (CJK ones cost ~50 µs each):
        done ahead, a frame when a line starts or a page turns costs no more than any.
        """
        first = self._page_lines()[0]
        last = min(len(self._lines), first + 2 * self.style.max_lines)
        if not self._wrapped_all:
            last = min(last, len(self._lines) - 1)  # the last line may still grow
        color = self.style.text_color
        for line in range(first, last):
            start, end = self._spans[line]
            text = self.text[start:end]
            if (text, color) not in self.cache:
                self.cache.render(text, color)
                return
        self._ahead_key = (self._version, self.page)  # all rendered: nothing to do until a change

    def _compose_typing(self) -> pygame.Surface:
        """The box while typing: each line is rendered whole once and revealed by
        blitting the newly revealed columns of it into the box, so a revealed
        character costs one small blit, not a render nor a composition."""
        more = (self._has_next_page() or self.streaming) and self._page_revealed()
        key = ("typing", self._version, self.page, self.box_size(), more)
        if self._surface is None or key != self._surface_key:
            self._surface = self._box(more)
            self._surface_key = key
            self._surface_quick = None
            self._typed_columns = {}
            self.renders += 1
        s = self.style
        line_h = self.font.get_linesize() + s.line_gap
        first, last = self._page_lines()
        for row, line in enumerate(range(first, last)):
            count = self._revealed - self._starts[line]
            if count <= 0:
                break
            done = self._typed_columns.get(row, 0)
            full = self._line_surface(line)
            reach = full.get_width()
            if count < len(self._lines[line]):
                reach = min(reach, self._prefix_width(line, count))
            if reach > done:
                area = pygame.Rect(done, 0, reach - done, full.get_height())
                self._surface.blit(full, (s.padding + done, s.padding + row * line_h), area)
                self._typed_columns[row] = reach
        return self._surface

    def _box(self, more: bool) -> pygame.Surface:
        """An empty box of :meth:`box_size`, with the "more" mark if ``more``."""
        s = self.style
        body = pygame.Surface(self.box_size(), pygame.SRCALPHA)
        rect = body.get_rect()
        pygame.draw.rect(body, s.fill, rect, border_radius=s.radius)
        if s.border:
            pygame.draw.rect(body, s.border_color, rect, s.border, border_radius=s.radius)
        if more and not self._now(BubbleState.THINKING):
            # A small triangle in the bottom-right corner: more text follows.
            x, y = rect.right - s.padding - 1, rect.bottom - s.padding // 2 - 2
            pygame.draw.polygon(body, s.border_color, [(x - 8, y - 5), (x, y - 5), (x - 4, y)])
        return body

    def _line_surface(self, line: int) -> pygame.Surface:
        """Line ``line`` whole, its code set apart (cached)."""
        start, end = self._spans[line]
        runs = code_runs(start, end, self.code)
        return self.cache.render_code(
            self.text[start:end], runs, self.style.text_color, self.style.code
        )

    def _prefix_width(self, line: int, count: int) -> int:
        prefix = "".join(self._lines[line][:count])
        width = self._prefix_widths.get(prefix)
        if width is None:
            if len(self._prefix_widths) > 512:
                self._prefix_widths.clear()
            width = self._prefix_widths[prefix] = self._measure(prefix)
        return width

    def _draw_tail(self, surface: pygame.Surface, placed: BubbleLayout, alpha: int) -> None:
        s = self.style
        points = [placed.base[0], placed.tip, placed.base[1]]
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        pad = s.border + 1
        area = pygame.Rect(min(xs) - pad, min(ys) - pad, 0, 0)
        area.width = max(xs) - area.left + pad + 1
        area.height = max(ys) - area.top + pad + 1
        local = tuple((x - area.left, y - area.top) for x, y in points)
        layer = self._tails.get(local)
        if layer is None:
            if len(self._tails) > 64:
                self._tails.clear()
            layer = self._tails[local] = pygame.Surface(area.size, pygame.SRCALPHA)
            pygame.draw.polygon(layer, s.fill, local)
            if s.border:
                pygame.draw.line(layer, s.border_color, local[0], local[1], s.border)
                pygame.draw.line(layer, s.border_color, local[1], local[2], s.border)
        layer.set_alpha(alpha)  # 255: opaque, per-pixel alpha still applies
        surface.blit(layer, area.topleft)

    def _compose(self) -> pygame.Surface:
        """The box with the page's revealed text (thinking, reading, fading), once per change."""
        quick = (self._version, self._revealed, self.page, self.state, self.streaming)
        if self._surface is not None and quick == self._surface_quick:
            return self._surface  # nothing that shows changed (the common frame)
        self._surface_quick = quick
        more = (self._has_next_page() or self.streaming) and self._page_revealed()
        key: tuple[object, ...] = (self._now(BubbleState.THINKING), self.box_size(), more)
        key += (self._version, self._revealed, self.page)
        if self._surface is not None and key == self._surface_key:
            return self._surface
        s = self.style
        body = self._box(more)
        line_h = self.font.get_linesize() + s.line_gap
        if self._now(BubbleState.THINKING):
            body.blit(self.cache.render(THINKING, s.text_color), (s.padding, s.padding))
        else:
            first = self._page_lines()[0]
            for row, shown in enumerate(self._visible_lines()):
                if not shown:
                    continue
                line = self._line_surface(first + row)
                reach = line.get_width()
                if len(shown) < len(self._lines[first + row]):
                    reach = min(reach, self._prefix_width(first + row, len(shown)))
                area = pygame.Rect(0, 0, reach, line.get_height())
                body.blit(line, (s.padding, s.padding + row * line_h), area)
        self._surface, self._surface_key = body, key
        self.renders += 1
        return body

    # -- internals -----------------------------------------------------------------------

    def _page_lines(self) -> tuple[int, int]:
        """The page on show as a range of line indices."""
        self._sync()
        first = min(self.page * self.style.max_lines, len(self._lines))
        return first, min(first + self.style.max_lines, len(self._lines))

    def _page_end(self) -> int:
        """The cluster index where the page on show ends."""
        return self._starts[self._page_lines()[1]]

    def _page_revealed(self) -> bool:
        return self._revealed >= self._page_end()

    def _has_next_page(self) -> bool:
        self._sync()
        return len(self._lines) > (self.page + 1) * self.style.max_lines

    def _shown_line_count(self, first: int, last: int) -> int:
        shown = 0
        for line in range(first, last):
            if self._starts[line] >= self._revealed and line > first:
                break
            shown += 1
        return shown

    def _visible_lines(self) -> list[list[str]]:
        first, last = self._page_lines()
        shown = []
        for line in range(first, last):
            left = self._revealed - self._starts[line]
            if left <= 0 and line > first:
                break
            shown.append(self._lines[line][: max(left, 0)])
        return shown

    def _next_page(self) -> None:
        self.page += 1
        self._page_base = self._starts[self._page_lines()[0]]
        self._revealed = max(self._revealed, self._page_base)
        self._typed_time = self._read_along = 0.0
        self._set_state(BubbleState.TYPING)
        if self.instant:
            self._reveal_to(self._page_end())
        self._after_reveal()

    def _measure(self, text: str) -> int:
        return self.font.size(text)[0]

    def _set_text(self, raw: str) -> None:
        """Take the new text; lines are wrapped later, as far as the page on show needs."""
        self._raw = raw
        text, self.code = split_code(raw)
        if not text.startswith(self.text):
            del self._spans[:], self._lines[:], self._widths[:], self._starts[1:], self._flat[:]
            self._revealed = self._page_base = self.page = 0
            self._version += 1
            self._wrapped_all = not text
            self._stale_tail = False
        elif self._wrapped_all and len(text) > len(self.text):
            self._wrapped_all = False
            self._stale_tail = True  # the last lines may break differently now
        self.text = text

    def _sync(self, *, everything: bool = False, ahead: int = 0) -> None:
        """Wrap the text as far as needed: the page on show, and whether another follows.

        Only the last two lines are ever wrapped again (:func:`wrap_spans`), from a
        slice of the text just long enough for the lines still missing, so the work
        is proportional to what was added, never to the text so far. ``ahead``
        wraps that many lines more (each frame while the page is read, one line
        of the next page is wrapped, so turning the page costs no wrapping).
        """
        needed = (self.page + 1) * self.style.max_lines + 1 + ahead
        if everything:
            needed = len(self.text) + 1
        scale = 1
        while self._stale_tail or (not self._wrapped_all and len(self._lines) < needed):
            target = max(needed, len(self._spans))  # a stale tail is re-wrapped in full
            keep = max(0, len(self._spans) - 2)
            offset = self._spans[keep][0] if keep else 0
            # A quarter more than the lines so far hold on average; a shortfall loops
            # with a larger slice (a line of narrow letters), so every pass progresses.
            shown = self._starts[-1]
            per_line = shown * 5 // (4 * len(self._lines)) if self._lines else 0
            budget = (target - keep + 1) * max(per_line, 16) * scale
            scale *= 4
            piece = self.text[offset : offset + budget]
            cut = offset + budget < len(self.text)
            if len(self._cluster_widths) > 4096:
                self._cluster_widths.clear()
            spans = wrap_spans(
                piece,
                self.style.max_text_width,
                self._measure,
                self._cluster_widths,
                max_lines=target - keep + 1,
            )
            complete = not cut and len(spans) <= target - keep
            if not complete:
                # The last line may end where the slice or the limit cut it: it goes.
                # What is left must be a line at least, and more lines than before
                # unless this pass only re-wraps a stale tail; else a larger slice.
                gained = keep + len(spans) - 1 > len(self._spans)
                if len(spans) < 2 or not (gained or self._stale_tail):
                    continue
                spans.pop()
            self._stale_tail = False
            del self._spans[keep:], self._lines[keep:], self._widths[keep:]
            del self._starts[keep + 1 :]
            del self._flat[self._starts[keep] :]
            for start, end in spans:
                line = self.text[offset + start : offset + end]
                clusters = graphemes(line)
                self._spans.append((offset + start, offset + end))
                self._lines.append(clusters)
                self._widths.append(self._measure(line))
                self._flat.extend(clusters)
                self._starts.append(self._starts[-1] + len(clusters))
            self._wrapped_all = complete
            self._revealed = min(self._revealed, self._starts[-1])
            self._version += 1

    def _reveal_to(self, count: int) -> None:
        if count <= self._revealed:
            return
        if self.on_reveal is not None:
            self.on_reveal("".join(self._flat[self._revealed : count]))
        self._revealed = count

    def _stop_thinking(self) -> None:
        if self._now(BubbleState.THINKING) and self.text and self._state_time >= self._think_min:
            self._set_state(BubbleState.TYPING)
            if self.instant:
                self._reveal_to(self._page_end())

    def _after_reveal(self) -> None:
        """A page fully revealed is read once it is complete: a next page, or the stream ended."""
        if (
            self._now(BubbleState.TYPING)
            and self._page_revealed()
            and (self._has_next_page() or not self.streaming)
        ):
            self._read_time = self.hold_time
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
        if state is not BubbleState.HIDDEN:
            self.started = next(_STARTS)
        self.text = self._raw = ""
        self.code = ()
        self.streaming = False
        self.instant = False
        self.page = 0
        self._spans = []
        self._lines = []
        self._widths = []
        self._starts = [0]
        self._flat = []
        self._wrapped_all = True
        self._stale_tail = False
        self._revealed = 0
        self._typed_time = self._read_along = 0.0
        self._page_base = 0
        self._version += 1
