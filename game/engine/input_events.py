"""Typed input events, stamped with the tick they apply to.

Pure dataclasses (no pygame), so replays and brains can use them too. The
:class:`~game.engine.input.InputMapper` makes them from pygame events.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.events import Event

__all__ = [
    "ActionPressed",
    "ActionReleased",
    "FocusChanged",
    "InputEvent",
    "KeyDown",
    "KeyUp",
    "QuitRequested",
    "TextInput",
]


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
class ActionPressed(InputEvent):
    """A bound action (``"move_left"``, ``"talk"``, …) became held."""

    action: str


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
