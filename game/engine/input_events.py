"""Typed input events, stamped with the tick they apply to.

Pure dataclasses (no pygame), so replays and brains can use them too. The
:class:`~game.engine.platform.input.InputMapper` makes them from pygame events.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.events import Event

__all__ = [
    "ActionPressed",
    "ActionReleased",
    "FocusChanged",
    "GamepadAdded",
    "GamepadAxisMotion",
    "GamepadButtonDown",
    "GamepadButtonUp",
    "GamepadRemoved",
    "InputEvent",
    "KeyDown",
    "KeyUp",
    "MouseDown",
    "MouseMotion",
    "MouseUp",
    "MouseWheel",
    "QuitRequested",
    "TextEditing",
    "TextInput",
    "TextPasted",
    "WindowResized",
]

#: A position or a size in window pixels, ``(x, y)``.
Point = tuple[int, int]


@dataclass(frozen=True, slots=True)
class InputEvent(Event):
    """Base of every input event: ``tick`` is the fixed step it is published in."""

    tick: int


@dataclass(frozen=True, slots=True)
class KeyDown(InputEvent):
    """A key went down (``repeat`` for the OS's key repeat). Not for typed text."""

    key: int
    mod: int = 0
    repeat: bool = False


@dataclass(frozen=True, slots=True)
class KeyUp(InputEvent):
    """A key went up."""

    key: int
    mod: int = 0


@dataclass(frozen=True, slots=True)
class TextInput(InputEvent):
    """Committed text from the keyboard or an input method (may be several characters)."""

    text: str


@dataclass(frozen=True, slots=True)
class TextPasted(InputEvent):
    """Text pasted from the clipboard (Ctrl+V, Cmd+V on macOS).

    The clipboard is read when the key is fed, not when a handler runs, so
    the text travels with the event and a replay pastes the same text.
    """

    text: str


@dataclass(frozen=True, slots=True)
class TextEditing(InputEvent):
    """The input method's composition so far (not yet text).

    ``text`` is the whole composition; ``start`` and ``length`` select the
    part the input method is converting (its cursor when ``length`` is 0).
    An empty ``text`` means the composition ended or was cancelled.
    """

    text: str
    start: int = 0
    length: int = 0


@dataclass(frozen=True, slots=True)
class MouseDown(InputEvent):
    """A mouse button went down at ``pos``: 1 left, 2 middle, 3 right."""

    pos: Point
    button: int


@dataclass(frozen=True, slots=True)
class MouseUp(InputEvent):
    """A mouse button went up at ``pos``."""

    pos: Point
    button: int


@dataclass(frozen=True, slots=True)
class MouseMotion(InputEvent):
    """The mouse moved to ``pos`` by ``rel``; ``buttons`` held (left, middle, right)."""

    pos: Point
    rel: Point = (0, 0)
    buttons: tuple[bool, bool, bool] = (False, False, False)


@dataclass(frozen=True, slots=True)
class MouseWheel(InputEvent):
    """The wheel turned: ``y > 0`` is away from the player, ``x > 0`` to the right.

    Fractional on smooth-scrolling devices; the OS's "natural scrolling" flip
    is already undone.
    """

    x: float
    y: float


@dataclass(frozen=True, slots=True)
class WindowResized(InputEvent):
    """The window's drawable size changed to ``size`` (width, height)."""

    size: Point


@dataclass(frozen=True, slots=True)
class GamepadAdded(InputEvent):
    """A gamepad was plugged in (or found at start); ``device_index`` is SDL's."""

    device_index: int


@dataclass(frozen=True, slots=True)
class GamepadRemoved(InputEvent):
    """The gamepad ``pad`` (its instance id) was unplugged."""

    pad: int


@dataclass(frozen=True, slots=True)
class GamepadButtonDown(InputEvent):
    """A button of gamepad ``pad`` went down; ``button`` is SDL's name (``"a"``, ``"dpleft"``)."""

    pad: int
    button: str


@dataclass(frozen=True, slots=True)
class GamepadButtonUp(InputEvent):
    """A button of gamepad ``pad`` went up."""

    pad: int
    button: str


@dataclass(frozen=True, slots=True)
class GamepadAxisMotion(InputEvent):
    """A stick or trigger of gamepad ``pad`` moved: ``axis`` is SDL's name (``"leftx"``).

    ``value`` is in [-1, 1] for sticks (right and down positive) and [0, 1]
    for triggers.
    """

    pad: int
    axis: str
    value: float


@dataclass(frozen=True, slots=True)
class ActionPressed(InputEvent):
    """A bound action (``"move_left"``, ``"chat"``, …) became held.

    ``source`` is the binding that pressed it, spelt as in ``bindings.toml``
    (``"t"``, ``"return"``, ``"pad:a"``, ``"pad:leftx-"``).
    """

    action: str
    source: str = ""


@dataclass(frozen=True, slots=True)
class ActionReleased(InputEvent):
    """A bound action stopped being held."""

    action: str


@dataclass(frozen=True, slots=True)
class FocusChanged(InputEvent):
    """The window gained (``focused=True``) or lost keyboard focus."""

    focused: bool


@dataclass(frozen=True, slots=True)
class QuitRequested(InputEvent):
    """The player closed the window or asked to quit."""
