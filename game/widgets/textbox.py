"""The chat text box: one line of text, typed with the keyboard or an input method.

Callbacks, as everywhere in the game:

* ``ActionPressed("chat")`` (Enter or T) opens the box.
* While it is open, its ``KeyDown``, ``TextInput`` and ``TextEditing``
  handlers run at :data:`TEXTBOX_PRIORITY` and return ``HANDLED``: the event stops
  there, so typing "wasd" moves no one.
* Typed characters come from ``TextInput`` only; ``KeyDown`` is for editing
  keys. An input method's composition comes from ``TextEditing``: it is drawn
  underlined at the caret and becomes text only when the input method commits
  it (a ``TextInput``), so a message is never sent half-composed.
* Enter publishes :class:`~game.widgets.chat_events.ChatSubmitted`; Esc discards.
* A paste arrives as a ``TextPasted`` event: the input mapper reads the
  clipboard when Ctrl+V is fed, so the text is part of the recorded input
  and a replay pastes the same thing. Ctrl+V itself does nothing here.

The caret moves by grapheme clusters (:mod:`game.text.graphemes`). The platform
side effects (the input method, key repeat, Ctrl+C's clipboard) go through two
small objects that tests replace with fakes.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Protocol

import pygame
import regex

from game.engine.events import HANDLED, EventBus, Priority, Subscription
from game.engine.input_events import (
    ActionPressed,
    FocusChanged,
    KeyDown,
    TextEditing,
    TextInput,
    TextPasted,
)
from game.engine.platform.bindings import BindingsError, KeyInput, parse_input
from game.engine.platform.input import SHORTCUT_MODS
from game.text import graphemes
from game.widgets.chat_events import ChatClosed, ChatOpened, ChatSubmitted
from game.widgets.fonts import default_font
from game.widgets.text import TextCache, text_size

__all__ = [
    "HISTORY_SIZE",
    "MAX_LENGTH",
    "TEXTBOX_PRIORITY",
    "Clipboard",
    "LineEditor",
    "PygameClipboard",
    "PygameTextInput",
    "TextBox",
    "TextInputControl",
]

log = logging.getLogger(__name__)

#: The text-entry layer: above the game, below a modal panel (Priority.TEXT_ENTRY).
TEXTBOX_PRIORITY = Priority.TEXT_ENTRY
#: Longest message, in code points.
MAX_LENGTH = 200
#: Sent messages kept for Up/Down.
HISTORY_SIZE = 50
#: Key repeat while the box is open (ms before the first repeat, ms between).
REPEAT_DELAY, REPEAT_INTERVAL = 400, 35

_ENTER = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER})
#: Keys whose repeats act; a held Enter or Esc does its thing once.
_REPEATABLE = frozenset(
    {
        pygame.K_LEFT, pygame.K_RIGHT, pygame.K_HOME, pygame.K_END, pygame.K_UP,
        pygame.K_DOWN, pygame.K_BACKSPACE, pygame.K_DELETE,
    }
)  # fmt: skip

Color = tuple[int, int, int]
INK: Color = (245, 245, 240)
DIM: Color = (170, 175, 185)
WARN: Color = (255, 196, 92)
PANEL = (20, 24, 32, 210)
CARET: Color = (255, 255, 255)
MARGIN, BOX_HEIGHT, PADDING = 16, 40, 10


# -- platform seams ------------------------------------------------------------


class Clipboard(Protocol):
    """Where Ctrl+C puts text and a paste takes it from (the input mapper reads it)."""

    def get_text(self) -> str: ...

    def put_text(self, text: str) -> None: ...


class PygameClipboard:
    """The system clipboard through ``pygame.scrap`` (pygame-ce's text API)."""

    def get_text(self) -> str:
        """The clipboard's text, or ``""`` if there is none or it cannot be read."""
        try:
            return pygame.scrap.get_text()
        except pygame.error as exc:
            log.warning("cannot read the clipboard: %s", exc)
            return ""

    def put_text(self, text: str) -> None:
        """Put ``text`` on the clipboard (logged, not raised, if that fails)."""
        try:
            pygame.scrap.put_text(text)
        except pygame.error as exc:
            log.warning("cannot write the clipboard: %s", exc)


class TextInputControl(Protocol):
    """Turns the OS input method and key repeat on and off, and places the candidates."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def set_rect(self, rect: tuple[int, int, int, int]) -> None: ...

    def set_key_repeat(self, enabled: bool) -> None: ...


class PygameTextInput:
    """:class:`TextInputControl` through ``pygame.key``."""

    def __init__(self) -> None:
        self._saved_repeat = (0, 0)

    def start(self) -> None:
        """``pygame.key.start_text_input()``: TEXTINPUT and TEXTEDITING events flow."""
        pygame.key.start_text_input()

    def stop(self) -> None:
        """``pygame.key.stop_text_input()``: keys are for playing, no input method."""
        pygame.key.stop_text_input()

    def set_rect(self, rect: tuple[int, int, int, int]) -> None:
        """Where the input method puts its candidate window (next to the caret)."""
        pygame.key.set_text_input_rect(pygame.Rect(rect))

    def set_key_repeat(self, enabled: bool) -> None:
        """Turn pygame's key repeat on (saving the old setting) or restore it."""
        try:
            if enabled:
                self._saved_repeat = pygame.key.get_repeat()
                pygame.key.set_repeat(REPEAT_DELAY, REPEAT_INTERVAL)
            else:
                pygame.key.set_repeat(*self._saved_repeat)
        except pygame.error as exc:  # no video system (a scene built without a window)
            log.debug("key repeat unavailable: %s", exc)


# -- the text and its caret (no pygame) ------------------------------------------


# Default-ignorable code points that shape their neighbours, kept in the text: the
# joiners (emoji ZWJ sequences, Persian and Indic), variation selectors, tags
# (subdivision flags) and the Hangul jamo fillers. The others (zero-width space,
# U+2060, the BOM, bidi marks, U+034F, soft hyphen, …) are invisible on their own
# and would reach the NPC as text the player cannot see: they are not inserted.
_SHAPING = regex.compile(
    r"[\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef\U000e0020-\U000e007f\u115f\u1160]"
)


def _clean(text: str) -> str:
    """One line: line breaks and tabs become spaces; control characters and
    stand-alone invisible characters go."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return "".join(
        c
        for c in text
        if unicodedata.category(c) != "Cc"
        and (not graphemes.is_ignorable(c) or _SHAPING.match(c) is not None)
    )


class LineEditor:
    """A line of at most ``max_length`` code points and a caret on a grapheme boundary."""

    def __init__(self, max_length: int = MAX_LENGTH) -> None:
        if max_length < 1:
            raise ValueError(f"max_length must be at least 1, not {max_length!r}")
        self.max_length = max_length
        self.text = ""
        self.caret = 0

    def set(self, text: str) -> bool:
        """Replace the text, caret at the end. Returns whether it had to be cut."""
        cut = graphemes.clip(text, self.max_length)
        self.text = cut
        self.caret = len(cut)
        return len(cut) < len(text)

    def insert(self, piece: str) -> bool:
        """Insert at the caret, cut to fit on a grapheme boundary. Returns whether cut."""
        room = self.max_length - len(self.text)
        fitted = graphemes.clip(piece, max(room, 0))
        self.text = self.text[: self.caret] + fitted + self.text[self.caret :]
        self.caret += len(fitted)
        self._settle()
        return len(fitted) < len(piece)

    def _settle(self) -> None:
        # Text joined at the caret can form one cluster across it (e + ◌́):
        # the caret then moves to the end of that cluster.
        if self.caret not in graphemes.boundaries(self.text):
            self.caret = graphemes.next_boundary(self.text, self.caret)

    def _delete(self, start: int, end: int) -> None:
        self.text = self.text[:start] + self.text[end:]
        self.caret = start
        self._settle()

    def left(self) -> None:
        """Caret one cluster left."""
        self.caret = graphemes.previous_boundary(self.text, self.caret)

    def right(self) -> None:
        """Caret one cluster right."""
        self.caret = graphemes.next_boundary(self.text, self.caret)

    def word_left(self) -> None:
        """Caret to the start of the word before it."""
        self.caret = graphemes.word_start(self.text, self.caret)

    def word_right(self) -> None:
        """Caret to the end of the word after it."""
        self.caret = graphemes.word_end(self.text, self.caret)

    def home(self) -> None:
        """Caret to the start."""
        self.caret = 0

    def end(self) -> None:
        """Caret to the end."""
        self.caret = len(self.text)

    def backspace(self) -> None:
        """Delete the cluster before the caret."""
        self._delete(graphemes.previous_boundary(self.text, self.caret), self.caret)

    def delete(self) -> None:
        """Delete the cluster after the caret."""
        self._delete(self.caret, graphemes.next_boundary(self.text, self.caret))

    def delete_word_back(self) -> None:
        """Delete back to the start of the word (Ctrl+Backspace)."""
        self._delete(graphemes.word_start(self.text, self.caret), self.caret)

    def delete_word_forward(self) -> None:
        """Delete up to the end of the word (Ctrl+Delete)."""
        self._delete(self.caret, graphemes.word_end(self.text, self.caret))


# -- the widget --------------------------------------------------------------------


def _types_text(source: str) -> bool:
    """Whether the key a binding names also types a character (``"t"``, not ``"return"``)."""
    try:
        given = parse_input(source, "source")
    except BindingsError:
        return False
    # SDL's keycode of a character key is that character.
    return isinstance(given, KeyInput) and 32 <= given.key < 0x40000000 and given.key != 127


class TextBox:
    """The chat box at the bottom of the screen.

    ``font`` is any ``pygame.font.Font`` (default: pygame's own, made when
    first drawn); ``clipboard`` and ``text_input`` default to the real
    platform. ``screen_size`` places the box.
    """

    def __init__(
        self,
        bus: EventBus,
        *,
        font: pygame.font.Font | None = None,
        clipboard: Clipboard | None = None,
        text_input: TextInputControl | None = None,
        screen_size: tuple[int, int] = (960, 540),
        max_length: int = MAX_LENGTH,
        open_action: str = "chat",
        priority: int = TEXTBOX_PRIORITY,
    ) -> None:
        self.bus = bus
        self.editor = LineEditor(max_length)
        self.clipboard: Clipboard = clipboard if clipboard is not None else PygameClipboard()
        self.text_input: TextInputControl = (
            text_input if text_input is not None else PygameTextInput()
        )
        self.open_action = open_action
        self.is_open = False
        #: The word before the typed text; the owner may set it in its UI language.
        self.label = "Say:"
        #: The input method's composition (not yet text), and its cursor.
        self.composition = ""
        self.composition_cursor = 0
        #: Shown under the box when a paste or typing was cut to the limit.
        self.hint: str | None = None
        self.history: list[str] = []
        self._history_index: int | None = None
        self._draft = ""
        # The tick of the key that opened the box, when that key types a
        # character: its TEXTINPUT, if one follows, must not land in the box.
        self._swallow_tick: int | None = None
        width, height = screen_size
        self.rect = pygame.Rect(
            MARGIN, height - MARGIN - BOX_HEIGHT, width - 2 * MARGIN, BOX_HEIGHT
        )
        self._font = font
        self._text: TextCache | None = None
        self._panel: pygame.Surface | None = None
        self._ime_rect: tuple[int, int, int, int] | None = None
        self._scroll = 0
        self._blink_origin: float | None = None
        self._measured: tuple[object, tuple[str, int, int, int, int]] | None = None
        self.subscriptions: list[Subscription] = [
            bus.subscribe(KeyDown, self.on_key_down, priority=priority),
            bus.subscribe(TextInput, self.on_text_input, priority=priority),
            bus.subscribe(TextEditing, self.on_text_editing, priority=priority),
            bus.subscribe(TextPasted, self.on_text_pasted, priority=priority),
            bus.subscribe(ActionPressed, self.on_action),
            bus.subscribe(FocusChanged, self.on_focus_changed),
        ]
        # Closed: keys are for playing. With text input on, an input method
        # would turn "wasd" into a composition instead of key presses.
        self.text_input.stop()

    # -- state --------------------------------------------------------------

    @property
    def text(self) -> str:
        """The committed text (without any composition)."""
        return self.editor.text

    @property
    def caret(self) -> int:
        """The caret's index into :attr:`text`, always on a grapheme boundary."""
        return self.editor.caret

    @property
    def font(self) -> pygame.font.Font:
        """The font text is measured and drawn with."""
        if self._font is None:
            self._font = default_font(26)
        return self._font

    # -- opening and closing --------------------------------------------------

    def open(self, tick: int, *, swallow_text: bool = False) -> None:
        """Open the box empty. ``swallow_text``: drop the opening key's own TEXTINPUT."""
        if self.is_open:
            return
        self.is_open = True
        self.editor.set("")
        self._history_index = None
        self.composition = ""
        self.hint = None
        self._swallow_tick = tick if swallow_text else None
        self._ime_rect = None
        self._blink_origin = None
        self.text_input.start()
        self.text_input.set_key_repeat(True)
        self.bus.post(ChatOpened(tick))

    def close(self, tick: int, *, sent: bool = False) -> None:
        """Close the box, discarding what is in it."""
        if not self.is_open:
            return
        self.is_open = False
        self.editor.set("")
        self.composition = ""
        self.hint = None
        self._swallow_tick = None
        self.text_input.stop()
        self.text_input.set_key_repeat(False)
        self.bus.post(ChatClosed(tick, sent))

    def submit(self, tick: int) -> None:
        """Send the text (if it is not blank) as :class:`ChatSubmitted`, and close."""
        message = self.editor.text.strip()
        if message:
            if not self.history or self.history[-1] != message:
                self.history.append(message)
                del self.history[:-HISTORY_SIZE]
            self.bus.publish(ChatSubmitted(message))
        self.close(tick, sent=bool(message))

    # -- callbacks ------------------------------------------------------------

    def on_action(self, event: ActionPressed) -> None:
        """The chat action opens the box."""
        if event.action == self.open_action and not self.is_open:
            self.open(event.tick, swallow_text=_types_text(event.source))

    def on_focus_changed(self, event: FocusChanged) -> None:
        """Losing focus ends any composition (the input method drops it too)."""
        if not event.focused:
            self.composition = ""

    def on_text_input(self, event: TextInput) -> bool | None:
        """Committed text: insert it at the caret."""
        if not self.is_open:
            return None
        if self._swallow_tick is not None and self._swallow_tick == event.tick:
            self._swallow_tick = None
            return HANDLED
        self._swallow_tick = None
        self._blink_origin = None
        self.composition = ""
        self._insert(event.text)
        return HANDLED

    def on_text_pasted(self, event: TextPasted) -> bool | None:
        """Pasted text: insert it at the caret as one line (not while composing)."""
        if not self.is_open:
            return None
        self._swallow_tick = None
        self._blink_origin = None
        if not self.composition:  # the input method owns the keys while it composes
            self._insert(event.text)
        return HANDLED

    def on_text_editing(self, event: TextEditing) -> bool | None:
        """The input method's composition changed: show it, do not insert it."""
        if not self.is_open:
            return None
        self._swallow_tick = None
        self._blink_origin = None
        # Bounded like typed text: the composition reaches SDL_ttf every frame,
        # and 10 MB of it crashed there.
        limit = self.editor.max_length
        self.composition = graphemes.clip(_clean(event.text[: limit * 4]), limit)
        self.composition_cursor = max(0, min(event.start, len(self.composition)))
        return HANDLED

    def on_key_down(self, event: KeyDown) -> bool | None:
        """Editing keys. Returns ``True`` while open: the key goes no further."""
        if not self.is_open:
            return None
        self._swallow_tick = None
        self._blink_origin = None  # the caret shows at once after any key
        key = event.key
        if self.composition:
            return HANDLED  # the input method owns the keys while it composes
        if event.repeat and key not in _REPEATABLE:
            return HANDLED
        shortcut = bool(event.mod & SHORTCUT_MODS)
        editor = self.editor
        if key in _ENTER:
            self.submit(event.tick)
        elif key == pygame.K_ESCAPE:
            self.close(event.tick)
        elif key == pygame.K_LEFT and shortcut:
            editor.word_left()
        elif key == pygame.K_LEFT:
            editor.left()
        elif key == pygame.K_RIGHT and shortcut:
            editor.word_right()
        elif key == pygame.K_RIGHT:
            editor.right()
        elif key == pygame.K_HOME:
            editor.home()
        elif key == pygame.K_END:
            editor.end()
        elif key == pygame.K_BACKSPACE and shortcut:
            editor.delete_word_back()
            self.hint = None
        elif key == pygame.K_BACKSPACE:
            editor.backspace()
            self.hint = None
        elif key == pygame.K_DELETE and shortcut:
            editor.delete_word_forward()
            self.hint = None
        elif key == pygame.K_DELETE:
            editor.delete()
            self.hint = None
        elif key == pygame.K_UP:
            self._recall(-1)
        elif key == pygame.K_DOWN:
            self._recall(+1)
        elif shortcut and key == pygame.K_c and editor.text:
            self.clipboard.put_text(editor.text)
        return HANDLED

    # -- editing helpers -------------------------------------------------------

    def _insert(self, text: str) -> None:
        cut = self.editor.insert(_clean(text))
        self.hint = f"{self.editor.max_length} characters at most" if cut else None

    def _recall(self, direction: int) -> None:
        if not self.history:
            return
        index = self._history_index
        if direction < 0:
            if index is None:
                self._draft = self.editor.text
                index = len(self.history) - 1
            elif index > 0:
                index -= 1
            else:
                return
        else:
            if index is None:
                return
            index += 1
            if index == len(self.history):
                self._history_index = None
                self.editor.set(self._draft)
                return
        self._history_index = index
        self.editor.set(self.history[index])

    # -- drawing ----------------------------------------------------------------

    def _measure(self, font: pygame.font.Font) -> tuple[str, int, int, int, int]:
        # Font.size of a 200-character line costs ~90 µs: measure once per change.
        key = (self.text, self.caret, self.composition, self.composition_cursor, font)
        if self._measured is not None and self._measured[0] == key:
            return self._measured[1]
        before = self.text[: self.caret]
        shown = before + self.composition + self.text[self.caret :]
        layout = (
            shown,
            text_size(font, before)[0],
            text_size(font, before + self.composition)[0],
            text_size(font, before + self.composition[: self.composition_cursor])[0],
            text_size(font, shown)[0],
        )
        self._measured = (key, layout)
        return layout

    def draw(self, surface: pygame.Surface, time: float) -> None:
        """Draw the open box; ``time`` (game time, seconds) blinks the caret."""
        if not self.is_open:
            return
        font = self.font
        if self._text is None or self._text.font is not font:
            self._text = TextCache(font)
        if self._panel is None:
            self._panel = pygame.Surface(self.rect.size, pygame.SRCALPHA)
            self._panel.fill(PANEL)
        box = self.rect
        surface.blit(self._panel, box.topleft)

        label = self._text.render(self.label, DIM)
        line_y = box.y + (box.height - font.get_height()) // 2
        surface.blit(label, (box.x + PADDING, line_y))
        left = box.x + PADDING + label.get_width() + 8
        counter = f"{len(self.text)}/{self.editor.max_length}"
        counter_surface = self._text.render(counter, WARN if self.hint else DIM)
        right = box.right - PADDING - counter_surface.get_width() - 8
        surface.blit(counter_surface, (box.right - PADDING - counter_surface.get_width(), line_y))
        width = max(right - left, 1)

        # What is shown: the text with the composition spliced in at the caret.
        shown, x_before, x_composed, x_caret, shown_width = self._measure(font)
        # Scroll so the caret stays inside the box.
        if x_caret - self._scroll > width - 2:
            self._scroll = x_caret - width + 2
        elif x_caret < self._scroll:
            self._scroll = x_caret
        self._scroll = max(0, min(self._scroll, max(shown_width - width + 2, 0)))

        line = self._text.render(shown, INK)
        clip = surface.get_clip()
        surface.set_clip(pygame.Rect(left, box.y, width, box.height).clip(clip))
        surface.blit(line, (left - self._scroll, line_y))
        if self.composition:
            underline_y = line_y + font.get_ascent() + 3
            start, end = left - self._scroll + x_before, left - self._scroll + x_composed
            pygame.draw.line(surface, INK, (start, underline_y), (end, underline_y), 1)
        if self._blink_origin is None:
            self._blink_origin = time
        caret_x = left - self._scroll + x_caret
        if (time - self._blink_origin) % 1.0 < 0.5:
            pygame.draw.line(
                surface, CARET, (caret_x, line_y), (caret_x, line_y + font.get_height() - 2), 2
            )
        surface.set_clip(clip)

        if self.hint:
            hint = self._text.render(self.hint, WARN)
            surface.blit(hint, (box.right - hint.get_width(), box.y - hint.get_height() - 4))

        # The input method's candidate window goes just below the caret.
        ime_rect = (caret_x, box.y, 2, box.height)
        if ime_rect != self._ime_rect:
            self._ime_rect = ime_rect
            self.text_input.set_rect(ime_rect)
